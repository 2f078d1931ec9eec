/**
 * The ingest's two lookups per batch, on both engines: the uses overlapping a stored use
 * (subgraphs/coop/db/overlaps.ts) and the client ids already stored (db/stored-ids.ts). Each
 * finds exactly what a brute-force comparison with the raw rows finds, and on PostgreSQL its
 * work grows with the batch, not with the events stored, even on a month partition created by
 * the ingest before it and not yet analyzed. (Before, the planner read the co-op's whole new
 * month once per span there: 75 s for one 10,000-event batch.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../lib/config.js';
import { openDatabase, type Knex } from '../../lib/db.js';
import { createRandom } from '../../seeds/prng.js';
import { USAGE_FROM, USAGE_TO } from '../../seeds/world.js';
import type { UsageEventRow } from '../../subgraphs/coop/db/tables.js';
import { spansOverlappingStoredUses } from '../../subgraphs/coop/db/overlaps.js';
import { storedClientEventIds } from '../../subgraphs/coop/db/stored-ids.js';
import { ingestUsage } from '../../subgraphs/coop/db/writes.js';
import type { UseSpan } from '../../subgraphs/coop/ingest.js';
import { seededEngines, type SeededEngine } from '../engines.js';
import { freshUses } from '../fresh-uses.js';
import { copyTemplate, TEST_SEED } from '../harness.js';

const engines = await seededEngines('coop', 'overlaps', TEST_SEED, 'the overlap probe');

/** Brute force: the indexes of the spans overlapping any stored use of their asset. */
function overlapsByHand(
  stored: readonly Pick<UsageEventRow, 'asset_id' | 'started_at' | 'ended_at'>[],
  spans: UseSpan[],
) {
  const hits = new Set<number>();
  for (const span of spans) {
    const s = Date.parse(span.startedAt);
    const e = Date.parse(span.endedAt);
    const hit = stored.some(
      (use) => use.asset_id === span.assetId && Date.parse(use.started_at) < e && Date.parse(use.ended_at) > s,
    );
    if (hit) hits.add(span.index);
  }
  return hits;
}

/** Random spans over the seed's assets and usage period: a minute to three days long, many overlapping a stored use. */
function randomSpans(assetIds: readonly string[], count: number): UseSpan[] {
  const random = createRandom(TEST_SEED);
  const from = Date.parse(`${USAGE_FROM}T00:00:00Z`);
  const to = Date.parse(`${USAGE_TO}T23:59:00Z`);
  return Array.from({ length: count }, (_, index) => {
    const start = Math.floor(random.between(from, to) / 60_000) * 60_000;
    const minutes = random.next() < 0.8 ? random.int(1, 240) : random.int(241, 3 * 24 * 60);
    return {
      index,
      assetId: random.pick(assetIds),
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + minutes * 60_000).toISOString(),
    };
  });
}

/**
 * Rows every scan of a table in a plan read, filtered out or not, summed over its loops: a
 * measure of the statement's work that does not depend on the machine's speed.
 */
function rowsRead(plan: Record<string, any>): number {
  const loops = Number(plan['Actual Loops'] ?? 1);
  const own = plan['Relation Name']
    ? (Number(plan['Actual Rows'] ?? 0) + Number(plan['Rows Removed by Filter'] ?? 0)) * loops
    : 0;
  return (
    own + ((plan.Plans as Record<string, any>[] | undefined) ?? []).reduce((sum, child) => sum + rowsRead(child), 0)
  );
}

