import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('platform_cooperatives', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.text('description').notNullable();
    t.string('website');
    t.integer('founded_year').notNullable();
    t.boolean('illustrative').notNullable().defaultTo(false);
    // League and depository entities: referenced by id, no foreign key across databases.
    t.string('city_id').notNullable().index();
    t.string('application_id').index();
  });
  await knex.schema.createTable('shared_assets', (t) => {
    t.string('id').primary();
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id').index();
    t.string('kind', 16).notNullable();
    t.string('label').notNullable();
    t.string('commissioned_on', 10).notNullable();
    t.string('decommissioned_on', 10);
  });
  await knex.schema.createTable('usage_events', (t) => {
    t.bigIncrements('id');
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('client_event_id').notNullable();
    t.string('asset_id').notNullable().references('shared_assets.id');
    t.string('member_ref').notNullable();
    t.string('started_at', 32).notNullable();
    t.string('ended_at', 32).notNullable();
    t.string('day', 10).notNullable();
    t.double('hours').notNullable();
    t.double('km').notNullable().defaultTo(0);
    t.integer('nights').notNullable().defaultTo(0);
    // Idempotent ingest: a retried event with the same client id is a duplicate.
    t.unique(['platform_cooperative_id', 'client_event_id']);
    t.index(['platform_cooperative_id', 'day', 'member_ref']);
  });
  await knex.schema.createTable('mode_factors', (t) => {
    t.string('asset_kind', 16).primary();
    t.string('private_factor_id').notNullable();
    t.double('private_kg_per_pkm').notNullable();
    t.string('shared_factor_id').notNullable();
    t.double('shared_kg_per_pkm').notNullable();
  });
  await knex.schema.createTable('usage_bins', (t) => {
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('day', 10).notNullable();
    t.integer('uses').notNullable();
    t.integer('members').notNullable();
    t.double('hours_in_use').notNullable();
    t.double('km').notNullable();
    t.integer('nights').notNullable();
    t.double('avoided_kg').notNullable();
    t.primary(['platform_cooperative_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['usage_bins', 'mode_factors', 'usage_events', 'shared_assets', 'platform_cooperatives']) {
    await knex.schema.dropTableIfExists(table);
  }
}
