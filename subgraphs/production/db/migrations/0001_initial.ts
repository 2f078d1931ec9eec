import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('emission_factors', (t) => {
    t.string('id').primary();
    t.string('category').notNullable().index();
    t.string('name').notNullable();
    t.string('unit').notNullable();
    t.double('kg_co2e_per_unit').notNullable();
    t.string('source').notNullable();
    t.string('source_url').notNullable();
    t.string('license').notNullable();
    t.integer('year').notNullable();
    t.string('region').notNullable();
    t.double('occupancy');
    t.text('notes').notNullable();
  });
  await knex.schema.createTable('open_cooperatives', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    // A league id: another subgraph's entity, so no foreign key.
    t.string('city_id').notNullable().index();
    t.text('description').notNullable();
    t.string('website');
    t.integer('founded_year');
    t.boolean('illustrative').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('open_designs', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.text('description').notNullable();
    t.string('asset_kind').notNullable().index();
    t.string('license').notNullable();
    t.boolean('open_hardware').notNullable().index();
    t.text('license_note').notNullable();
    t.string('repository_url');
    t.string('version').notNullable();
    t.string('steward').notNullable();
    t.double('manufacturing_energy_kwh').notNullable();
    t.double('transport_km').notNullable();
  });
  await knex.schema.createTable('design_builders', (t) => {
    t.string('design_id').notNullable().references('open_designs.id').onDelete('CASCADE');
    t.string('cooperative_id').notNullable().references('open_cooperatives.id').onDelete('CASCADE');
    t.primary(['design_id', 'cooperative_id']);
    t.index(['cooperative_id']);
  });
  await knex.schema.createTable('bill_of_materials_lines', (t) => {
    t.string('design_id').notNullable().references('open_designs.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('emission_factor_id').notNullable().references('emission_factors.id');
    t.double('mass_kg').notNullable();
    t.primary(['design_id', 'position']);
  });
  await knex.schema.createTable('production_runs', (t) => {
    t.string('id').primary();
    t.string('cooperative_id').notNullable().references('open_cooperatives.id').index();
    t.string('design_id').notNullable().references('open_designs.id');
    t.integer('units').notNullable();
    t.string('completed_on', 10).notNullable();
    // League and coop ids: other subgraphs' entities, so no foreign keys.
    t.string('city_id').notNullable();
    t.string('platform_cooperative_id').notNullable();
    t.string('electricity_factor_id').notNullable().references('emission_factors.id');
    t.string('freight_factor_id').notNullable().references('emission_factors.id');
    // A city's footprint reads its runs of one year.
    t.index(['city_id', 'completed_on']);
  });
  await knex.schema.createTable('run_assets', (t) => {
    t.string('run_id').notNullable().references('production_runs.id').onDelete('CASCADE').index();
    // A coop id (a shared asset): another subgraph's entity. Each asset comes from one run.
    t.string('asset_id').notNullable().unique();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'run_assets',
    'production_runs',
    'bill_of_materials_lines',
    'design_builders',
    'open_designs',
    'open_cooperatives',
    'emission_factors',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
