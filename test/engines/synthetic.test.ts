/**
 * The synthetic generator on both engines, at a small size (20 cities, 100 co-ops, 2,000
 * assets, 200,000 events) on top of the seed: deterministic (two runs with the same seed,
 * even with different batch sizes, and the two engines write the same rows), bins equal a
 * recomputation from the raw events, the sharing figures the coop subgraph serves over the
 * grown data equal test/recompute.ts, a second run is refused without --append, and on
 * PostgreSQL every month with events has its partition.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../lib/config.js';
import { openDatabase, type Knex } from '../../lib/db.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { growSynthetic, SYNTHETIC_CITY_PREFIX, SYNTHETIC_COOP_PREFIX } from '../../seeds/synthetic.js';
import { DEFAULT_EVENT_COUNT } from '../../seeds/world.js';
import { DEFAULT_PARTITION, monthPartitions } from '../../subgraphs/coop/db/partitions.js';
import type { UsageBinRow } from '../../subgraphs/coop/db/tables.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { copyTemplate, dataOf, SETTINGS, startTestSubgraph, TEST_SEED } from '../harness.js';
import { close, loadRawData, recompute, type RawData } from '../recompute.js';

const SIZE = { cities: 20, coops: 100, assets: 2_000, events: 200_000 };
const SYNTHETIC_SEED = 4242;
const K = SETTINGS.suppressionK;

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`synthetic generator: PostgreSQL leg skipped: ${unavailable}`);

interface Databases {
  league: DatabaseConfig;
  coop: DatabaseConfig;
}

interface Engine {
  name: string;
  /** Two fresh, migrated and seeded pairs of league and coop databases. */
  create(tag: string): Promise<Databases>;
  drop(databases: Databases): Promise<void>;
}

const sqlite: Engine = {
  name: 'SQLite',
  async create() {
    return {
      league: { client: 'sqlite', filename: copyTemplate('league') },
      coop: { client: 'sqlite', filename: copyTemplate('coop') },
    };
  },
  async drop(databases) {
    for (const database of [databases.league, databases.coop]) {
      if (database.client === 'sqlite') fs.rmSync(path.dirname(database.filename), { recursive: true, force: true });
    }
  },
};

const postgres: Engine = {
  name: 'PostgreSQL',
  async create(tag) {
    const databases = { league: postgresDatabase('league', tag), coop: postgresDatabase('coop', tag) };
    await this.drop(databases);
    await prepareDatabase('league', databases.league, { seed: TEST_SEED });
    await prepareDatabase('coop', databases.coop, { seed: TEST_SEED });
    return databases;
  },
  async drop(databases) {
    await Promise.all([dropSchema(databases.league), dropSchema(databases.coop)]);
  },
};

/** Runs the generator over one pair of databases. */
async function grow(databases: Databases, batch: number, append = false) {
  const league = openDatabase(databases.league);
  const coop = openDatabase(databases.coop);
  try {
    return await growSynthetic(league, coop, { ...SIZE, seed: SYNTHETIC_SEED, batch, append });
  } finally {
    await Promise.all([league.destroy(), coop.destroy()]);
  }
}

