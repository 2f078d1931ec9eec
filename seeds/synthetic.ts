/**
 * The synthetic generator: grows a seeded world to benchmark scale (hundreds of cities,
 * thousands of co-ops, 10^5 assets, 10^7 usage events) on SQLite or PostgreSQL.
 *
 * Deterministic: the plan (cities, co-ops, assets) comes from one seeded PRNG, and each
 * co-op's events from a PRNG of its own seeded by the run's seed and the co-op's number, so
 * the same seed and sizes give the same rows whatever the batch size. Events are streamed
 * co-op by co-op, day by day, and written in batches (one prepared statement in large
 * transactions on SQLite, COPY on PostgreSQL); bins are rebuilt once at the end.
 *
 * Everything written is marked synthetic: ids start with `synthetic-`, city names and
 * population sources say so, co-ops are `illustrative` with a description saying so.
 */
import type { Knex } from 'knex';
import { addDays, eachDay, parseDay } from '../lib/dates.js';
import { insertInChunks } from '../lib/db.js';
import { ensureMonthPartitions, isPostgresHandle } from '../subgraphs/coop/db/partitions.js';
import { chunked, rebuildBins } from '../subgraphs/coop/db/queries.js';
import type { PlatformCooperativeRow, SharedAssetRow, UsageEventRow } from '../subgraphs/coop/db/tables.js';
import type { CityRow } from '../subgraphs/league/db/tables.js';
import { applications } from './data/applications.js';
import { cities as realCities } from './data/cities.js';
import { DisjointSpans } from '../lib/intervals.js';
import { createRandom, type Random } from './prng.js';
import { USAGE_FROM, USAGE_TO, USE_SHAPE, type AssetKind } from './world.js';

/** How much to add. */
export interface SyntheticSize {
  cities: number;
  coops: number;
  assets: number;
  events: number;
}

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

export const SYNTHETIC_CITY_PREFIX = 'synthetic-city-';
export const SYNTHETIC_COOP_PREFIX = 'synthetic-coop-';

/**
 * Which seeded applications a synthetic co-op may run, how often, and the asset kinds of its
 * fleet (relative weights). Open Food Network and Energy Commons share no asset kind the
 * graph knows, so no synthetic co-op runs them.
 */
const FLEETS: { applicationId: string; weight: number; kinds: Partial<Record<AssetKind, number>> }[] = [
  { applicationId: 'muniride', weight: 45, kinds: { BIKE: 3, E_BIKE: 3, CARGO_BIKE: 2, CAR: 1 } },
  { applicationId: 'local-tools', weight: 20, kinds: { TOOL: 1 } },
  { applicationId: 'fairbnb', weight: 15, kinds: { HOME: 1, ROOM: 2 } },
  { applicationId: 'munibnb', weight: 15, kinds: { HOME: 1, ROOM: 2 } },
  { applicationId: 'wikihouse', weight: 5, kinds: { HOME: 1 } },
];

/** Relative uses per asset and day: a bike turns over more often than a home. */
const INTENSITY: Record<AssetKind, number> = {
  CAR: 1.5,
  E_BIKE: 2,
  BIKE: 2,
  CARGO_BIKE: 1.2,
  HOME: 0.3,
  ROOM: 0.4,
  TOOL: 0.5,
};

/** One planned co-op: its row, fleet, membership, active days and number of events. */
export interface CoopPlan {
  number: number;
  row: PlatformCooperativeRow;
  assets: SharedAssetRow[];
  members: number;
  /** Months (1-12) a seasonal co-op operates in; null when it runs all year. */
  activeMonths: number[] | null;
  events: number;
}

