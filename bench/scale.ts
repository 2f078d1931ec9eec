/**
 * `npm run bench:scale -- [--engine sqlite|pg] [--sizes 100000,1000000,10000000] [--runs 50]
 * [--label before] [--keep] [--reuse]`: what a sharing aggregate costs as usage grows.
 *
 * For each size: a fresh league and coop database (SQLite files under bench/.tmp, or fresh
 * PostgreSQL schemas), migrated, seeded and grown by the synthetic generator to that many
 * events over the same 500 cities, 5,000 co-ops and 100,000 assets; then the coop subgraph
 * runs in-process and `City.sharing` and `PlatformCooperative.sharing` over a whole year are
 * timed through `_entities` over HTTP, as the gateway would send them. Prints a table and
 * writes bench/results/scale-<engine>-<date>[-label].json with the machine and the command.
 * `--keep` leaves the databases for `--reuse` by a later run (e.g. before/after a query change).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type DatabaseConfig } from '../lib/config.js';
import { openDatabase, type Knex } from '../lib/db.js';
import { startSubgraph, type RunningSubgraph } from '../lib/run-subgraph.js';
import { GATEWAY_SECRET_HEADER } from '../lib/secrets.js';
import { prepareDatabase } from '../seeds/prepare.js';
import { growSynthetic, SYNTHETIC_COOP_PREFIX, type SyntheticSummary } from '../seeds/synthetic.js';
import { USAGE_FROM, USAGE_TO } from '../seeds/world.js';
import { coop as coopSubgraph } from '../subgraphs/coop/server.js';

const ROOT = path.resolve(import.meta.dirname);
const TMP = path.join(ROOT, '.tmp');
const SECRETS = {
  authSecret: 'bench-auth-secret-0123456789abcdef0123',
  subgraphSecret: 'bench-subgraph-secret-0123456789abcd',
};
const WORLD = { cities: 500, coops: 5000, assets: 100_000 };
const SEED = 20170501;
const WARMUP = 10;

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'sqlite' },
    sizes: { type: 'string', default: '100000,1000000,10000000' },
    runs: { type: 'string', default: '50' },
    label: { type: 'string' },
    'pg-url': { type: 'string', default: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
  },
});
const engine = values.engine === 'pg' ? 'pg' : 'sqlite';
const sizes = values.sizes.split(',').map((size) => Number(size));
const runs = Number(values.runs);
if (sizes.some((size) => !Number.isSafeInteger(size) || size < 0) || !(runs >= 1)) {
  console.error('usage: npm run bench:scale -- [--engine sqlite|pg] [--sizes 100000,1000000] [--runs 50] [--label x]');
  process.exit(2);
}

/** The league and coop databases of one size, on the chosen engine. */
function databasesFor(events: number): { league: DatabaseConfig; coop: DatabaseConfig } {
  if (engine === 'pg') {
    const schema = (name: string) => `bench_scale_${events}_${name}`;
    const url = values['pg-url']!;
    return {
      league: { client: 'pg', connectionString: url, schema: schema('league') },
      coop: { client: 'pg', connectionString: url, schema: schema('coop') },
    };
  }
  const dir = path.join(TMP, `scale-${events}`);
  return {
    league: { client: 'sqlite', filename: path.join(dir, 'league.sqlite') },
    coop: { client: 'sqlite', filename: path.join(dir, 'coop.sqlite') },
  };
}

async function dropDatabases(databases: { league: DatabaseConfig; coop: DatabaseConfig }): Promise<void> {
  for (const database of [databases.league, databases.coop]) {
    if (database.client === 'pg') {
      const db = openDatabase(database);
      await db.raw('drop schema if exists ?? cascade', [database.schema]);
      await db.destroy();
    } else {
      fs.rmSync(path.dirname(database.filename), { recursive: true, force: true });
    }
  }
}