/** Rows as engine-neutral text: booleans as 0/1 (PostgreSQL has booleans, SQLite stores 0/1). */
function canonical(rows: Record<string, unknown>[]): string {
  return rows
    .map((row) =>
      Object.values(row)
        .map((value) => (typeof value === 'boolean' ? Number(value) : value))
        .join('\t'),
    )
    .join('\n');
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** A hash per table of the synthetic rows, in a fixed order, with row counts. */
async function fingerprint(databases: Databases): Promise<Record<string, { rows: number; sha256: string }>> {
  const league = openDatabase(databases.league);
  const coop = openDatabase(databases.coop);
  try {
    const tables: Record<string, Record<string, unknown>[]> = {
      cities: await league('cities').where('id', 'like', `${SYNTHETIC_CITY_PREFIX}%`).orderBy('id'),
      platform_cooperatives: await coop('platform_cooperatives')
        .where('id', 'like', `${SYNTHETIC_COOP_PREFIX}%`)
        .orderBy('id'),
      shared_assets: await coop('shared_assets')
        .where('platform_cooperative_id', 'like', `${SYNTHETIC_COOP_PREFIX}%`)
        .orderBy('id'),
      usage_events: await coop('usage_events')
        .select('platform_cooperative_id', 'client_event_id', 'asset_id', 'member_ref', 'started_at')
        .select('ended_at', 'day', 'hours', 'km', 'nights')
        .where('platform_cooperative_id', 'like', `${SYNTHETIC_COOP_PREFIX}%`)
        .orderBy(['platform_cooperative_id', 'client_event_id']),
    };
    return Object.fromEntries(
      Object.entries(tables).map(([table, rows]) => [table, { rows: rows.length, sha256: sha256(canonical(rows)) }]),
    );
  } finally {
    await Promise.all([league.destroy(), coop.destroy()]);
  }
}

/** The bins of every co-op and day, recomputed from raw events as a researcher would. */
function binsFromRaw(raw: RawData): Map<string, Omit<UsageBinRow, 'platform_cooperative_id' | 'day'>> {
  const bins = new Map<
    string,
    { uses: number; members: Set<string>; hours: number; km: number; nights: number; avoided: number }
  >();
  for (const event of raw.events) {
    const key = `${event.platform_cooperative_id}|${event.day}`;
    const bin = bins.get(key) ?? { uses: 0, members: new Set(), hours: 0, km: 0, nights: 0, avoided: 0 };
    bin.uses += 1;
    bin.members.add(event.member_ref);
    bin.hours += event.hours;
    bin.km += event.km;
    bin.nights += event.nights;
    bin.avoided += event.km * (raw.avoidedPerKm.get(event.kind) ?? 0);
    bins.set(key, bin);
  }
  return new Map(
    [...bins].map(([key, bin]) => [
      key,
      {
        uses: bin.uses,
        members: bin.members.size,
        hours_in_use: bin.hours,
        km: bin.km,
        nights: bin.nights,
        avoided_kg: bin.avoided,
      },
    ]),
  );
}

async function expectBinsRecomputed(coop: Knex): Promise<void> {
  const raw = await loadRawData(coop);
  const expected = binsFromRaw(raw);
  const stored: UsageBinRow[] = await coop('usage_bins');
  expect(stored.length).toBe(expected.size);
  for (const bin of stored) {
    const want = expected.get(`${bin.platform_cooperative_id}|${bin.day}`)!;
    expect(want, `${bin.platform_cooperative_id} ${bin.day}`).toBeDefined();
    expect([Number(bin.uses), Number(bin.members), Number(bin.nights)]).toEqual([want.uses, want.members, want.nights]);
    for (const field of ['hours_in_use', 'km', 'avoided_kg'] as const) {
      expect(close(Number(bin[field]), want[field]), `${bin.platform_cooperative_id} ${bin.day} ${field}`).toBe(true);
    }
  }
}

const CITY_SHARING = `query($r: [_Any!]!, $from: Date!, $to: Date!) {
  _entities(representations: $r) {
    ... on City { id sharing(period: { from: $from, to: $to }) { assets uses activeMembers hoursInUse kmShared nightsShared avoidedKgCO2e suppressed } }
  }
}`;

/** Whole year, a quarter, and a period cutting months in the middle. */
const PERIODS = [
  { from: '2025-01-01', to: '2025-12-31' },
  { from: '2025-04-01', to: '2025-06-30' },
  { from: '2025-02-17', to: '2025-08-09' },
];

async function expectSharingRecomputed(databases: Databases): Promise<void> {
  const coopService = await startTestSubgraph('coop', { database: databases.coop });
  try {
    const raw = await loadRawData(coopService.db);
    const coops: { id: string; city_id: string }[] = await coopService
      .db('platform_cooperatives')
      .where('id', 'like', `${SYNTHETIC_COOP_PREFIX}%`)
      .select('id', 'city_id');
    const cityIds = [...new Set(coops.map((c) => c.city_id))].sort();
    for (const period of PERIODS) {
      const data = dataOf(
        await coopService.query(CITY_SHARING, { r: cityIds.map((id) => ({ __typename: 'City', id })), ...period }),
      );
      for (const city of data._entities) {
        const ids = coops.filter((c) => c.city_id === city.id).map((c) => c.id);
        const expected = recompute(raw, ids, period.from, period.to, K);
        const label = `${city.id} ${period.from}..${period.to}`;
        expect(city.sharing.suppressed, label).toBe(expected.suppressed);
        expect(city.sharing.assets, label).toBe(expected.assets);
        if (expected.suppressed) continue;
        expect([city.sharing.uses, city.sharing.activeMembers, city.sharing.nightsShared], label).toEqual([
          expected.uses,
          expected.activeMembers,
          expected.nightsShared,
        ]);
        expect(close(city.sharing.kmShared, expected.kmShared), label).toBe(true);
        expect(close(city.sharing.avoidedKgCO2e, expected.avoidedKgCO2e), label).toBe(true);
      }
    }
    // Small co-ops keep hiding days at this size: suppression still bites.
    const hidden = await coopService.db('usage_bins').where('members', '<', K).count({ n: '*' });
    expect(Number(hidden[0]!.n)).toBeGreaterThan(0);
  } finally {
    await coopService.stop();
  }
}

const fingerprints = new Map<string, Awaited<ReturnType<typeof fingerprint>>>();

describe.each([sqlite, ...(unavailable ? [] : [postgres])])('synthetic generator on $name', (engine) => {
  let first: Databases;
  let second: Databases;

  beforeAll(async () => {
    [first, second] = await Promise.all([engine.create('synthetic_a'), engine.create('synthetic_b')]);
    await grow(first, 5000);
    await grow(second, 777);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([first && engine.drop(first), second && engine.drop(second)]);
  });

  it('writes the same rows for the same seed, whatever the batch size', async () => {
    const [a, b] = await Promise.all([fingerprint(first), fingerprint(second)]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      cities: { rows: SIZE.cities },
      platform_cooperatives: { rows: SIZE.coops },
      shared_assets: { rows: SIZE.assets },
      usage_events: { rows: SIZE.events },
    });
    fingerprints.set(engine.name, a);
    if (fingerprints.size === 2) expect(fingerprints.get('PostgreSQL')).toEqual(fingerprints.get('SQLite'));
  });

  it('keeps the seed and adds exactly the synthetic events', async () => {
    const coop = openDatabase(first.coop);
    try {
      expect(Number((await coop('usage_events').count({ n: '*' }))[0]!.n)).toBe(DEFAULT_EVENT_COUNT + SIZE.events);
    } finally {
      await coop.destroy();
    }
  });

  it('rebuilds bins that equal a recomputation from the raw events', async () => {
    const coop = openDatabase(first.coop);
    try {
      await expectBinsRecomputed(coop);
    } finally {
      await coop.destroy();
    }
  }, 60_000);

  it('serves city sharing figures equal to test/recompute.ts over the grown data', async () => {
    await expectSharingRecomputed(first);
  }, 60_000);

  it('refuses a second run on the same databases unless appending', async () => {
    await expect(grow(second, 5000)).rejects.toThrow(/already hold synthetic data.*--append/s);
  });

  it.skipIf(engine !== postgres)(
    'has a partition for every month with events, and nothing left in the default one',
    async () => {
      const coop = openDatabase(first.coop);
      try {
        const { rows: months } = await coop.raw(
          `select distinct substr(day, 1, 7) as month from usage_events order by 1`,
        );
        expect(months.length).toBeGreaterThanOrEqual(12);
        expect(await monthPartitions(coop)).toEqual(months.map((row: { month: string }) => row.month));
        expect(Number((await coop(DEFAULT_PARTITION).count({ n: '*' }))[0]!.n)).toBe(0);
      } finally {
        await coop.destroy();
      }
    },
  );
});
