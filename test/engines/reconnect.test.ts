/**
 * A lost PostgreSQL connection is re-established without restarting the service: the coop
 * subgraph runs on PostgreSQL, every backend of its pool is terminated from outside (as a
 * failover, a restart of PostgreSQL or an idle-connection reaper would), and the service
 * must answer again. Its pool is told apart from everyone else's by an application_name
 * in the connection string, so only its own connections are killed.
 */
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../lib/config.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { dropSchema, postgresDatabase, postgresUnavailable, TEST_DATABASE_URL } from '../engines.js';
import { dataOf, startTestSubgraph, TEST_SEED, type GraphQLResponse, type TestSubgraph } from '../harness.js';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`reconnect: PostgreSQL leg skipped: ${unavailable}`);

const APPLICATION_NAME = `commons-reconnect-${process.pid}`;
const database: DatabaseConfig = {
  ...(postgresDatabase('coop', 'reconnect') as Extract<DatabaseConfig, { client: 'pg' }>),
  connectionString: `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}application_name=${APPLICATION_NAME}`,
};

const QUERY = `{
  platformCooperative(id: "muniride-gent") {
    id
    sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses activeMembers suppressed }
  }
}`;

/** Terminates every backend of the subgraph's pool; resolves to how many there were. */
async function killPoolConnections(): Promise<number> {
  const admin = knexFactory({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
  try {
    const result = await admin.raw(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and application_name = ?`,
      [APPLICATION_NAME],
    );
    return result.rows.filter((row: { killed: boolean }) => row.killed).length;
  } finally {
    await admin.destroy();
  }
}

/** Waits until PostgreSQL no longer lists the terminated backends (termination is asynchronous). */
async function waitUntilGone(): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 1 } });
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { rows } = await admin.raw(`select count(*)::int as n from pg_stat_activity where application_name = ?`, [
        APPLICATION_NAME,
      ]);
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('terminated backends are still listed after 5 s');
  } finally {
    await admin.destroy();
  }
}

describe.skipIf(unavailable !== null)('PostgreSQL connection loss', () => {
  let coop: TestSubgraph;
  let healthUrl: string;

  beforeAll(async () => {
    await dropSchema(database);
    await prepareDatabase('coop', database, { seed: TEST_SEED });
    coop = await startTestSubgraph('coop', { database });
    healthUrl = coop.url.replace(/\/graphql$/, '/health');
  }, 120_000);

  afterAll(async () => {
    await coop?.stop();
    await dropSchema(database);
  });

  it('answers again after all its connections were terminated, without a restart', async () => {
    const before = dataOf(await coop.query(QUERY));
    expect(before.platformCooperative.id).toBe('muniride-gent');
    // The pool keeps the connection it just used; that is the one to take away.
    expect(await killPoolConnections()).toBeGreaterThan(0);
    await waitUntilGone();

    const first: GraphQLResponse = await coop.query(QUERY);
    const second: GraphQLResponse = await coop.query(QUERY);
    console.info(
      `reconnect: first request after the kill ${first.errors ? `failed (${first.errors[0]!.message})` : 'succeeded'}, ` +
        `second ${second.errors ? 'failed' : 'succeeded'}`,
    );
    // knex marks a pooled connection that PostgreSQL dropped as disposed and replaces it on
    // the next checkout, so even the first request after the kill is answered.
    expect(dataOf(first)).toEqual(before);
    expect(dataOf(second)).toEqual(before);
  });

  it('reports healthy again after its connections were terminated twice in a row', async () => {
    for (let round = 0; round < 2; round++) {
      expect((await fetch(healthUrl)).status).toBe(200);
      expect(await killPoolConnections()).toBeGreaterThan(0);
      await waitUntilGone();
    }
    expect((await fetch(healthUrl)).status).toBe(200);
    expect(dataOf(await coop.query(QUERY)).platformCooperative.id).toBe('muniride-gent');
  });
});
