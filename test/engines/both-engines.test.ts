/**
 * The same migrations, seeds and answers on both engines: the four databases are migrated
 * and seeded on PostgreSQL (a schema per subgraph) and the whole city report must match
 * the embedded SQLite stack, figure for figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type DatabaseConfig, type SubgraphName } from '../../lib/config.js';
import { openDatabase } from '../../lib/db.js';
import { cities } from '../../seeds/data/cities.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { DEFAULT_EVENT_COUNT, PRODUCTION_RUN_COUNT } from '../../seeds/world.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { dataOf, startTestStack, TEST_SEED, type TestStack } from '../harness.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';

const unavailable = await postgresUnavailable();
if (unavailable) {
  if (process.env.CI) throw new Error(`CI requires PostgreSQL: ${unavailable}`);
  console.warn(`PostgreSQL leg skipped: ${unavailable}`);
}

const databases = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, postgresDatabase(name, 'engines')])) as Record<
  SubgraphName,
  DatabaseConfig
>;

describe.skipIf(unavailable !== null)('PostgreSQL', () => {
  let postgres: TestStack;
  let sqlite: TestStack;

  beforeAll(async () => {
    await Promise.all(SUBGRAPH_NAMES.map((name) => dropSchema(databases[name])));
    for (const name of SUBGRAPH_NAMES) {
      const first = await prepareDatabase(name, databases[name], { seed: TEST_SEED });
      expect(first.seeded).toBe(true);
    }
    [postgres, sqlite] = await Promise.all([startTestStack({ databases }), startTestStack()]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([postgres?.stop(), sqlite?.stop()]);
    await Promise.all(SUBGRAPH_NAMES.map((name) => dropSchema(databases[name])));
  });

  it('migrates and seeds only once', async () => {
    for (const name of SUBGRAPH_NAMES) {
      expect((await prepareDatabase(name, databases[name], { seed: TEST_SEED })).seeded).toBe(false);
    }
  });

  it('holds the whole seed world', async () => {
    const coop = openDatabase(databases.coop);
    const production = openDatabase(databases.production);
    try {
      const count = async (db: typeof coop, table: string) => Number((await db(table).count({ n: '*' }))[0]!.n);
      expect(await count(coop, 'usage_events')).toBe(DEFAULT_EVENT_COUNT);
      expect(await count(coop, 'shared_assets')).toBe(500);
      expect(await count(production, 'production_runs')).toBe(PRODUCTION_RUN_COUNT);
    } finally {
      await Promise.all([coop.destroy(), production.destroy()]);
    }
  });

  it.each(cities.map((city) => city.id))('answers the city report for %s exactly as SQLite does', async (id) => {
    const variables = { id, ...REPORT_PERIOD };
    const [onPostgres, onSqlite] = await Promise.all([
      postgres.query(CITY_REPORT, variables),
      sqlite.query(CITY_REPORT, variables),
    ]);
    expect(differences(dataOf(onPostgres), dataOf(onSqlite))).toEqual([]);
  });

  it('pages cities in the same order', async () => {
    const query = '{ cities(first: 100) { totalCount nodes { id } } }';
    const [a, b] = await Promise.all([postgres.query(query), sqlite.query(query)]);
    expect(dataOf(a)).toEqual(dataOf(b));
  });
});

/** Paths where two answers differ; numbers may differ by float summation order only. */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}
