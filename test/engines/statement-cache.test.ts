/**
 * SQLite connections keep their prepared statements (lib/db.ts): a repeated query shape is not
 * prepared again, yet every run sees its own bindings and the current schema.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { boundedDatabase, openDatabase, type Knex } from '../../lib/db.js';
import { DeadlineExceededError } from '../../lib/deadline.js';

let db: Knex;
beforeEach(() => {
  db = openDatabase({ client: 'sqlite', filename: ':memory:' });
});
afterEach(() => db.destroy());

/** The pool's one connection, for as long as `use` runs. */
async function withConnection<T>(use: (connection: { prepare(sql: string): unknown }) => T): Promise<T> {
  const connection = await db.client.acquireConnection();
  try {
    return use(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

it('prepares a repeated SQL text once, and each different text on its own', async () => {
  await withConnection((connection) => {
    const first = connection.prepare('select ? as n');
    expect(connection.prepare('select ? as n')).toBe(first);
    expect(connection.prepare('select ? as m')).not.toBe(first);
  });
});

it('answers each run of a cached statement with its own bindings', async () => {
  await db.schema.createTable('items', (table) => {
    table.string('id').primary();
    table.integer('size');
  });
  await db('items').insert([
    { id: 'a', size: 1 },
    { id: 'b', size: 2 },
  ]);
  expect(await db('items').whereIn('id', ['a']).select('size')).toEqual([{ size: 1 }]);
  expect(await db('items').whereIn('id', ['b']).select('size')).toEqual([{ size: 2 }]);
});

it('sees a table recreated with other columns through a statement prepared before', async () => {
  await db.schema.createTable('shapes', (table) => table.string('id'));
  await db('shapes').insert({ id: 'old' });
  expect(await db('shapes').select('*')).toEqual([{ id: 'old' }]);
  await db.schema.dropTable('shapes');
  await db.schema.createTable('shapes', (table) => {
    table.string('id');
    table.integer('sides');
  });
  await db('shapes').insert({ id: 'new', sides: 3 });
  expect(await db('shapes').select('*')).toEqual([{ id: 'new', sides: 3 }]);
});

it('drops the least recently used statement once it holds 500', async () => {
  await withConnection((connection) => {
    const oldest = connection.prepare('select 0 as n');
    const kept = connection.prepare('select 1 as n');
    for (let n = 2; n < 500; n++) connection.prepare(`select ${n} as n`);
    expect(connection.prepare('select 1 as n')).toBe(kept); // used again: now the most recent
    connection.prepare('select 500 as n');
    expect(connection.prepare('select 1 as n')).toBe(kept);
    expect(connection.prepare('select 0 as n')).not.toBe(oldest);
  });
});

it('still starts no statement past a request deadline', async () => {
  const statement = 'select 1 as one';
  expect(await db.raw(statement)).toEqual([{ one: 1 }]);
  const late = boundedDatabase(db, Date.now() - 1, () => new DeadlineExceededError());
  await expect(late.raw(statement)).rejects.toBeInstanceOf(DeadlineExceededError);
});
