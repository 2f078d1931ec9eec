import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { isPostgres, type DatabaseConfig, type SubgraphName } from './config.js';

export type { Knex };

/** One migration step, written as plain knex schema code. */
export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Called once per SQL statement sent; the subgraph counts them in its metrics. */
  onStatement?: () => void;
}

/**
 * Opens the knex handle of one subgraph. SQLite files are created on demand with
 * foreign keys enforced; on PostgreSQL each subgraph lives in its own schema.
 */
export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Knex {
  const knex = isPostgres(config)
    ? knexFactory({
        client: 'pg',
        connection: config.connectionString,
        searchPath: [config.schema],
        // Connections are checked out per query, so one that PostgreSQL dropped is replaced on the next.
        pool: { min: 0, max: config.poolMax ?? 10 },
      })
    : cacheStatementsOfEachConnection(openSqlite(config.filename));
  if (options.onStatement) knex.on('query', options.onStatement);
  configurations.set(knex.client, config);
  return knex;
}

/** The configuration each handle was opened with, by its client (shared by every view of the handle). */
const configurations = new WeakMap<object, DatabaseConfig>();

/**
 * The configuration `openDatabase` opened a handle with, so another thread can open its own
 * connection to the same database (the coop ingest worker); null for an in-memory SQLite
 * database, which no other connection can reach, or a handle opened elsewhere.
 */
export function databaseConfigOf(knex: Knex): DatabaseConfig | null {
  const config = configurations.get(knex.client);
  return !config || (config.client === 'sqlite' && config.filename === ':memory:') ? null : config;
}

/** Counts `count` statements another connection ran on this handle's behalf, as if run here (the `onStatement` metric). */
export function reportStatements(knex: Knex, count: number): void {
  for (let i = 0; i < count; i++) knex.emit('query', { sql: null });
}

function openSqlite(filename: string): Knex {
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null) => void) {
        conn.pragma('foreign_keys = ON');
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        done(null);
      },
    },
  });
}

/** Most prepared statements one SQLite connection keeps: one per query shape and `IN` list length. */
const STATEMENT_CACHE_SIZE = 500;

/** A better-sqlite3 connection, as far as the statement cache needs it. */
interface PreparingConnection {
  prepare(sql: string): unknown;
}

/**
 * Makes the connection keep its prepared statements by SQL text (least recently used dropped
 * first), so a query shape run again skips SQLite's parse and plan: knex's better-sqlite3
 * dialect prepares every statement it runs, and that was 3–7 % of a subgraph's CPU under the
 * CityReport load. Reuse is safe because knex runs each statement to completion with `all()` or
 * `run()` before it prepares the next, and a schema change makes SQLite re-prepare by itself.
 */
export function cachePreparedStatements<Connection extends PreparingConnection>(connection: Connection): Connection {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else {
      statement = prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return statement;
  };
  return connection;
}

/** Gives every connection the pool opens a statement cache (see cachePreparedStatements). */
function cacheStatementsOfEachConnection(knex: Knex): Knex {
  const client = knex.client as { acquireRawConnection(): Promise<PreparingConnection> };
  const acquire = client.acquireRawConnection.bind(client);
  client.acquireRawConnection = async () => cachePreparedStatements(await acquire());
  return knex;
}

/**
 * Brings a subgraph's database to the latest migration. Migrations come from a static
 * module map, so knex never loads TypeScript files itself, and each subgraph keeps its
 * own migrations table.
 */
export async function migrateToLatest(
  knex: Knex,
  name: SubgraphName,
  migrations: Record<string, Migration>,
  config: DatabaseConfig,
): Promise<void> {
  if (isPostgres(config)) await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [config.schema]);
  await knex.migrate.latest({
    tableName: `${name}_migrations`,
    schemaName: isPostgres(config) ? config.schema : undefined,
    migrationSource: {
      getMigrations: async () => Object.keys(migrations).sort(),
      getMigrationName: (migration: string) => migration,
      getMigration: async (migration: string) => migrations[migration]!,
    },
  });
}

/**
 * Splits rows into chunks one multi-row insert may carry: SQLite writes it as a compound
 * SELECT of at most 500 terms, and PostgreSQL binds at most ~32,000 parameters.
 */
export function insertChunks<Row extends object>(rows: readonly Row[]): Row[][] {
  if (rows.length === 0) return [];
  const chunkSize = Math.max(1, Math.min(500, Math.floor(30000 / Object.keys(rows[0]!).length)));
  const chunks: Row[][] = [];
  for (let start = 0; start < rows.length; start += chunkSize) chunks.push(rows.slice(start, start + chunkSize));
  return chunks;
}

/** Inserts rows chunk by chunk (see insertChunks), reporting progress after each. */
export async function insertInChunks<Row extends object>(
  knex: Knex | Knex.Transaction,
  table: string,
  rows: readonly Row[],
  onProgress?: (inserted: number) => void,
): Promise<void> {
  let inserted = 0;
  for (const chunk of insertChunks(rows)) {
    await knex(table).insert(chunk as never);
    inserted += chunk.length;
    onProgress?.(inserted);
  }
}

/** Orders batch results by key, `null` for misses, as DataLoader requires. */
export function byKeys<Row, Key>(keys: readonly Key[], rows: readonly Row[], keyOf: (row: Row) => Key): (Row | null)[] {
  const index = new Map<Key, Row>();
  for (const row of rows) index.set(keyOf(row), row);
  return keys.map((key) => index.get(key) ?? null);
}

/** Groups batch results by key, an empty list for keys without rows. */
export function groupByKeys<Row, Key>(keys: readonly Key[], rows: readonly Row[], keyOf: (row: Row) => Key): Row[][] {
  const groups = new Map<Key, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** A statement's builder, as knex's `start` event hands it over (query builders and raw statements). */
interface StartingStatement {
  once(event: 'start', listener: (builder: StartingStatement) => void): unknown;
  timeout?(ms: number, options: { cancel: boolean }): unknown;
}

/**
 * A handle on the same pool whose statements stop at `deadline` (epoch ms): none starts after
 * it, and on PostgreSQL each gets the time left as its timeout and is cancelled on the server
 * (pg_cancel_backend) when that runs out. SQLite statements run synchronously on the event
 * loop and cannot be interrupted; each is bounded by its query shape instead (indexed lookups,
 * pages of at most MAX_PAGE_SIZE). Statements inside `transaction` (writes) are not bounded.
 * A proxy rather than `knex.withUserParams`, which copies the whole client (about 1 ms a request).
 */
export function boundedDatabase(knex: Knex, deadline: number, onDeadline: () => Error): Knex {
  const cancellable = knex.client.config.client === 'pg';
  const bound = <Statement>(statement: Statement): Statement => {
    (statement as StartingStatement).once('start', (builder) => {
      const left = deadline - Date.now();
      if (left <= 0) throw onDeadline();
      if (cancellable) builder.timeout?.(left, { cancel: true });
    });
    return statement;
  };
  return new Proxy(knex, {
    apply: (target, _this, args: Parameters<Knex>) => bound(target(...args)),
    get(target, property, receiver) {
      if (property === 'raw') return (...args: Parameters<Knex['raw']>) => bound(target.raw(...args));
      if (property === 'queryBuilder') return () => bound(target.queryBuilder());
      return Reflect.get(target, property, receiver);
    },
  });
}
