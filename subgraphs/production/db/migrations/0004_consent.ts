/**
 * Consent for cross-owner effects: a run's delivery to a city and its claim on each shared asset
 * wait for the city's and the asset's co-op's confirmation before they count anywhere.
 *
 * - `production_runs.delivery_status` and `run_assets.status`: PENDING, CONFIRMED or DECLINED.
 *   New rows default to PENDING, so a writer that forgets the column can never count.
 * - Rows that exist when this runs are the seed world's runs (and runs recorded before
 *   consent existed): they are marked CONFIRMED, so seeded footprints and origins do not move.
 * - An asset may now carry several claims (a pending claim blocks nothing), but one CONFIRMED
 *   claim at most: the old unique index on `run_assets.asset_id` becomes a partial one.
 */
import type { Knex } from 'knex';

/** The partial unique index: one confirmed origin per asset, whatever is pending. */
const ONE_CONFIRMED_ORIGIN = 'run_assets_confirmed_asset_unique';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('production_runs', (t) => {
    t.string('delivery_status', 16).notNullable().defaultTo('PENDING');
  });
  await knex.schema.alterTable('run_assets', (t) => {
    t.string('status', 16).notNullable().defaultTo('PENDING');
  });
  await knex('production_runs').update({ delivery_status: 'CONFIRMED' });
  await knex('run_assets').update({ status: 'CONFIRMED' });
  await knex.schema.alterTable('run_assets', (t) => {
    t.dropUnique(['asset_id']);
    // A run claims an asset once; the asset's claims are looked up by asset id.
    t.unique(['run_id', 'asset_id']);
    t.index(['asset_id']);
  });
  // Partial indexes are plain SQL on both engines; knex has no portable builder for them.
  await knex.raw(`create unique index ?? on run_assets (asset_id) where status = 'CONFIRMED'`, [ONE_CONFIRMED_ORIGIN]);
  // A city's footprint reads only its confirmed deliveries of one year; a platform co-op lists
  // the runs delivered to it to answer their claims (`productionRuns`).
  await knex.schema.alterTable('production_runs', (t) => {
    t.index(['city_id', 'delivery_status', 'completed_on']);
    t.index(['platform_cooperative_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('production_runs', (t) => {
    t.dropIndex(['platform_cooperative_id']);
    t.dropIndex(['city_id', 'delivery_status', 'completed_on']);
  });
  await knex.raw('drop index if exists ??', [ONE_CONFIRMED_ORIGIN]);
  // Only confirmed claims were deliveries before consent existed.
  await knex('run_assets').whereNot({ status: 'CONFIRMED' }).delete();
  await knex.schema.alterTable('run_assets', (t) => {
    t.dropIndex(['asset_id']);
    t.dropUnique(['run_id', 'asset_id']);
    t.unique(['asset_id']);
    t.dropColumn('status');
  });
  // Before consent, every run counted: an unconfirmed one must not start counting.
  await knex('production_runs').whereNot({ delivery_status: 'CONFIRMED' }).delete();
  await knex.schema.alterTable('production_runs', (t) => {
    t.dropColumn('delivery_status');
  });
}
