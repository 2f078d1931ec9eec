/**
 * Vehicle sharing as GBFS describes it (see docs/open-data.md, "GBFS"): a co-op's GBFS system
 * (`gbfs_systems`, one per co-op at most), its vehicle types, its sharing hubs (GBFS stations)
 * and their last reported availability, and the free-floating vehicles available per type.
 * Shared assets get a home hub (`hub_id`, nullable), so the GBFS export can place a vehicle at
 * a station without ever storing where a trip ended.
 *
 * Nothing here is personal data: availability is what an operator's public feed says, and no
 * table holds a vehicle id from a feed (GBFS rotates them after each trip by design).
 */
import type { Knex } from 'knex';
import { isPostgresHandle } from '../partitions.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('gbfs_systems', (t) => {
    t.string('platform_cooperative_id').primary().references('platform_cooperatives.id');
    // GBFS says globally unique, but the same system may be imported into two co-ops (a test
    // round trip, a co-op taking over a fleet): matched by it only when --coop is not given.
    t.string('system_id').notNullable().index();
    t.string('name').notNullable();
    t.string('operator');
    t.string('url');
    t.string('timezone', 64).notNullable();
    /** JSON array of IETF BCP 47 language tags. */
    t.text('languages').notNullable();
    t.string('opening_hours');
    t.string('feed_contact_email');
    t.string('license_id', 64);
    t.string('license_url');
    t.string('attribution_organization_name');
    t.string('attribution_url');
    /** The GBFS version the system was last imported from, or null when seeded. */
    t.string('source_version', 8);
    /** When the system, its vehicle types or its hubs last changed (ISO 8601): the static feeds' last_updated. */
    t.string('updated_at', 32).notNullable();
    /** The last_updated of the last imported status feed (ISO 8601); null when none was imported. */
    t.string('status_updated_at', 32);
  });
  await knex.schema.createTable('gbfs_vehicle_types', (t) => {
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('vehicle_type_id').notNullable();
    t.string('kind', 16).notNullable();
    t.string('form_factor', 32).notNullable();
    t.string('propulsion_type', 32).notNullable();
    t.string('name');
    t.double('max_range_meters');
    t.primary(['platform_cooperative_id', 'vehicle_type_id']);
  });
  await knex.schema.createTable('sharing_hubs', (t) => {
    // `<co-op id>/<station id>`: unique across co-ops, readable, and the station id is kept apart.
    t.string('id').primary();
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('station_id').notNullable();
    t.string('name').notNullable();
    t.double('lat').notNullable();
    t.double('lon').notNullable();
    t.string('address');
    t.string('post_code', 32);
    t.integer('capacity');
    t.boolean('is_virtual_station').notNullable().defaultTo(false);
    t.unique(['platform_cooperative_id', 'station_id']);
  });
  await knex.schema.createTable('sharing_hub_status', (t) => {
    t.string('hub_id').primary().references('sharing_hubs.id');
    t.integer('vehicles_available').notNullable();
    t.integer('docks_available');
    t.boolean('is_installed').notNullable();
    t.boolean('is_renting').notNullable();
    t.boolean('is_returning').notNullable();
    t.string('last_reported', 32).notNullable();
  });
  await knex.schema.createTable('sharing_hub_vehicle_counts', (t) => {
    t.string('hub_id').notNullable().references('sharing_hubs.id');
    t.string('vehicle_type_id').notNullable();
    t.integer('count').notNullable();
    t.primary(['hub_id', 'vehicle_type_id']);
  });
  await knex.schema.createTable('gbfs_free_floating', (t) => {
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('vehicle_type_id').notNullable();
    t.integer('vehicles_available').notNullable();
    t.primary(['platform_cooperative_id', 'vehicle_type_id']);
  });
  await addHubColumn(knex);
}

/**
 * Adds `shared_assets.hub_id` with its foreign key. On SQLite, knex would rebuild the table to
 * add a foreign key, which fails once usage events reference it; SQLite's own
 * `ALTER TABLE … ADD COLUMN … REFERENCES` needs no rebuild (the column defaults to null).
 */
async function addHubColumn(knex: Knex): Promise<void> {
  if (isPostgresHandle(knex)) {
    await knex.schema.alterTable('shared_assets', (t) => {
      t.string('hub_id').references('sharing_hubs.id').index();
    });
    return;
  }
  await knex.raw('alter table shared_assets add column hub_id varchar(255) references sharing_hubs (id)');
  await knex.raw('create index shared_assets_hub_id_index on shared_assets (hub_id)');
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgresHandle(knex)) {
    await knex.schema.alterTable('shared_assets', (t) => {
      t.dropForeign(['hub_id']);
      t.dropIndex(['hub_id']);
      t.dropColumn('hub_id');
    });
  } else {
    await knex.raw('drop index shared_assets_hub_id_index');
    await knex.raw('alter table shared_assets drop column hub_id');
  }
  for (const table of [
    'gbfs_free_floating',
    'sharing_hub_vehicle_counts',
    'sharing_hub_status',
    'sharing_hubs',
    'gbfs_vehicle_types',
    'gbfs_systems',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
