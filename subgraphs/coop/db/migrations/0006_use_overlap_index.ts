/**
 * An index on (asset_id, started_at) of usage_events, for ingest's one query per batch that
 * finds the stored uses a batch's events would overlap (an asset is in one use at a time).
 * On partitioned PostgreSQL the index is declared on the parent and built on every partition.
 */
import type { Knex } from 'knex';

const INDEX = 'usage_events_asset_id_started_at_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('usage_events', (t) => t.index(['asset_id', 'started_at'], INDEX));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('usage_events', (t) => t.dropIndex(['asset_id', 'started_at'], INDEX));
}
