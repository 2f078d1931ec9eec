/**
 * The client ids each co-op has stored, one row each: the ingest's idempotency record. Resending
 * an event is a no-op whatever its `startedAt`, so a batch's ids are looked up before anything
 * is written. In `usage_events` that lookup had to visit every month partition on PostgreSQL
 * (its unique key must contain the partition key: co-op, client id, day) and PostgreSQL chose
 * by its statistics between that key and the (co-op, day, member) index, reading a co-op's whole
 * month per id on some partitions. Here it is one probe of one primary key per id, on both
 * engines; a month partition dropped for retention keeps its ids, so a late resend still counts
 * as a duplicate. Filled here from the stored events.
 */
import type { Knex } from 'knex';
import { isPostgresHandle } from '../partitions.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_event_keys', (t) => {
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('client_event_id').notNullable();
    t.primary(['platform_cooperative_id', 'client_event_id']);
  });
  await knex('usage_event_keys').insert(knex('usage_events').distinct('platform_cooperative_id', 'client_event_id'));
  if (isPostgresHandle(knex)) await knex.raw('analyze usage_event_keys');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('usage_event_keys');
}
