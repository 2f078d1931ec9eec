/** Gateway-only subgraphs, error masking in production, and rate limits shared through Redis. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_SECRET_HEADER } from '../../lib/secrets.js';
import { postGraphQL, SECRETS, startTestStack, type TestStack } from '../harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('subgraphs answer only the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it.each(['league', 'depository', 'coop', 'production'] as const)(
    '%s refuses a direct request with 401',
    async (name) => {
      const url = stack.subgraphs[name].url;
      const attempts: Record<string, string>[] = [
        {},
        { [GATEWAY_SECRET_HEADER]: 'guess-0123456789abcdef0123456789abcdef' },
      ];
      for (const headers of attempts) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        expect(response.status).toBe(401);
        expect(await response.text()).toMatch(/through the gateway/);
      }
      expect(
        (await postGraphQL(url, '{ __typename }', undefined, { [GATEWAY_SECRET_HEADER]: SECRETS.subgraphSecret })).data,
      ).toEqual({ __typename: 'Query' });
    },
  );

  it('propagates the request id from the gateway', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-abc-123' },
      body: JSON.stringify({ query: '{ leagues { totalCount } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
  });
});

describe('error detail', () => {
  const failingQuery = '{ city(id: "gent") { name leagues { id } } }';

  it('masks internal errors in production and keeps the code', async () => {
    const stack = await startTestStack({ production: true });
    try {
      await stack.subgraphs.league.db.destroy(); // every league query now fails inside knex
      const { errors } = await stack.query(failingQuery);
      expect(errors?.[0]?.message).toBe('Internal server error');
      expect(errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(errors)).not.toMatch(/knex|select|sqlite|stacktrace|pool/i);
      const introspection = await stack.query('{ __schema { types { name } } }');
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    } finally {
      await stack.stop().catch(() => {});
    }
  });

  it('shows the detail in development', async () => {
    const stack = await startTestStack();
    try {
      await stack.subgraphs.league.db.destroy();
      const { errors } = await stack.query(failingQuery);
      expect(errors?.[0]?.message).not.toBe('Internal server error');
    } finally {
      await stack.stop().catch(() => {});
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once the per-minute budget is spent', async () => {
    const stack = await startTestStack({ limits: { rateLimitPerMinute: 5 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i++) {
        const response = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ leagues { totalCount } }')}`, {
          headers: { 'apollo-require-preflight': 'true' },
        });
        statuses.push(response.status);
        retryAfter ??= response.headers.get('retry-after');
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await stack.stop();
    }
  });

  it('counts open-data files (catalogue, CSV, GBFS) against the same budget as /graphql', async () => {
    const stack = await startTestStack({ limits: { rateLimitPerMinute: 3 } });
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    try {
      const get = (path: string) => fetch(`${base}${path}`);
      const within = await Promise.all(
        ['/gbfs/no-such-coop/gbfs.json', '/data/applications.csv', '/catalog.ttl'].map(async (path) => {
          const response = await get(path);
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(within).toEqual([404, 200, 200]);
      for (const path of ['/gbfs/no-such-coop/gbfs.json', '/data/emission-factors.csv', '/catalog.jsonld']) {
        const response = await get(path);
        expect(response.status, path).toBe(429);
        expect(Number(response.headers.get('retry-after')), path).toBeGreaterThan(0);
      }
    } finally {
      await stack.stop();
    }
  });

  it('counts city pages, which ask the graph whether the city exists, against the same budget', async () => {
    const stack = await startTestStack({ limits: { rateLimitPerMinute: 3 } });
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    try {
      const statuses: number[] = [];
      for (const id of ['no-such-city-1', 'no-such-city-2', 'no-such-city-3', 'no-such-city-4', 'no-such-city-5']) {
        const response = await fetch(`${base}/cities/${id}`);
        await response.arrayBuffer();
        statuses.push(response.status);
        if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      // The refused ones never reached the graph: the league subgraph saw three lookups at most.
      const lookups = await stack.subgraphs.league.sqlStatements();
      const again = await fetch(`${base}/cities/no-such-city-6`);
      await again.arrayBuffer();
      expect(again.status).toBe(429);
      expect(await stack.subgraphs.league.sqlStatements()).toBe(lookups);
    } finally {
      await stack.stop();
    }
  });

  it('shares the budget between two gateway instances through Redis', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
    } catch (error) {
      if (process.env.CI) throw error;
      console.warn(`Redis leg skipped: ${REDIS_URL} is not reachable (${(error as Error).message})`);
      return;
    }
    const keys = await redis.keys('commons-rl*');
    if (keys.length) await redis.del(...keys);
    const options = { limits: { rateLimitPerMinute: 6 }, redisUrl: REDIS_URL };
    const [a, b] = await Promise.all([startTestStack(options), startTestStack(options)]);
    try {
      const ask = async (stack: TestStack) =>
        (
          await fetch(stack.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ leagues { totalCount } }' }),
          })
        ).status;
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await ask(a), await ask(b));
      expect(statuses.filter((status) => status === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      const left = await redis.keys('commons-rl*');
      if (left.length) await redis.del(...left);
      redis.disconnect();
    }
  });
});
