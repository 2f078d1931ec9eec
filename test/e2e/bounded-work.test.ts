/**
 * Bounded work in every process, through the gateway in production mode: a subgraph stops a
 * request's work when the gateway's deadline passes, no process builds, returns or caches an
 * answer over MAX_ANSWER_BYTES, and the response cache survives variables nested thousands deep.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type DatabaseConfig, type SubgraphName } from '../../lib/config.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { bearer, copyTemplate, startTestStack, TEST_SEED, type TestStack, type TestSubgraph } from '../harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `a { id b { id a { ... leaf } } }`, `depth` levels of two alternating list fields. */
function alternating(depth: number, a: string, b: string, leaf: string): string {
  let selection = leaf;
  for (let level = depth; level > 0; level--) selection = `${level % 2 ? a : b} { id ${selection} }`;
  return selection;
}

/** Depth 8 under the root: within MAX_DEPTH, and an answer of tens of megabytes if built (minutes of work). */
/**
 * The gateway's cost estimate (gateway/cost.ts) and JSON depth bound (lib/json-depth.ts) refuse
 * these operations before any subgraph is asked. Both are lifted here, so that this file proves
 * the defence behind them holds on its own: if an estimate were ever wrong, deadlines and answer
 * budgets still bound the work.
 */
const BEHIND_THE_EDGE = { maxCost: Number.MAX_SAFE_INTEGER, maxJsonDepth: 100_000 };
const LEAGUE_BOMB = `{ league(id: "eurocities") { id ${alternating(8, 'members', 'leagues', 'name')} } }`;
/** Seven levels through two subgraphs: the gateway fans each level out, ~255 KB composed. */
const DEPLOYMENT_FAN_OUT = `{ application(id: "muniride") { id ${alternating(7, 'deployments', 'application', 'name')} } }`;

/** One labelled count of `commons_rejected_requests_total` at a service's /metrics. */
async function rejections(service: { url: string }, reason: string): Promise<number> {
  const text = await (await fetch(service.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = new RegExp(`^commons_rejected_requests_total\\{reason="${reason}"[^}]*\\} (\\d+)`, 'm').exec(text);
  return Number(line?.[1] ?? 0);
}

/** Waits (bounded) until `read` returns something other than `before`, and returns it. */
async function changed(read: () => Promise<number>, before: number, attempts = 100): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const now = await read();
    if (now !== before) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return before;
}

async function health(subgraph: TestSubgraph): Promise<number> {
  return (await fetch(subgraph.url.replace(/\/graphql$/, '/health'))).status;
}

const pgMissing = await postgresUnavailable();
if (pgMissing) {
  if (process.env.CI) throw new Error(pgMissing);
  console.warn(`PostgreSQL leg of the deadline test skipped: ${pgMissing}`);
}

/** The league on a seeded PostgreSQL schema of its own, the other three on SQLite copies. */
async function leagueOnPostgres(): Promise<Record<SubgraphName, DatabaseConfig>> {
  const league = postgresDatabase('league', 'bounded');
  await dropSchema(league);
  await prepareDatabase('league', league, { seed: TEST_SEED });
  return Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [
      name,
      name === 'league' ? league : { client: 'sqlite', filename: copyTemplate(name) },
    ]),
  ) as Record<SubgraphName, DatabaseConfig>;
}

