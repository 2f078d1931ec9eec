/**
 * Monthly partitions of `usage_events` on PostgreSQL (migration 0002): one partition per
 * calendar month of `day`, so ingest, retention and bin rebuilds touch one month at a time.
 * A default partition catches rows of a month that has no partition yet (any writer that
 * forgot to call `ensureMonthPartitions`), so an insert never fails for want of one; creating
 * the month's partition moves such rows out of it. SQLite keeps one plain table.
 */
import type { Knex } from 'knex';

/** The partitioned table and its catch-all partition. */
export const PARTITIONED_TABLE = 'usage_events';
export const DEFAULT_PARTITION = 'usage_events_default';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** True when the handle (or transaction) talks to PostgreSQL. */
export function isPostgresHandle(db: Knex | Knex.Transaction): boolean {
  return db.client.config.client === 'pg';
}

/**
 * Runs the engine's own spelling of one statement (the batch lookups pass their batch as JSON,
 * which each engine unpacks its own way) and returns its rows: PostgreSQL's raw result holds
 * them in `rows`, SQLite's is the rows.
 */
export async function rowsOf<Row>(
  db: Knex | Knex.Transaction,
  statement: { postgres: string; sqlite: string },
  bindings: readonly Knex.Value[],
): Promise<Row[]> {
  const postgres = isPostgresHandle(db);
  const result = await db.raw(postgres ? statement.postgres : statement.sqlite, bindings);
  return postgres ? result.rows : result;
}

/** The partition holding one month's events: `usage_events_2025_03` for "2025-03". */
export function partitionName(month: string): string {
  if (!MONTH.test(month)) throw new Error(`Not a month (YYYY-MM): "${month}"`);
  return `${PARTITIONED_TABLE}_${month.replace('-', '_')}`;
}

/**
 * The bounds of a month's partition as SQL literals, first day included, first day of the
 * next month excluded. Partition bounds cannot be bind parameters, hence literals; the month
 * is checked against a strict pattern first, so nothing but digits and dashes gets in.
 */
export function monthBounds(month: string): { from: string; to: string } {
  partitionName(month);
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
  return { from: `'${month}-01'`, to: `'${next}-01'` };
}

/** The months (YYYY-MM) that have a partition, sorted; empty on SQLite. */
export async function monthPartitions(db: Knex | Knex.Transaction): Promise<string[]> {
  if (!isPostgresHandle(db)) return [];
  const result = await db.raw(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = to_regclass(?)`,
    [PARTITIONED_TABLE],
  );
  const prefix = `${PARTITIONED_TABLE}_`;
  return (result.rows as { name: string }[])
    .map((row) => row.name.slice(prefix.length).replace('_', '-'))
    .filter((month) => MONTH.test(month))
    .sort();
}

/**
 * Creates the partitions of the months the given days (YYYY-MM-DD) fall in, where missing.
 * A no-op on SQLite, and one catalog query on PostgreSQL when all exist (the usual case).
 * Creators take turns on an advisory lock, so two ingests reaching a new month at once do
 * not both create it; inside a transaction the lock and the new partition last until commit.
 */
export async function ensureMonthPartitions(db: Knex | Knex.Transaction, days: Iterable<string>): Promise<void> {
  if (!isPostgresHandle(db)) return;
  const wanted = new Set<string>();
  for (const day of days) wanted.add(day.slice(0, 7));
  if (wanted.size === 0) return;
  const existing = new Set(await monthPartitions(db));
  if ([...wanted].every((month) => existing.has(month))) return;
  await db.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(hashtext(current_schema() || '.' || ?))`, [PARTITIONED_TABLE]);
    const present = new Set(await monthPartitions(trx));
    for (const month of [...wanted].sort()) {
      if (!present.has(month)) await createMonthPartition(trx, month);
    }
  });
}

/**
 * Creates one month's partition. Rows of that month sitting in the default partition are
 * moved into the new table before it is attached (PostgreSQL refuses to add a partition
 * while the default one holds rows that belong to it); attaching builds its indexes.
 */
async function createMonthPartition(trx: Knex.Transaction, month: string): Promise<void> {
  const name = partitionName(month);
  const { from, to } = monthBounds(month);
  await trx.raw(`create table ?? (like ?? including defaults)`, [name, PARTITIONED_TABLE]);
  await trx.raw(
    `with moved as (delete from ?? where day >= ${from} and day < ${to} returning *) insert into ?? select * from moved`,
    [DEFAULT_PARTITION, name],
  );
  await trx.raw(`alter table ?? attach partition ?? for values from (${from}) to (${to})`, [PARTITIONED_TABLE, name]);
}

/**
 * Share of a partition's rows written since its last ANALYZE past which its statistics are
 * renewed (autovacuum's default is 10 % plus 50 rows; a partition an ingest fills is renewed a
 * little less often, since each ANALYZE reads a sample of up to 30,000 rows).
 */
const STALE_SHARE = 0.2;

/**
 * Renews the planner statistics of the month partitions of the given days that have none or
 * stale ones (see STALE_SHARE). A partition an ingest created has no statistics until autovacuum
 * analyzes it (never, where autovacuum is off, as on this project's test machine), and until then
 * PostgreSQL guessed it nearly empty and read the co-op's whole month through the (co-op, day,
 * member) index for every lookup by client id (83 ms per 500 ids over 22 months, 1.6 s per
 * 10,000-event batch; 13.9 million rows read for 6,000 ids in test/engines/ingest-lookups.test.ts).
 * The ingest runs it inside its transaction, after its insert: ANALYZE counts the transaction's
 * own new rows, so the rest of the batch and the next one are planned on them. A no-op on SQLite.
 */
export async function analyzeStalePartitions(db: Knex | Knex.Transaction, days: Iterable<string>): Promise<void> {
  if (!isPostgresHandle(db)) return;
  const names = [...new Set([...days].map((day) => partitionName(day.slice(0, 7))))];
  if (names.length === 0) return;
  const result = await db.raw(
    `select relname as name from pg_stat_user_tables
     where schemaname = current_schema() and relname = any(?)
       and (coalesce(last_analyze, last_autoanalyze) is null or n_mod_since_analyze > ?::float8 * greatest(n_live_tup, 1))`,
    [names, STALE_SHARE],
  );
  const stale = (result.rows as { name: string }[]).map((row) => row.name).sort();
  for (const name of stale) await db.raw('analyze ??', [name]);
}