describe.each(engines)('the overlap probe on $name', (engine: SeededEngine) => {
  let db: Knex;

  beforeAll(async () => {
    const config: DatabaseConfig = (await engine.prepare()) ?? { client: 'sqlite', filename: copyTemplate('coop') };
    db = openDatabase(config);
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await engine.cleanUp();
  });

  it('holds the key of every stored event, and no other', async () => {
    const events = await db('usage_events').distinct('platform_cooperative_id', 'client_event_id');
    const keys = await db('usage_event_keys').select('platform_cooperative_id', 'client_event_id');
    const text = (rows: { platform_cooperative_id: string; client_event_id: string }[]) =>
      rows.map((row) => `${row.platform_cooperative_id}|${row.client_event_id}`).sort();
    expect(events.length).toBeGreaterThan(1_000);
    expect(text(keys)).toEqual(text(events));
  });

  it('finds exactly the client ids a co-op has stored, and no other co-op’s', async () => {
    const stored = await db<UsageEventRow>('usage_events').select('platform_cooperative_id', 'client_event_id');
    const coopId = stored[0]!.platform_cooperative_id;
    const own = stored.filter((row) => row.platform_cooperative_id === coopId).map((row) => row.client_event_id);
    const others = stored.filter((row) => row.platform_cooperative_id !== coopId).map((row) => row.client_event_id);
    const asked = [...own.slice(0, 2_000), ...others.slice(0, 1_000), 'never-stored-1', 'never-stored-2'];
    const expected = new Set(own.slice(0, 2_000));
    expect(others.length).toBeGreaterThan(0);
    expect(await storedClientEventIds(db, coopId, asked)).toEqual(expected);
    expect(await storedClientEventIds(db, coopId, [])).toEqual(new Set());
  });

  it('finds exactly the spans a brute-force comparison with the stored uses finds', async () => {
    const stored = await db<UsageEventRow>('usage_events').select('asset_id', 'started_at', 'ended_at');
    const assetIds = [...new Set(stored.map((use) => use.asset_id))].sort();
    const spans = randomSpans(assetIds, 3_000);
    const expected = overlapsByHand(stored, spans);
    expect(expected.size).toBeGreaterThan(100);
    expect(expected.size).toBeLessThan(spans.length);
    expect([...(await spansOverlappingStoredUses(db, spans))].sort((a, b) => a - b)).toEqual(
      [...expected].sort((a, b) => a - b),
    );
  });
});

/** PostgreSQL plans by statistics, and a month partition the ingest just created has none yet. */
const postgres = engines.find((engine) => engine.name === 'PostgreSQL');
if (postgres) {
  describe('the overlap probe on PostgreSQL, right after an ingest', () => {
    let db: Knex;

    beforeAll(async () => {
      db = openDatabase((await postgres.prepare())!);
    }, 120_000);

    afterAll(async () => {
      await db?.destroy();
      await postgres.cleanUp();
    });

    /** Rows read by the first statement `lookup` sends, run again under EXPLAIN ANALYZE. */
    async function rowsReadBy(lookup: () => Promise<unknown>): Promise<number> {
      let statement: { sql: string; bindings: readonly unknown[] } | null = null;
      const capture = (query: { sql: string; bindings: readonly unknown[] }) => (statement ??= query);
      db.on('query', capture);
      try {
        await lookup();
      } finally {
        db.off('query', capture);
      }
      const { sql, bindings } = statement!;
      const explained = await db.raw(
        `explain (analyze, format json) ${sql.replace(/\$\d+/g, '?')}`,
        bindings as Knex.Value[],
      );
      return rowsRead(explained.rows[0]['QUERY PLAN'][0].Plan);
    }

    let first: Awaited<ReturnType<typeof freshUses>>;
    let next: Awaited<ReturnType<typeof freshUses>>;

    beforeAll(async () => {
      first = await freshUses(db, 3_000, 'probe-a', 20);
      expect((await ingestUsage(db, first.coopId, first.events)).accepted).toBe(3_000);
      next = await freshUses(db, 3_000, 'probe-b', 20);
    }, 60_000);

    it('reads a few rows per span on a new month partition not yet analyzed', async () => {
      const spans: UseSpan[] = next.events.map((event, index) => ({ index, ...event }));
      const read = await rowsReadBy(async () => expect((await spansOverlappingStoredUses(db, spans)).size).toBe(0));
      // One row per partition a span's window can reach (its month, the month before, the default).
      expect(read).toBeLessThanOrEqual(3 * spans.length);
    }, 60_000);

    it('reads at most one row per client id looked up there', async () => {
      const ids = [...first.events, ...next.events].map((event) => event.clientEventId);
      const read = await rowsReadBy(async () =>
        expect((await storedClientEventIds(db, first.coopId, ids)).size).toBe(3_000),
      );
      expect(read).toBeLessThanOrEqual(ids.length);
    }, 60_000);
  });
}