describe.each([
  ['SQLite', false],
  ['PostgreSQL', true],
] as const)('deadline, league on %s', (_engine, postgres) => {
  let stack: TestStack;
  let databases: Record<SubgraphName, DatabaseConfig> | undefined;
  const skip = postgres && pgMissing !== null;
  beforeAll(async () => {
    if (skip) return;
    databases = postgres ? await leagueOnPostgres() : undefined;
    // An answer limit the bomb cannot reach in its 300 ms, so the deadline is what stops it on any machine.
    const maxAnswerBytes = 100_000_000;
    stack = await startTestStack({
      production: true,
      subgraphTimeoutMs: 300,
      databases,
      limits: { maxAnswerBytes, ...BEHIND_THE_EDGE },
      settings: { maxAnswerBytes },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    if (databases) await dropSchema(databases.league);
  });

  it.skipIf(skip)(
    'stops the subgraph resolving once the gateway stops waiting, and the subgraph keeps answering',
    async () => {
      const { league } = stack.subgraphs;
      const before = await rejections(league, 'deadline');
      const answer = await stack.query(LEAGUE_BOMB);
      expect(answer.data).toEqual({ league: null });
      expect(['SUBGRAPH_UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(answer.errors?.[0]?.extensions?.code);
      expect(answer.errors?.[0]?.extensions?.serviceName).toBe('league');
      // The league subgraph ended the request itself, stopped at the deadline, not by finishing the work.
      expect(await changed(() => rejections(league, 'deadline'), before)).toBe(before + 1);
      expect(await health(league)).toBe(200);
      const small = await stack.query(`{ league(id: "eurocities") { id members { id } } }`);
      expect(small.errors).toBeUndefined();
      expect(small.data.league.members.length).toBeGreaterThan(0);
    },
  );
});

describe('answer size', () => {
  let stack: TestStack;
  beforeAll(async () => {
    const maxAnswerBytes = 100_000;
    stack = await startTestStack({
      production: true,
      limits: { maxAnswerBytes, ...BEHIND_THE_EDGE },
      settings: { maxAnswerBytes } as never,
    });
  });
  afterAll(() => stack?.stop());

  it('a subgraph refuses to build an answer over the limit', async () => {
    const { league } = stack.subgraphs;
    const before = await rejections(league, 'answer_too_large');
    const answer = await stack.query(LEAGUE_BOMB);
    expect(answer.data).toEqual({ league: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'ANSWER_TOO_LARGE', serviceName: 'league' } }),
    ]);
    expect(await changed(() => rejections(league, 'answer_too_large'), before)).toBe(before + 1);
    expect(await health(league)).toBe(200);
  });

  it('keeps the read limit for a read whose body a token holder padded past it', async () => {
    // A write's limit grows with its request (writeAnswerLimit); a read's must not, or padding
    // would buy a bigger answer: this one composes ~255 KB, over the 100 KB limit, under 2 MB.
    const headers = await bearer('coop-operator', 'muniride-gent');
    const padded = await stack.query(DEPLOYMENT_FAN_OUT, { pad: 'x'.repeat(1_000_000) }, headers);
    expect(padded.errors?.map((error) => error.extensions?.code)).toContain('ANSWER_TOO_LARGE');
  });

  it('the gateway never returns an answer over the limit, however its subgraph fetches add up', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: DEPLOYMENT_FAN_OUT }),
    });
    const text = await response.text();
    expect(text.length).toBeLessThan(1000);
    const body = JSON.parse(text);
    expect(body.errors.map((error: { extensions: { code: string } }) => error.extensions.code)).toContain(
      'ANSWER_TOO_LARGE',
    );
  });

  it('answers what fits as before', async () => {
    const answer = await stack.query(`{ application(id: "muniride") { id deployments { id name } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.application.deployments.length).toBeGreaterThan(0);
  });
});

let redis: Redis | undefined;
let redisMissing: string | null = null;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (error) {
    if (process.env.CI) throw error;
    redisMissing = `Redis at ${REDIS_URL} is not reachable (${(error as Error).message})`;
    console.warn(`Bounded response-cache tests skipped: ${redisMissing}`);
  }
});
afterAll(() => redis?.disconnect());

/** Sizes of every entry of the response cache, in bytes. */
async function cachedSizes(): Promise<number[]> {
  const keys = await redis!.keys('commons-rc:*');
  return Promise.all(keys.map((key) => redis!.strlen(key)));
}

describe.skipIf(redisMissing !== null)('the response cache, bounded', () => {
  const maxAnswerBytes = 100_000;
  let stack: TestStack;
  beforeAll(async () => {
    const keys = await redis!.keys('commons-rc:*');
    if (keys.length) await redis!.del(...keys);
    stack = await startTestStack({
      production: true,
      redisUrl: REDIS_URL,
      limits: { maxAnswerBytes, ...BEHIND_THE_EDGE },
      settings: { maxAnswerBytes } as never,
    });
  });
  afterAll(() => stack?.stop());

  it('stores nothing over the answer limit', async () => {
    const answer = await stack.query(DEPLOYMENT_FAN_OUT);
    expect(answer.errors?.[0]?.extensions?.code).toBe('ANSWER_TOO_LARGE');
    const fits = await stack.query(`{ application(id: "muniride") { id deployments { id } } }`);
    expect(fits.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the cache writes in the background
    const sizes = await cachedSizes();
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(maxAnswerBytes);
  });

  it('answers (uncached) a request whose unused variable nests 5,000 deep', async () => {
    // Written out by hand: JSON.stringify would overflow this process's stack as it did the gateway's.
    const deep = `${'{"a":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":"{ leagues(first: 1) { totalCount } }","variables":{"unused":${deep}}}`,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { leagues: { totalCount: number } } };
    expect(body.data?.leagues.totalCount).toBeGreaterThan(0);
  });
});
