/**
 * The synthetic generator's PostgreSQL writer of usage events: `COPY ... FROM STDIN` through
 * pg-copy-streams. It is the documented exception to "every write goes through
 * subgraphs/<name>/db/writes.ts" (docs/architecture.md): COPY is several times faster than
 * multi-row inserts at 10^7 rows and knex cannot send it.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyRow } from './copy-text.js';
import { EVENT_COLUMNS, type EventWriter } from './event-writer.js';

/** Sends one `COPY ... FROM STDIN` of a ready text-format payload; resolves once the server has stored it. */
export async function copyIn(client: Client, statement: string, payload: string): Promise<void> {
  await pipeline(Readable.from([Buffer.from(payload)]), client.query(copyFrom(statement)));
}

/**
 * COPY on one of knex's connections (whose search path is the subgraph's schema), all in one
 * transaction: the foreign keys of usage_events are dropped at the start and added back at
 * the end, which checks every row in one join instead of one lookup per row per key. So the
 * load is all or nothing, and while it runs usage_events is locked: the coop service's
 * sharing reads wait for it (run the generator before benchmarking).
 */
export async function postgresWriter(db: Knex): Promise<EventWriter> {
  const client = (await db.client.acquireConnection()) as Client;
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
  const statement = `copy usage_events (${EVENT_COLUMNS.join(', ')}) from stdin`;
  return {
    async write(rows) {
      let payload = '';
      for (const row of rows) payload += copyRow(EVENT_COLUMNS.map((column) => row[column]));
      await copyIn(client, statement, payload);
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
