import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('applications', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.text('summary').notNullable();
    t.string('domain').notNullable().index();
    t.string('license').notNullable();
    t.string('repository_url');
    t.string('website');
    t.integer('founded_year');
    t.boolean('illustrative').notNullable().defaultTo(false);
    // A league protocol cooperative: another subgraph's entity, so no foreign key.
    t.string('steward_id').index();
  });
  await knex.schema.createTable('releases', (t) => {
    t.string('id').primary();
    t.string('application_id').notNullable().references('applications.id').onDelete('CASCADE').index();
    t.string('version').notNullable();
    // ISO dates as strings: both engines return them unchanged, with no time zone shift.
    t.string('released_on', 10).notNullable();
    t.text('notes').notNullable();
  });
  await knex.schema.createTable('adaptations', (t) => {
    t.string('id').primary();
    t.string('application_id').notNullable().references('applications.id').onDelete('CASCADE').index();
    // League cities: another subgraph's entities, so no foreign keys here or in adoptions.
    t.string('city_id').notNullable().index();
    t.string('title').notNullable();
    t.text('description').notNullable();
    t.string('status').notNullable();
    t.string('created_on', 10).notNullable();
  });
  await knex.schema.createTable('adaptation_adoptions', (t) => {
    t.string('adaptation_id').notNullable().references('adaptations.id').onDelete('CASCADE');
    t.string('city_id').notNullable();
    t.primary(['adaptation_id', 'city_id']);
    t.index(['city_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['adaptation_adoptions', 'adaptations', 'releases', 'applications']) {
    await knex.schema.dropTableIfExists(table);
  }
}
