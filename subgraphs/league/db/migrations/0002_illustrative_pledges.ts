/**
 * Marks pledges whose amount, year or purpose is not a public fact, as cities, leagues and
 * protocol co-ops already are. Recorded pledges are facts as their city states them: false.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pledges', (t) => {
    t.boolean('illustrative').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pledges', (t) => {
    t.dropColumn('illustrative');
  });
}
