/**
 * The database engines the data layer is tested on. SQLite is always there; PostgreSQL is
 * used when TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers,
 * and the suite says clearly when it does not.
 */
import knexFactory from 'knex';
import type { DatabaseConfig, SubgraphName } from '../lib/config.js';
import { prepareDatabase } from '../seeds/prepare.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Resolves to null when PostgreSQL answers, or to the reason it cannot be used. */
export async function postgresUnavailable(): Promise<string | null> {
  const knex = knexFactory({
    client: 'pg',
    connection: TEST_DATABASE_URL,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 3000,
  });
  try {
    await knex.raw('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${(error as Error).message})`;
  } finally {
    await knex.destroy();
  }
}

/** A PostgreSQL schema of its own for one subgraph in one test file, so runs never collide. */
export function postgresDatabase(name: SubgraphName, tag: string): DatabaseConfig {
  return { client: 'pg', connectionString: TEST_DATABASE_URL, schema: `t_${process.pid}_${tag}_${name}` };
}

/** Drops a test schema and everything in it. */
export async function dropSchema(database: DatabaseConfig): Promise<void> {
  if (database.client !== 'pg') return;
  const knex = knexFactory({ client: 'pg', connection: database.connectionString, pool: { min: 0, max: 1 } });
  try {
    await knex.raw('drop schema if exists ?? cascade', [database.schema]);
  } finally {
    await knex.destroy();
  }
}

/** Where a test starts one subgraph: a database to start it on, and how to clean up after. */
export interface SeededEngine {
  name: 'SQLite' | 'PostgreSQL';
  /** The database to start on; undefined means the harness's fresh SQLite copy. */
  prepare(): Promise<DatabaseConfig | undefined>;
  cleanUp(): Promise<void>;
}

/**
 * The engines a subgraph's tests run on, each seeded with `seed`: SQLite always, PostgreSQL (a
 * schema of its own, tagged `tag`) when it answers. In CI a missing PostgreSQL is an error, not
 * a skip; elsewhere the suite says which leg it skipped (`label`).
 */
export async function seededEngines(
  name: SubgraphName,
  tag: string,
  seed: number,
  label: string,
): Promise<SeededEngine[]> {
  const sqlite: SeededEngine = { name: 'SQLite', prepare: async () => undefined, cleanUp: async () => {} };
  const unavailable = await postgresUnavailable();
  if (unavailable) {
    if (process.env.CI) throw new Error(`CI requires PostgreSQL: ${unavailable}`);
    console.warn(`PostgreSQL leg of ${label} skipped: ${unavailable}`);
    return [sqlite];
  }
  const postgres = postgresDatabase(name, tag);
  return [
    sqlite,
    {
      name: 'PostgreSQL',
      async prepare() {
        await dropSchema(postgres);
        await prepareDatabase(name, postgres, { seed });
        return postgres;
      },
      cleanUp: () => dropSchema(postgres),
    },
  ];
}
