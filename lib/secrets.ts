import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/** The two secrets every process of one deployment shares. */
export interface Secrets {
  authSecret: string;
  subgraphSecret: string;
}

/** How `resolveSecrets` treats a development data folder that has no secrets yet. */
export interface ResolveOptions {
  /**
   * Write new secrets when `DATA_DIR/secrets.json` is absent (default, as `npm start` does the
   * first time). `npm run token` passes false: a token signed with a secret no server has is
   * useless, and a new file there would hide that its DATA_DIR is not the stack's.
   */
  create?: boolean;
}

/** No secret to sign with: the data folder has none, and creating one was not allowed. */
export class MissingSecretsError extends Error {}

/**
 * Returns the configured secrets: the one place `npm start` (and the five processes it starts)
 * and `npm run token` resolve them, from the same inputs (AUTH_SECRET, SUBGRAPH_SECRET,
 * DATA_DIR, NODE_ENV). Outside production, a missing one is read from (or, the first time,
 * written to) `DATA_DIR/secrets.json`, so they agree without anyone setting variables. In
 * production both are required.
 */
export function resolveSecrets(config: Config, options: ResolveOptions = {}): Secrets {
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
    if (options.create === false) {
      throw new MissingSecretsError(
        `${file} does not exist: no server has started with DATA_DIR=${config.dataDir}, so a token signed here would be refused. ` +
          'Use the DATA_DIR (or AUTH_SECRET) of the running stack, or start it once with `npm start`.',
      );
    }
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
