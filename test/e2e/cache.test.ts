/**
 * Public aggregates carry honest cache hints, and a Redis response cache shared by gateway
 * instances serves them for exactly that long: never a request with a token, never longer
 * than the stated max-age after an ingest changed a figure.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import { bearer, dataOf, startTestStack, type TestStack } from '../harness.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MAX_AGE = 2;

let redis: Redis | undefined;
let reason: string | null = null;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (error) {
    if (process.env.CI) throw error;
    reason = `Redis at ${REDIS_URL} is not reachable (${(error as Error).message})`;
    console.warn(`Response-cache tests skipped: ${reason}`);
  }
});
afterAll(() => redis?.disconnect());

async function clearCache() {
  const keys = await redis!.keys('commons-rc:*');
  if (keys.length) await redis!.del(...keys);
}

async function post(stack: TestStack, query: string, variables: Record<string, unknown>, headers = {}) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { response, body: (await response.json()) as any };
}

const coop = platformCooperatives.find((c) => c.profile === 'regular')!;
const SHARING = `query($id: ID!) { platformCooperative(id: $id) { sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses } } }`;

describe('cache hints without a shared cache', () => {
  it('states the max-age of public reads in Cache-Control', async () => {
    const stack = await startTestStack();
    try {
      const { response } = await post(stack, CITY_REPORT, { id: 'gent', ...REPORT_PERIOD });
      expect(response.headers.get('cache-control')).toBe('max-age=60, public');
    } finally {
      await stack.stop();
    }
  });
});

describe.skipIf(reason !== null)('the Redis response cache', () => {
  let a: TestStack;
  let b: TestStack;
  beforeAll(async () => {
    await clearCache();
    const options = { redisUrl: REDIS_URL, settings: { cacheMaxAge: MAX_AGE } };
    [a, b] = await Promise.all([startTestStack(options), startTestStack(options)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (redis?.status === 'ready') await clearCache();
  });

  it('answers a repeated city report from the cache of another gateway instance, without SQL', async () => {
    const variables = { id: 'gent', ...REPORT_PERIOD };
    const cold = await post(a, CITY_REPORT, variables);
    expect(cold.response.headers.get('age')).toBeNull();
    const before = await b.sqlStatements();
    const warm = await post(b, CITY_REPORT, variables);
    expect(warm.response.headers.get('age')).not.toBeNull();
    expect(warm.body).toEqual(cold.body);
    expect(await b.sqlStatements()).toBe(before);
  });

  it('never serves or stores a request that carries a token', async () => {
    const headers = await bearer('city-admin', 'gent');
    await post(a, CITY_REPORT, { id: 'gent', ...REPORT_PERIOD }, headers);
    const before = await a.sqlStatements();
    const again = await post(a, CITY_REPORT, { id: 'gent', ...REPORT_PERIOD }, headers);
    expect(again.response.headers.get('age')).toBeNull();
    expect(await a.sqlStatements()).toBeGreaterThan(before);
  });

  it('serves a figure changed by an ingest for no longer than its max-age', async () => {
    const first = dataOf((await post(a, SHARING, { id: coop.id })).body).platformCooperative.sharing.uses;
    // Five members' trips on one day, so the new bin is visible.
    // A day of the queried year on which the co-op has no stored use starting, and one of its
    // assets in service and free all that day: the five new members' bin then holds exactly
    // their five uses (a day with hidden uses would add those too).
    const stored: { asset_id: string; started_at: string | Date; ended_at: string | Date }[] = await a.subgraphs.coop
      .db('usage_events')
      .where({ platform_cooperative_id: coop.id })
      .select('asset_id', 'started_at', 'ended_at');
    const dayOf = (at: string | Date) => new Date(at).toISOString().slice(0, 10);
    const busy = new Set(stored.map((use) => dayOf(use.started_at)));
    const day = Array.from({ length: 365 }, (_, i) => dayOf(new Date(Date.UTC(2025, 11, 31 - i)))).find(
      (candidate) => !busy.has(candidate),
    )!;
    const inUse = new Set(
      stored
        .filter((use) => dayOf(use.started_at) <= day && new Date(use.ended_at) > new Date(`${day}T00:00:00Z`))
        .map((use) => use.asset_id),
    );
    const asset = (
      await a.subgraphs.coop
        .db('shared_assets')
        .where({ platform_cooperative_id: coop.id, decommissioned_on: null })
        .where('commissioned_on', '<=', day)
        .orderBy('id')
    ).find((candidate: { id: string }) => !inUse.has(candidate.id))!;
    const events = Array.from({ length: 5 }, (_, i) => ({
      clientEventId: `cache-test-${Date.now()}-${i}`,
      assetId: asset.id,
      memberRef: `cache-test-member-${i}`,
      startedAt: `${day}T0${i}:00:00Z`,
      endedAt: `${day}T0${i}:30:00Z`,
      km: asset.kind === 'HOME' || asset.kind === 'ROOM' || asset.kind === 'TOOL' ? null : 1,
      nights: asset.kind === 'HOME' || asset.kind === 'ROOM' ? 1 : null,
    }));
    const ingest = await a.query(
      `mutation($input: IngestUsageInput!) { ingestUsage(input: $input) { accepted results { reason } } }`,
      { input: { platformCooperativeId: coop.id, events } },
      await bearer('coop-operator', coop.id),
    );
    expect(dataOf(ingest).ingestUsage, JSON.stringify(ingest)).toMatchObject({ accepted: 5 });
    await new Promise((resolve) => setTimeout(resolve, (MAX_AGE + 1) * 1000));
    const after = dataOf((await post(a, SHARING, { id: coop.id })).body).platformCooperative.sharing.uses;
    expect(after).toBe(first + 5);
  });
});
