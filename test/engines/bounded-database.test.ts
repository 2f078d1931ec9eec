/**
 * A request's database handle stops at its deadline on both engines: no statement starts after
 * it, and on PostgreSQL a statement still running then is cancelled on the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedDatabase, openDatabase, type Knex } from '../../lib/db.js';
import { DeadlineExceededError } from '../../lib/deadline.js';
import { postgresUnavailable, TEST_DATABASE_URL } from '../engines.js';

/** SQL statements sent by the handles under test. */
let statements = 0;

const pgMissing = await postgresUnavailable();
if (pgMissing) {
  if (process.env.CI) throw new Error(pgMissing);
  console.warn(`PostgreSQL deadline tests skipped: ${pgMissing}`);
}

describe.each([
  ['SQLite', () => openDatabase({ client: 'sqlite', filename: ':memory:' }, { onStatement: () => statements++ })],
  [
    'PostgreSQL',
    () =>
      openDatabase(
        { client: 'pg', connectionString: TEST_DATABASE_URL, schema: 'public' },
        { onStatement: () => statements++ },
      ),
  ],
] as const)('%s', (engine, open) => {
  let db: Knex;
  const skip = engine === 'PostgreSQL' && pgMissing !== null;
  beforeAll(() => {
    if (!skip) db = open();
  });
  afterAll(() => db?.destroy());

  it.skipIf(skip)('starts no statement once the deadline has passed', async () => {
    const bounded = boundedDatabase(db, Date.now() - 1, () => new DeadlineExceededError());
    const before = statements;
    await expect(bounded.raw('select 1')).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(bounded.select(db.raw('1 as one'))).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(statements).toBe(before);
    expect(await db.raw('select 1 as one')).toBeTruthy();
  });

  it.skipIf(skip)('runs statements as before while there is time', async () => {
    const bounded = boundedDatabase(db, Date.now() + 60_000, () => new DeadlineExceededError());
    const rows = await bounded.select(db.raw('2 as two'));
    expect(rows).toEqual([{ two: 2 }]);
  });

  it.skipIf(skip || engine === 'SQLite')(
    'cancels a running statement on the server when the deadline passes',
    async () => {
      const bounded = boundedDatabase(db, Date.now() + 300, () => new DeadlineExceededError());
      await expect(bounded.raw(`select pg_sleep(20) as "bounded-database-test"`)).rejects.toThrow(/timeout/);
      const running = await db.raw(
        `select count(*)::int as n from pg_stat_activity where query like '%bounded-database-test%' and pid <> pg_backend_pid()`,
      );
      expect(running.rows[0].n).toBe(0);
    },
  );
});