/** Migrates, seeds and grows the databases to `events`, unless `--reuse` finds them grown. */
async function generate(
  events: number,
  databases: { league: DatabaseConfig; coop: DatabaseConfig },
): Promise<SyntheticSummary | null> {
  await prepareDatabase('league', databases.league, { seed: SEED });
  await prepareDatabase('coop', databases.coop, { seed: SEED });
  const league = openDatabase(databases.league);
  const coop = openDatabase(databases.coop);
  try {
    const grown = await coop('platform_cooperatives').where('id', 'like', `${SYNTHETIC_COOP_PREFIX}%`).first('id');
    if (grown && values.reuse) return null;
    let last = 0;
    return await growSynthetic(league, coop, {
      ...WORLD,
      events,
      seed: SEED,
      batch: 5000,
      onProgress(phase, done, total) {
        if (performance.now() - last < 5000 && done < total) return;
        last = performance.now();
        console.log(`    ${phase}: ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
      },
    });
  } finally {
    await Promise.all([league.destroy(), coop.destroy()]);
  }
}

interface Target {
  label: string;
  cityId: string;
  coopId: string;
  coops: number;
  events: number;
  coopEvents: number;
}

/**
 * The cities timed: the busiest synthetic city, one at the median of events, and a quiet one
 * (10th percentile), each with its own busiest co-op for the co-op figure.
 */
async function chooseTargets(coop: Knex): Promise<Target[]> {
  const perCoop: { id: string; city_id: string; events: number }[] = (
    await coop('platform_cooperatives as c')
      .leftJoin('usage_bins as b', 'b.platform_cooperative_id', 'c.id')
      .where('c.id', 'like', `${SYNTHETIC_COOP_PREFIX}%`)
      .groupBy('c.id', 'c.city_id')
      .select('c.id', 'c.city_id', coop.raw('coalesce(sum(b.uses), 0) as events'))
  ).map((row: { id: string; city_id: string; events: unknown }) => ({ ...row, events: Number(row.events) }));
  const cities = new Map<string, { coops: typeof perCoop; events: number }>();
  for (const row of perCoop) {
    const city = cities.get(row.city_id) ?? { coops: [], events: 0 };
    city.coops.push(row);
    city.events += row.events;
    cities.set(row.city_id, city);
  }
  const ranked = [...cities].sort((a, b) => b[1].events - a[1].events || a[0].localeCompare(b[0]));
  const pick = (label: string, index: number): Target => {
    const [cityId, city] = ranked[Math.min(ranked.length - 1, index)]!;
    const busiest = [...city.coops].sort((a, b) => b.events - a.events || a.id.localeCompare(b.id))[0]!;
    return {
      label,
      cityId,
      coopId: busiest.id,
      coops: city.coops.length,
      events: city.events,
      coopEvents: busiest.events,
    };
  };
  return [
    pick('busiest city', 0),
    pick('median city', Math.floor(ranked.length / 2)),
    pick('quiet city', Math.floor(ranked.length * 0.9)),
  ];
}

const SHARING_FIELDS =
  'uses activeMembers utilizationRate usersPerAsset kmShared nightsShared avoidedKgCO2e suppressed';
const ENTITIES = (type: string) => `query($r: [_Any!]!, $from: Date!, $to: Date!) {
  _entities(representations: $r) { ... on ${type} { sharing(period: { from: $from, to: $to }) { ${SHARING_FIELDS} } } }
}`;

interface Timing {
  medianMs: number;
  p99Ms: number;
  sqlStatements: number;
  result: unknown;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function statements(running: RunningSubgraph): Promise<number> {
  const metric = await running.metrics.sqlStatements.get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

/** Times one `_entities` sharing request `runs` times after a warm-up; statements per request from the counter. */
async function time(running: RunningSubgraph, type: string, id: string): Promise<Timing> {
  const body = JSON.stringify({
    query: ENTITIES(type),
    variables: { r: [{ __typename: type, id }], from: USAGE_FROM, to: USAGE_TO },
  });
  const send = async () => {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [GATEWAY_SECRET_HEADER]: SECRETS.subgraphSecret },
      body,
    });
    const json = (await response.json()) as { data?: { _entities: { sharing: unknown }[] }; errors?: unknown };
    if (json.errors || !json.data) throw new Error(`${type} ${id}: ${JSON.stringify(json.errors)}`);
    return json.data._entities[0]!.sharing;
  };
  for (let i = 0; i < WARMUP; i++) await send();
  const before = await statements(running);
  const durations: number[] = [];
  let result: unknown;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await send();
    durations.push(performance.now() - started);
  }
  const after = await statements(running);
  durations.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    medianMs: round(quantile(durations, 0.5)),
    p99Ms: round(quantile(durations, 0.99)),
    sqlStatements: (after - before) / runs,
    result,
  };
}

async function measure(events: number) {
  const databases = databasesFor(events);
  if (!values.reuse) await dropDatabases(databases);
  console.log(`\n${events.toLocaleString('en')} events on ${engine}: generating`);
  const started = performance.now();
  const generation = await generate(events, databases);
  const generationSeconds = generation ? Math.round((performance.now() - started) / 100) / 10 : null;
  const running = await startSubgraph(coopSubgraph, {
    database: databases.coop,
    host: '127.0.0.1',
    port: 0,
    settings: {
      suppressionK: 5,
      maxPageSize: 100,
      cacheMaxAge: 0,
      requestTimeoutMs: loadConfig({}).requestTimeoutMs,
      maxAnswerBytes: loadConfig({}).maxAnswerBytes,
    },
    secrets: SECRETS,
    logLevel: 'silent',
  });
  try {
    const targets = await chooseTargets(running.db);
    const measured = [];
    for (const target of targets) {
      const city = await time(running, 'City', target.cityId);
      const coop = await time(running, 'PlatformCooperative', target.coopId);
      measured.push({ ...target, city, coop });
      console.log(
        `  ${target.label.padEnd(13)} ${target.cityId} (${target.coops} co-ops, ${target.events.toLocaleString('en')} events): ` +
          `City.sharing median ${city.medianMs} ms p99 ${city.p99Ms} ms ${city.sqlStatements} SQL; ` +
          `${target.coopId} (${target.coopEvents.toLocaleString('en')} events): median ${coop.medianMs} ms p99 ${coop.p99Ms} ms ${coop.sqlStatements} SQL`,
      );
    }
    return { events, generation, generationSeconds, targets: measured };
  } finally {
    await running.stop();
    if (!values.keep) await dropDatabases(databases);
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    // Other work on the machine skews latencies; the 1-minute load average says how much.
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

const startedOn = machine();
const results = [];
for (const events of sizes) results.push(await measure(events));
// bench/.tmp is shared with the load benchmark (bench/run.ts): remove it only if nothing else is in it.
if (!values.keep && fs.existsSync(TMP) && fs.readdirSync(TMP).length === 0) fs.rmdirSync(TMP);

const date = new Date().toISOString().slice(0, 10);
const file = path.join(ROOT, 'results', `scale-${engine}-${date}${values.label ? `-${values.label}` : ''}.json`);
fs.mkdirSync(path.dirname(file), { recursive: true });
const json = JSON.stringify(
  {
    command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    engine,
    machine: { ...startedOn, loadAverageAtEnd: machine().loadAverage },
    world: { ...WORLD, seed: SEED, period: { from: USAGE_FROM, to: USAGE_TO }, runs, warmup: WARMUP },
    results,
  },
  null,
  2,
);
// Lists of numbers on one line, as Prettier (npm run lint) writes them.
fs.writeFileSync(
  file,
  json.replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_, items: string) => `[${items.split(/,\s*/).join(', ')}]`) + '\n',
);
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
