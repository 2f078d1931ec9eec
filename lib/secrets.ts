import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/** The two secrets every process of one deployment shares. */
export interface Secrets {
  authSecret: string;
  subgraphSecret: string;
}

/**
 * Returns the configured secrets. Outside production, a missing one is read from (or, the
 * first time, written to) `DATA_DIR/secrets.json`, so `npm start`, the five processes and
 * `npm run token` agree without anyone setting variables. In production both are required.
 */
export function resolveSecrets(config: Config): Secrets {
  if (config.authSecret && config.subgraphSecret) {
    return { authSecret: config.authSecret, subgraphSecret: config.subgraphSecret };
  }
  if (config.env === 'production') {
    const missing = [!config.authSecret && 'AUTH_SECRET', !config.subgraphSecret && 'SUBGRAPH_SECRET'].filter(Boolean);
    throw new Error(`Invalid configuration:\n  ${missing.join(', ')}: required when NODE_ENV=production`);
  }
  const file = path.join(config.dataDir, 'secrets.json');
  let local: Secrets;
  try {
    local = JSON.parse(fs.readFileSync(file, 'utf8')) as Secrets;
  } catch {
    local = { authSecret: randomSecret(), subgraphSecret: randomSecret() };
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(local, null, 2), { mode: 0o600 });
  }
  return {
    authSecret: config.authSecret ?? local.authSecret,
    subgraphSecret: config.subgraphSecret ?? local.subgraphSecret,
  };
}

const randomSecret = () => crypto.randomBytes(32).toString('base64url');

/** Compares a presented secret with the expected one in constant time. */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The header through which the gateway proves itself to subgraphs. */
export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';
