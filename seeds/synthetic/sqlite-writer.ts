/**
 * The synthetic generator's SQLite writer of usage events. Like the PostgreSQL one it is the
 * documented exception to "every write goes through subgraphs/<name>/db/writes.ts"
 * (docs/architecture.md): at 10^7 rows knex's multi-row inserts cost a statement compile per
 * 500 rows, so this runs one prepared statement on the raw driver connection instead.
 */
import type { Knex } from 'knex';
import { EVENT_COLUMNS, type EventWriter } from './event-writer.js';

/** The parts of better-sqlite3's connection the writer uses. */
interface SqliteConnection {
  prepare(sql: string): { run(...values: unknown[]): unknown };
  exec(sql: string): void;
  pragma(sql: string): unknown;
}

/** Rows per SQLite transaction: large, since each commit writes the WAL and touched index pages. */
const SQLITE_ROWS_PER_TRANSACTION = 250_000;

/**
 * One prepared statement on knex's own connection (the pool holds just one), run row by row
 * inside transactions of SQLITE_ROWS_PER_TRANSACTION rows. Foreign keys are off for the load
 * and `foreign_key_check` runs at the end.
 */
export async function sqliteWriter(db: Knex): Promise<EventWriter> {
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
