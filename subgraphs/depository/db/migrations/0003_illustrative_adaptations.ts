/**
 * Marks local adaptations that no city is known to have made (the seed world's examples), as
 * applications already are. Proposed and imported adaptations are what a city states: false.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('adaptations', (t) => {
    t.boolean('illustrative').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('adaptations', (t) => {
    t.dropColumn('illustrative');
  });
}
