import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ROLES, issueToken, requireScope, verifyAuthorization } from '../../lib/auth.js';
import { secretMatches } from '../../lib/secrets.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const bearer = (token: string) => `Bearer ${token}`;
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
};

describe('tokens', () => {
  it.each(ROLES)('round-trips a %s token with its scope and subject', async (role) => {
    const token = await issueToken(SECRET, { subject: 'alice', role, scope: 'gent' });
    expect(await verifyAuthorization(SECRET, bearer(token))).toEqual({ subject: 'alice', role, scope: 'gent' });
  });

  it('treats a request without Authorization as public', async () => {
    expect(await verifyAuthorization(SECRET, undefined)).toBeNull();
  });

  it('refuses forged, expired, malformed and foreign tokens', async () => {
    const forged = await issueToken('another-secret-0123456789abcdef0123456789', {
      subject: 'x',
      role: 'city-admin',
      scope: 'gent',
    });
    const expired = await issueToken(SECRET, { subject: 'x', role: 'city-admin', scope: 'gent', expiresIn: '-1m' });
    const unknownRole = await new SignJWT({ role: 'mayor', scope: 'gent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('commons-graph')
      .setAudience('commons-graph')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const otherAudience = await new SignJWT({ role: 'city-admin', scope: 'gent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('commons-graph')
      .setAudience('someone-else')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    for (const header of [
      bearer(forged),
      bearer(expired),
      bearer(unknownRole),
      bearer(otherAudience),
      'Basic abc',
      'Bearer',
    ]) {
      expect(await codeOf(verifyAuthorization(SECRET, header)), header).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses the unsigned "none" algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'x', role: 'city-admin', scope: 'gent', iss: 'commons-graph', aud: 'commons-graph' }),
    ).toString('base64url');
    expect(await codeOf(verifyAuthorization(SECRET, bearer(`${header}.${payload}.`)))).toBe('UNAUTHENTICATED');
  });
});

describe('scopes', () => {
  const viewer = { subject: 'bob', role: 'coop-operator' as const, scope: 'muniride-gent' };

  it('allows exactly the role and scope of the token', () => {
    expect(requireScope(viewer, 'coop-operator', 'muniride-gent')).toBe(viewer);
  });

  it('refuses another scope, another role, and the public', () => {
    expect(() => requireScope(viewer, 'coop-operator', 'fairbnb-bologna')).toThrow(/may not/);
    expect(() => requireScope(viewer, 'city-admin', 'muniride-gent')).toThrow(/may not/);
    expect(() => requireScope(null, 'coop-operator', 'muniride-gent')).toThrow(/needs a coop-operator token/);
  });
});

describe('gateway secret', () => {
  it('matches only the exact secret', () => {
    expect(secretMatches('s3cret-value', 's3cret-value')).toBe(true);
    expect(secretMatches('s3cret-valuX', 's3cret-value')).toBe(false);
    expect(secretMatches('short', 's3cret-value')).toBe(false);
    expect(secretMatches(undefined, 's3cret-value')).toBe(false);
  });
});