export interface SyntheticPlan {
  cities: CityRow[];
  coops: CoopPlan[];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const slug = (kind: AssetKind) => kind.toLowerCase().replace('_', '-');
const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** A standard normal draw (Box-Muller), for log-normal sizes. */
function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** A PRNG of its own for the n-th item, so items do not depend on each other's draws. */
function streamFor(seed: number, salt: number, n: number): Random {
  return createRandom((seed ^ Math.imul(salt, 0x85ebca6b) ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
}

/** Splits `total` into integer shares proportional to `weights` (largest remainder), each at least `floor`. */
export function apportion(total: number, weights: readonly number[], floor = 0): number[] {
  const rest = total - floor * weights.length;
  if (rest < 0) throw new Error(`Cannot give ${weights.length} parts at least ${floor} each out of ${total}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (rest * w) / sum : rest / weights.length));
  const shares = exact.map((x) => Math.floor(x));
  let missing = rest - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (missing-- <= 0) break;
    shares[i]! += 1;
  }
  return shares.map((share) => share + floor);
}

/** Index of the first cumulative weight above `target` (binary search). */
function searchCumulative(cumulative: readonly number[], target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return low;
}

function cumulativeOf(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/** Synthetic cities around the real seed cities: same countries, nearby coordinates, log-normal populations. */
function planCities(random: Random, count: number, first: number, seed: number): CityRow[] {
  return Array.from({ length: count }, (_, i) => {
    const number = first + i;
    const anchor = random.pick(realCities);
    const population = Math.round(Math.min(4e6, Math.max(8e3, Math.exp(Math.log(1.2e5) + 0.9 * normal(random)))) / 10);
    return {
      id: `${SYNTHETIC_CITY_PREFIX}${pad(number, 4)}`,
      name: `Synthetic City ${pad(number, 4)}`,
      country_code: anchor.countryCode,
      population: population * 10,
      population_year: Number(USAGE_TO.slice(0, 4)),
      population_source: `Synthetic: seeds/synthetic.ts, seed ${seed}; not a real place`,
      latitude: round(anchor.latitude + random.between(-1.5, 1.5), 4),
      longitude: round(anchor.longitude + random.between(-2, 2), 4),
    };
  });
}

/** One co-op's fleet: the first asset serves the whole window, so every active day has one in service. */
function planAssets(random: Random, coopId: string, kinds: Partial<Record<AssetKind, number>>, count: number) {
  const kindList = Object.keys(kinds) as AssetKind[];
  const kindWeights = kindList.map((kind) => kinds[kind]!);
  const perKind = new Map<AssetKind, number>();
  const assets: SharedAssetRow[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kindList[random.weighted(kindWeights)]!;
    const n = (perKind.get(kind) ?? 0) + 1;
    perKind.set(kind, n);
    const joins = i > 0 && random.next() < 0.15;
    const commissioned = joins ? addDays(USAGE_FROM, random.int(0, 300)) : addDays(USAGE_FROM, -random.int(1, 1500));
    const leaves = i > 0 && random.next() < 0.05;
    assets.push({
      id: `${coopId}-${slug(kind)}-${pad(n, 3)}`,
      platform_cooperative_id: coopId,
      kind,
      label: `${kind.replace('_', ' ').toLowerCase()} ${n}`,
      commissioned_on: commissioned,
      decommissioned_on: leaves
        ? addDays(commissioned < USAGE_FROM ? USAGE_FROM : commissioned, random.int(30, 200))
        : null,
    });
  }
  return assets;
}

/**
 * Plans the cities, co-ops and assets of one run and how many events each co-op gets.
 * Co-op sizes are log-normal, so a few are large and many small; about one in eight is a
 * "small" co-op of 2 to 8 members whose days mostly stay under k members and are hidden,
 * and about one in ten is seasonal (May to September), as in the seed world.
 */
export function planSynthetic(size: SyntheticSize, seed: number, firstCity = 1, firstCoop = 1): SyntheticPlan {
  if (size.cities < 1 || size.coops < 1) throw new Error('A synthetic run needs at least one city and one co-op.');
  if (size.assets < size.coops)
    throw new Error(`Every co-op needs an asset: ${size.assets} assets for ${size.coops} co-ops.`);
  const known = new Set(applications.map((app) => app.id));
  for (const fleet of FLEETS) {
    if (!known.has(fleet.applicationId)) throw new Error(`Seed data lacks application ${fleet.applicationId}`);
  }
  const random = createRandom((seed ^ Math.imul(firstCity, 0x27d4eb2d) ^ Math.imul(firstCoop, 0x165667b1)) >>> 0);
  const cities = planCities(random, size.cities, firstCity, seed);
  const cityPick = cumulativeOf(cities.map((city) => city.population ** 0.7));
  const drafts = Array.from({ length: size.coops }, (_, i) => {
    const fleet = FLEETS[random.weighted(FLEETS.map((f) => f.weight))]!;
    const small = random.next() < 0.12;
    const seasonal = !small && random.next() < 0.1;
    const city = cities[searchCumulative(cityPick, random.next() * cityPick.at(-1)!)]!;
    return {
      number: firstCoop + i,
      fleet,
      small,
      seasonal,
      city,
      size: small ? 0.02 : Math.exp(normal(random)),
      foundedYear: random.int(2012, 2024),
      membersPerAsset: random.between(2, 12),
      smallMembers: random.int(2, 8),
    };
  });
  const assetCounts = apportion(
    size.assets,
    drafts.map((d) => d.size),
    1,
  );
  const coops = drafts.map((draft, i): CoopPlan => {
    const id = `${SYNTHETIC_COOP_PREFIX}${pad(draft.number, 5)}`;
    const app = applications.find((a) => a.id === draft.fleet.applicationId)!;
    const assets = planAssets(streamFor(seed, 1, draft.number), id, draft.fleet.kinds, assetCounts[i]!);
    return {
      number: draft.number,
      row: {
        id,
        name: `Synthetic ${app.name} co-op ${pad(draft.number, 5)}`,
        description: `Synthetic platform co-op generated by seeds/synthetic.ts (seed ${seed}) for scale tests; not a real initiative.`,
        website: null,
        founded_year: draft.foundedYear,
        illustrative: true,
        city_id: draft.city.id,
        application_id: app.id,
      },
      assets,
      members: draft.small ? draft.smallMembers : Math.max(5, Math.round(assets.length * draft.membersPerAsset)),
      activeMonths: draft.seasonal ? [5, 6, 7, 8, 9] : null,
      events: 0,
    };
  });
  const activity = coops.map(
    (coop) =>
      coop.assets.reduce((sum, asset) => sum + INTENSITY[asset.kind as AssetKind], 0) *
      (coop.activeMonths ? coop.activeMonths.length / 12 : 1),
  );
  apportion(size.events, activity).forEach((events, i) => (coops[i]!.events = events));
  return { cities, coops };
}

/** One day of the usage window, computed once: date arithmetic per event would dominate the run. */
interface WindowDay {
  day: string;
  month: number;
  midnight: number;
  /** Relative busyness: more in summer; homes busier at weekends, everything else quieter. */
  weight: { housing: number; other: number };
}

let windowDays: WindowDay[] | undefined;

function usageWindow(): WindowDay[] {
  windowDays ??= eachDay(USAGE_FROM, USAGE_TO).map((day) => {
    const date = parseDay(day);
    const dayOfYear = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000;
    const season = 1 + 0.25 * Math.cos((2 * Math.PI * (dayOfYear - 196)) / 365);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    return {
      day,
      month: date.getUTCMonth() + 1,
      midnight: date.getTime(),
      weight: { housing: season * (weekend ? 1.4 : 1), other: season * (weekend ? 0.8 : 1) },
    };
  });
  return windowDays;
}

/** The co-op's assets in service on each day, recomputed only on days where the fleet changes. */
function fleetByDay(assets: readonly SharedAssetRow[], days: readonly WindowDay[]): SharedAssetRow[][] {
  const changes = new Set(
    assets.flatMap((a) => [a.commissioned_on, a.decommissioned_on && addDays(a.decommissioned_on, 1)]),
  );
  let current: SharedAssetRow[] = [];
  return days.map(({ day }, index) => {
    if (index === 0 || changes.has(day)) {
      current = assets.filter(
        (a) => a.commissioned_on <= day && (a.decommissioned_on === null || day <= a.decommissioned_on),
      );
    }
    return current;
  });
}

const HOUR_MS = 3_600_000;

/**
 * A co-op's usage events, exactly `coop.events` of them, mostly in day order: each on an asset
 * in service that day and free for the whole use (an asset is in one use at a time, as ingest
 * requires), by a member drawn with a skew towards frequent users (as in the seed world), with
 * duration, km and nights shaped by the asset's kind. A use whose day has no free slot moves to
 * the next day; the few still unplaced at the window's end get a second sweep from its start.
 */
export function* coopEvents(coop: CoopPlan, seed: number): Generator<UsageEventRow> {
  if (coop.events === 0) return;
  const random = streamFor(seed, 2, coop.number);
  const housing = coop.assets.some((asset) => asset.kind === 'HOME' || asset.kind === 'ROOM');
  const days = usageWindow().filter((d) => !coop.activeMonths || coop.activeMonths.includes(d.month));
  const cumulative = cumulativeOf(days.map((d) => (housing ? d.weight.housing : d.weight.other)));
  const perDay = new Array<number>(days.length).fill(0);
  for (let i = 0; i < coop.events; i++) perDay[searchCumulative(cumulative, random.next() * cumulative.at(-1)!)]! += 1;
  const fleet = fleetByDay(coop.assets, days);
  const id = coop.row.id;
  const taken = new DisjointSpans();
  let sequence = 0;
  let carried = 0;
  for (const sweep of [0, 1]) {
    for (let d = 0; d < days.length && (sweep === 0 || carried > 0); d++) {
      const { day, midnight } = days[d]!;
      const due = (sweep === 0 ? perDay[d]! : 0) + carried;
      carried = 0;
      for (let n = 0; n < due; n++) {
        const use = freeUse(random, fleet[d]!, midnight, taken);
        if (!use) {
          carried += 1;
          continue;
        }
        const { asset, shape, nights, hours, start } = use;
        sequence += 1;
        yield {
          platform_cooperative_id: id,
          client_event_id: `${id}:${sequence}`,
          asset_id: asset.id,
          member_ref: `${id}/m${Math.floor(coop.members * random.next() ** 2)}`,
          started_at: new Date(start).toISOString(),
          ended_at: new Date(start + hours * HOUR_MS).toISOString(),
          day,
          hours,
          km: round(random.between(shape.km[0], shape.km[1]), 1),
          nights,
        };
      }
    }
  }
  if (carried > 0) {
    throw new Error(`Co-op ${id}: its fleet has no free slot left for ${carried} of its ${coop.events} events.`);
  }
}

/** How many draws of an asset and a start time a planned use gets before it moves to the next day. */
const DRAWS_PER_USE = 8;

/**
 * A use on the day starting at `midnight`, on an asset free for all of it (an asset is in one
 * use at a time, as ingest requires), taken in `taken`; null when DRAWS_PER_USE draws all hit
 * a busy asset.
 */
function freeUse(random: Random, available: readonly SharedAssetRow[], midnight: number, taken: DisjointSpans) {
  for (let draw = 0; draw < DRAWS_PER_USE; draw++) {
    const asset = random.pick(available);
    const shape = USE_SHAPE[asset.kind as AssetKind];
    const nights = shape.nights ? random.int(shape.nights[0], shape.nights[1]) : 0;
    const hours = nights > 0 ? nights * 24 : Math.round(random.between(shape.hours[0], shape.hours[1]) * 4) / 4;
    const start = midnight + (nights > 0 ? 15 * HOUR_MS : random.int(6 * 4, 20 * 4) * (HOUR_MS / 4));
    if (taken.overlaps(asset.id, start, start + hours * HOUR_MS)) continue;
    taken.take(asset.id, start, start + hours * HOUR_MS);
    return { asset, shape, nights, hours, start };
  }
  return null;
}

/**
 * Writes batches of events the fastest way the engine offers. Foreign keys are checked once
 * after the load instead of row by row (the PostgreSQL manual's advice for bulk loads; on
 * both engines the per-row checks cost more than the rows themselves): `finish` checks them
 * and fails if any row points nowhere, `abort` gives up.
 */
interface EventWriter {
  write(rows: readonly UsageEventRow[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

const EVENT_COLUMNS = [
  'platform_cooperative_id',
  'client_event_id',
  'asset_id',
  'member_ref',
  'started_at',
  'ended_at',
  'day',
  'hours',
  'km',
  'nights',
] as const satisfies readonly (keyof UsageEventRow)[];

interface SqliteConnection {
  prepare(sql: string): { run(...values: unknown[]): unknown };
  exec(sql: string): void;
  pragma(sql: string): unknown;
}

/** Rows per SQLite transaction: large, since each commit writes the WAL and touched index pages. */
const SQLITE_ROWS_PER_TRANSACTION = 250_000;

/**
 * SQLite: one prepared statement on knex's own connection (the pool holds just one), run
 * row by row inside transactions of SQLITE_ROWS_PER_TRANSACTION rows. knex's multi-row
 * inserts cost a statement compile per 500 rows; this costs one. Foreign keys are off for
 * the load and `foreign_key_check` runs at the end.
 */
async function sqliteWriter(db: Knex): Promise<EventWriter> {
  const conn = (await db.client.acquireConnection()) as SqliteConnection;
  // A larger page cache keeps the two event indexes' hot pages in memory during the load.
  conn.pragma('cache_size = -262144');
  conn.pragma('foreign_keys = OFF');
  const insert = conn.prepare(
    `insert into usage_events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  let inTransaction = 0;
  const release = async (commit: boolean) => {
    if (inTransaction > 0) conn.exec(commit ? 'commit' : 'rollback');
    inTransaction = 0;
    conn.pragma('foreign_keys = ON');
    await db.client.releaseConnection(conn);
  };
  return {
    async write(rows) {
      if (inTransaction === 0) conn.exec('begin');
      for (const r of rows) {
        insert.run(
          r.platform_cooperative_id,
          r.client_event_id,
          r.asset_id,
          r.member_ref,
          r.started_at,
          r.ended_at,
          r.day,
          r.hours,
          r.km,
          r.nights,
        );
      }
      inTransaction += rows.length;
      if (inTransaction >= SQLITE_ROWS_PER_TRANSACTION) {
        conn.exec('commit');
        inTransaction = 0;
      }
    },
    async finish() {
      if (inTransaction > 0) conn.exec('commit');
      inTransaction = 0;
      const dangling = conn.pragma('foreign_key_check(usage_events)') as unknown[];
      await release(true);
      if (dangling.length > 0) throw new Error(`${dangling.length} usage events reference a missing co-op or asset`);
    },
    abort: () => release(false),
  };
}

/** The parts of pg's wire connection a COPY needs (pg's own Query class uses the same). */
interface PgWire {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * One `COPY ... FROM STDIN` of a ready payload, as a pg "submittable" (the protocol
 * pg-copy-streams implements, without a stream or a new dependency): pg calls `submit`,
 * then `handleCopyInResponse` once the server is ready for data, then either `handleError`
 * or `handleCommandComplete` and `handleReadyForQuery`.
 */
class CopyIn {
  callback?: (error: Error | null) => void;
  private done = false;

  constructor(
    private readonly text: string,
    private readonly payload: Buffer,
  ) {}

  submit(connection: PgWire): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgWire): void {
    connection.sendCopyFromChunk(this.payload);
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.finish(null);
  }

  handleError(error: Error): void {
    this.finish(error);
  }

  private finish(error: Error | null): void {
    if (this.done) return;
    this.done = true;
    this.callback?.(error);
  }
}

interface PgClient {
  query(submittable: CopyIn): unknown;
  query<Row>(text: string): Promise<{ rows: Row[] }>;
}

/** COPY text format: backslash, tab, newline and carriage return must be escaped. */
function copyField(value: string | number): string {
  const text = String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

/**
 * PostgreSQL: COPY on one of knex's connections (whose search path is the subgraph's
 * schema), all in one transaction: the foreign keys of usage_events are dropped at the start
 * and added back at the end, which checks every row in one join instead of one lookup per
 * row per key. So the load is all or nothing, and while it runs usage_events is locked:
 * the coop service's sharing reads wait for it (run the generator before benchmarking).
 */
async function postgresWriter(db: Knex): Promise<EventWriter> {
  const client = (await db.client.acquireConnection()) as PgClient;
  const release = async (sql: string) => {
    try {
      await client.query(sql);
    } finally {
      await db.client.releaseConnection(client);
    }
  };
  await client.query('begin');
  const { rows: foreignKeys } = await client.query<{ name: string; definition: string }>(
    `select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
     where conrelid = 'usage_events'::regclass and contype = 'f' and conparentid = 0`,
  );
  for (const key of foreignKeys) await client.query(`alter table usage_events drop constraint "${key.name}"`);
  const text = `copy usage_events (${EVENT_COLUMNS.join(', ')}) from stdin`;
  return {
    async write(rows) {
      let payload = '';
      for (const row of rows) payload += EVENT_COLUMNS.map((column) => copyField(row[column])).join('\t') + '\n';
      const copy = new CopyIn(text, Buffer.from(payload));
      await new Promise<void>((resolve, reject) => {
        copy.callback = (error) => (error ? reject(error) : resolve());
        client.query(copy);
      });
    },
    async finish() {
      try {
        for (const key of foreignKeys) {
          await client.query(`alter table usage_events add constraint "${key.name}" ${key.definition}`);
        }
      } catch (error) {
        await release('rollback');
        throw error;
      }
      await release('commit');
    },
    abort: () => release('rollback'),
  };
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
      `These databases already hold synthetic data (up to ${SYNTHETIC_CITY_PREFIX}${pad(city, 4)} and ` +
        `${SYNTHETIC_COOP_PREFIX}${pad(coopNumber, 5)}). Running again would add a second batch on top ` +
        'of the first, not repeat it. Pass --append to add one anyway (numbering carries on after the ' +
        'last synthetic id), or start from fresh databases (another DATA_DIR, or drop the schemas).',
    );
  }
  return { city: city + 1, coop: coopNumber + 1 };
}

/** Streams every planned co-op's events into the writer, keeping one batch in flight while the next is made. */
async function writeEvents(writer: EventWriter, plan: SyntheticPlan, options: SyntheticOptions): Promise<void> {
  const total = plan.coops.reduce((sum, coop) => sum + coop.events, 0);
  let done = 0;
  let batch: UsageEventRow[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    // On PostgreSQL the server stores one batch while this process makes the next.
    await inFlight;
    const rows = batch;
    batch = [];
    inFlight = writer.write(rows).then(() => {
      done += rows.length;
      options.onProgress?.('events', done, total);
    });
    // A failure is rethrown by the next `await inFlight`; until then it must not count as unhandled.
    inFlight.catch(() => undefined);
  };
  options.onProgress?.('events', 0, total);
  for (const coop of plan.coops) {
    for (const row of coopEvents(coop, options.seed)) {
      batch.push(row);
      if (batch.length >= options.batch) await flush();
    }
  }
  if (batch.length > 0) await flush();
  await inFlight;
}

/**
 * Rebuilds the bins of the new co-ops, 500 co-ops per statement pair. PostgreSQL rebuilds
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
      await coop.transaction((trx) => rebuildBins(trx, chunk));
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
      'vacuum (analyze) usage_events, usage_bins, usage_member_years, shared_assets, platform_cooperatives',
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
    await league.transaction((trx) => insertInChunks<CityRow>(trx, 'cities', planned.cities));
    await coop.transaction(async (trx) => {
      await insertInChunks<PlatformCooperativeRow>(
        trx,
        'platform_cooperatives',
        planned.coops.map((c) => c.row),
      );
      await insertInChunks<SharedAssetRow>(
        trx,
        'shared_assets',
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
      await writeEvents(writer, plan, options);
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
