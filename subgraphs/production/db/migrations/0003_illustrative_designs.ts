/**
 * Marks designs whose bill of materials, manufacturing energy or transport distance is not the
 * publisher's own figure, as co-ops already are. Designs imported from a manifest carry the
 * manifest's bill of materials: false.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('open_designs', (t) => {
    t.boolean('illustrative').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('open_designs', (t) => {
    t.dropColumn('illustrative');
  });
}
