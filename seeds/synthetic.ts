/**
 * The synthetic generator: grows a seeded world to benchmark scale (hundreds of cities,
 * thousands of co-ops, 10^5 assets, 10^7 usage events) on SQLite or PostgreSQL.
 *
 * Deterministic: the plan (cities, co-ops, assets; synthetic/plan.ts) comes from one seeded
 * PRNG, and each co-op's events (synthetic/events.ts) from a PRNG of its own seeded by the
 * run's seed and the co-op's number, so the same seed and sizes give the same rows whatever the
 * batch size. Cities, co-ops and assets go through the league and coop write paths
 * (`db/writes.ts`); events are streamed co-op by co-op, day by day, and written in batches by
 * the engine's bulk writer (synthetic/sqlite-writer.ts, synthetic/postgres-writer.ts); bins
 * are rebuilt once at the end.
 *
 * Everything written is marked synthetic: ids start with `synthetic-`, city names and
 * population sources say so, co-ops are `illustrative` with a description saying so.
 */
import type { Knex } from 'knex';
import { eachDay } from '../lib/dates.js';
import { ensureMonthPartitions, isPostgresHandle } from '../subgraphs/coop/db/partitions.js';
import { chunked, rebuildBins } from '../subgraphs/coop/db/queries.js';
import { insertAssets, insertPlatformCooperatives, recordEventKeys } from '../subgraphs/coop/db/writes.js';
import { insertCities } from '../subgraphs/league/db/writes.js';
import { writeEvents } from './synthetic/event-writer.js';
import {
  planSynthetic,
  SYNTHETIC_CITY_PREFIX,
  SYNTHETIC_COOP_PREFIX,
  syntheticCityId,
  syntheticCoopId,
  type SyntheticPlan,
  type SyntheticSize,
} from './synthetic/plan.js';
import { postgresWriter } from './synthetic/postgres-writer.js';
import { sqliteWriter } from './synthetic/sqlite-writer.js';
import { USAGE_FROM, USAGE_TO } from './world.js';

export { SYNTHETIC_CITY_PREFIX, SYNTHETIC_COOP_PREFIX, type SyntheticSize } from './synthetic/plan.js';

export type SyntheticPhase = 'plan' | 'events' | 'bins' | 'analyze';

export interface SyntheticOptions extends SyntheticSize {
  seed: number;
  /** Events per write: one COPY on PostgreSQL, one run of the prepared statement loop on SQLite. */
  batch: number;
  /** Allows adding another synthetic batch to a database that already holds one. */
  append?: boolean;
  /** Progress of each phase: done out of total (events, co-ops). */
  onProgress?: (phase: SyntheticPhase, done: number, total: number) => void;
}

/** What one run wrote and how long each phase took. */
export interface SyntheticSummary extends SyntheticSize {
  firstCity: number;
  firstCoop: number;
  milliseconds: Record<SyntheticPhase, number>;
}

/** Highest number among ids with the prefix, 0 when none. */
async function lastNumber(db: Knex, table: string, prefix: string): Promise<number> {
  const rows: { id: string }[] = await db(table).where('id', 'like', `${prefix}%`).select('id');
  return rows.reduce((max, row) => Math.max(max, Number(row.id.slice(prefix.length)) || 0), 0);
}

/** Where this run's numbering starts; refuses a second run unless appending. */
async function startingNumbers(league: Knex, coop: Knex, append: boolean): Promise<{ city: number; coop: number }> {
  const city = await lastNumber(league, 'cities', SYNTHETIC_CITY_PREFIX);
  const coopNumber = await lastNumber(coop, 'platform_cooperatives', SYNTHETIC_COOP_PREFIX);
  if ((city > 0 || coopNumber > 0) && !append) {
    throw new Error(
      `These databases already hold synthetic data (up to ${syntheticCityId(city)} and ` +
        `${syntheticCoopId(coopNumber)}). Running again would add a second batch on top ` +
        'of the first, not repeat it. Pass --append to add one anyway (numbering carries on after the ' +
        'last synthetic id), or start from fresh databases (another DATA_DIR, or drop the schemas).',
    );
  }
  return { city: city + 1, coop: coopNumber + 1 };
}

