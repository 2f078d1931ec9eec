/**
 * What publiccode.yml import and export need beyond 0001: a document's own keys that the
 * depository had no column for (kept per application, only for applications imported from a
 * publiccode.yml whose keys differ from the export defaults), the cities and protocol
 * cooperatives its `usedBy` and `fundedBy` name, and a repository URL for adaptations.
 * Both repository URLs identify a record on import, so each is unique where set.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('application_publiccode', (t) => {
    t.string('application_id').primary().references('applications.id').onDelete('CASCADE');
    t.string('development_status', 16).notNullable();
    t.string('software_type', 32).notNullable();
    // Lists of strings as JSON text, in document order: both engines store and return them unchanged.
    t.text('platforms').notNullable();
    t.text('categories').notNullable();
    t.string('maintenance_type', 16).notNullable();
    t.boolean('localisation_ready').notNullable();
    t.text('available_languages').notNullable();
    // The language of the name and summary, as the description section's key (`en`, `it-IT`).
    t.string('description_language', 35).notNullable();
  });
  await knex.schema.createTable('application_users', (t) => {
    t.string('application_id').notNullable().references('applications.id').onDelete('CASCADE');
    // A league city: another subgraph's entity, so no foreign key.
    t.string('city_id').notNullable();
    t.primary(['application_id', 'city_id']);
  });
  await knex.schema.createTable('application_funders', (t) => {
    t.string('application_id').notNullable().references('applications.id').onDelete('CASCADE');
    // A league protocol cooperative: another subgraph's entity, so no foreign key.
    t.string('protocol_cooperative_id').notNullable();
    t.primary(['application_id', 'protocol_cooperative_id']);
  });
  await knex.schema.alterTable('adaptations', (t) => {
    t.string('repository_url');
    t.unique(['repository_url']);
  });
  await knex.schema.alterTable('applications', (t) => {
    t.unique(['repository_url']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropUnique(['repository_url']);
  });
  await knex.schema.alterTable('adaptations', (t) => {
    t.dropUnique(['repository_url']);
    t.dropColumn('repository_url');
  });
  for (const table of ['application_funders', 'application_users', 'application_publiccode']) {
    await knex.schema.dropTableIfExists(table);
  }
}
