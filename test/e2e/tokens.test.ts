/**
 * Tokens as a newcomer meets them: `npm run token` signs with the secret `npm start` resolves
 * and never invents one, a bad `--ttl` is a usage message, a refused token says which check
 * failed outside production, and every auth refusal has its HTTP status (401 without or with a
 * bad token, 403 for another scope), whether the gateway or the subgraph refuses it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../lib/auth.js';
import { bearer, startTestStack, type TestStack } from '../harness.js';
import { runScript } from '../scripts.js';

/** Runs `npm run token` with a DATA_DIR and no AUTH_SECRET. */
const token = (dataDir: string, ...args: string[]) => runScript('token', dataDir, args);

describe('npm run token', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to sign where no server has a secret, says why, and creates none', () => {
    const result = token(dataDir, '--role', 'city-admin', '--scope', 'gent');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${path.join(dataDir, 'secrets.json')} does not exist`);
    expect(result.stderr).toContain('Use the DATA_DIR (or AUTH_SECRET) of the running stack');
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('answers a bad --ttl with a usage message, no stack trace, exit code 2', () => {
    for (const ttl of ['forever', '-1h', '0m', '1 fortnight']) {
      const result = token(dataDir, '--role', 'city-admin', '--scope', 'gent', `--ttl=${ttl}`);
      expect(result.code, ttl).toBe(2);
      expect(result.stderr).toContain(
        `--ttl must be a positive duration such as 30m, 1h, 12 hours or 7d, got "${ttl}"`,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('signs with the secret npm start wrote to the same DATA_DIR', () => {
    const secrets = { authSecret: 'a'.repeat(43), subgraphSecret: 'b'.repeat(43) };
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify(secrets));
    const result = token(dataDir, '--role', 'city-admin', '--scope', 'gent', '--ttl', '30m');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

describe('auth refusals through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  const WRITE = `mutation($input: IngestUsageInput!) { ingestUsage(input: $input) { accepted } }`;
  const input = { platformCooperativeId: 'muniride-gent', events: [] };

  async function post(headers: Record<string, string>) {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: WRITE, variables: { input } }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    return { status: response.status, error: body.errors[0]! };
  }

  it('says which check a token failed when not in production', async () => {
    const otherSecret = await issueToken('another-secret-0123456789abcdef0123456789', {
      role: 'coop-operator',
      scope: 'muniride-gent',
      subject: 'test',
      expiresIn: '5m',
    });
    const signed = await post({ authorization: `Bearer ${otherSecret}` });
    expect(signed.status).toBe(401);
    expect(signed.error.message).toMatch(/^Token is not valid: its signature does not match this server's secret/);
    expect((await post({ authorization: 'Bearer junk' })).error.message).toBe(
      'Token is not valid: it is not a well-formed signed JWT (three base64url parts).',
    );
  });

  it('answers 401 for a write without a token, as for a bad token, and 403 for another scope', async () => {
    const none = await post({});
    expect(none).toMatchObject({ status: 401, error: { extensions: { code: 'UNAUTHENTICATED' } } });
    const other = await post(await bearer('coop-operator', 'muniride-leuven'));
    expect(other).toMatchObject({ status: 403, error: { extensions: { code: 'FORBIDDEN' } } });
  });
});