/**
 * Rebuilds the bins of the new co-ops and records their events' client ids (the COPY load
 * bypasses the ingest, which records them), 500 co-ops per statement pair. PostgreSQL rebuilds
 * two chunks at a time on two connections (the aggregate is CPU-bound in the server and
 * this machine kind has two cores); SQLite has one writer.
 */
async function rebuildAllBins(coop: Knex, plan: SyntheticPlan, options: SyntheticOptions): Promise<void> {
  const chunks = chunked(plan.coops.map((c) => c.row.id));
  const total = plan.coops.length;
  let done = 0;
  options.onProgress?.('bins', 0, total);
  const lane = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      await coop.transaction(async (trx) => {
        await rebuildBins(trx, chunk);
        await recordEventKeys(trx, chunk);
      });
      done += chunk.length;
      options.onProgress?.('bins', done, total);
    }
  };
  await Promise.all(Array.from({ length: isPostgresHandle(coop) ? 2 : 1 }, lane));
}

/**
 * Refreshes planner statistics after the bulk load; on PostgreSQL VACUUM also marks pages
 * all-visible, which index-only scans over the member index rely on.
 */
async function analyze(coop: Knex): Promise<void> {
  if (isPostgresHandle(coop)) {
    await coop.raw(
      'vacuum (analyze) usage_events, usage_event_keys, usage_bins, usage_member_years, shared_assets, platform_cooperatives',
    );
  } else {
    await coop.raw('pragma analysis_limit = 1000');
    await coop.raw('analyze');
  }
}

/**
 * Grows the league and coop databases by one synthetic batch: cities into league; co-ops,
 * assets and usage events into coop; then the co-ops' bins. Both databases must be migrated
 * and seeded (seeds/prepare.ts). Refuses to run on databases that already hold synthetic
 * data unless `append` is set.
 */
export async function growSynthetic(league: Knex, coop: Knex, options: SyntheticOptions): Promise<SyntheticSummary> {
  const milliseconds: Record<SyntheticPhase, number> = { plan: 0, events: 0, bins: 0, analyze: 0 };
  const timed = async <T>(phase: SyntheticPhase, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      milliseconds[phase] = Math.round(performance.now() - started);
    }
  };
  const start = await startingNumbers(league, coop, options.append ?? false);
  const plan = await timed('plan', async () => {
    const planned = planSynthetic(options, options.seed, start.city, start.coop);
    await league.transaction((trx) => insertCities(trx, planned.cities));
    await coop.transaction(async (trx) => {
      await insertPlatformCooperatives(
        trx,
        planned.coops.map((c) => c.row),
      );
      await insertAssets(
        trx,
        planned.coops.flatMap((c) => c.assets),
      );
    });
    // Partitions for the window's months, and for any month whose rows wait in the default partition.
    const waiting: { day: string }[] = isPostgresHandle(coop)
      ? (await coop.raw(`select distinct substr(day, 1, 7) || '-01' as day from usage_events_default`)).rows
      : [];
    await ensureMonthPartitions(coop, [...eachDay(USAGE_FROM, USAGE_TO), ...waiting.map((row) => row.day)]);
    return planned;
  });
  await timed('events', async () => {
    const writer = isPostgresHandle(coop) ? await postgresWriter(coop) : await sqliteWriter(coop);
    try {
      await writeEvents(writer, plan, {
        seed: options.seed,
        batch: options.batch,
        onProgress: (done, total) => options.onProgress?.('events', done, total),
      });
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writer.finish();
  });
  await timed('bins', () => rebuildAllBins(coop, plan, options));
  await timed('analyze', () => analyze(coop));
  return {
    cities: plan.cities.length,
    coops: plan.coops.length,
    assets: plan.coops.reduce((sum, c) => sum + c.assets.length, 0),
    events: plan.coops.reduce((sum, c) => sum + c.events, 0),
    firstCity: start.city,
    firstCoop: start.coop,
    milliseconds,
  };
}
