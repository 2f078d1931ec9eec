import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cities', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.string('country_code', 2).notNullable().index();
    t.integer('population').notNullable();
    t.integer('population_year').notNullable();
    t.string('population_source').notNullable();
    t.double('latitude').notNullable();
    t.double('longitude').notNullable();
  });
  await knex.schema.createTable('leagues', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.text('description').notNullable();
    t.integer('founded_year');
    t.string('website');
    t.boolean('illustrative').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('league_members', (t) => {
    t.string('league_id').notNullable().references('leagues.id').onDelete('CASCADE');
    t.string('city_id').notNullable().references('cities.id').onDelete('CASCADE');
    t.primary(['league_id', 'city_id']);
    t.index(['city_id']);
  });
  await knex.schema.createTable('protocol_cooperatives', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.text('description').notNullable();
    t.string('website');
    t.integer('founded_year');
    t.string('city_id').references('cities.id');
    t.boolean('illustrative').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('protocol_cooperative_funders', (t) => {
    t.string('league_id').notNullable().references('leagues.id').onDelete('CASCADE');
    t.string('protocol_cooperative_id').notNullable().references('protocol_cooperatives.id').onDelete('CASCADE');
    t.primary(['league_id', 'protocol_cooperative_id']);
    t.index(['protocol_cooperative_id']);
  });
  await knex.schema.createTable('pledges', (t) => {
    t.string('id').primary();
    t.string('city_id').notNullable().references('cities.id').index();
    t.string('protocol_cooperative_id').notNullable().references('protocol_cooperatives.id').index();
    // A depository id: another subgraph's entity, so no foreign key.
    t.string('application_id').index();
    t.double('amount_eur').notNullable();
    t.integer('year').notNullable();
    t.text('purpose').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'pledges',
    'protocol_cooperative_funders',
    'protocol_cooperatives',
    'league_members',
    'leagues',
    'cities',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
