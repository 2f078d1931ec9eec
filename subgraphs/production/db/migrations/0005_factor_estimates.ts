/**
 * Says, for every emission factor, whether its value was traced to the cited publication and
 * where: `estimate` (true until someone has traced it, so rows written before this migration
 * stay estimates), `source_reference` (sheet/table, row, column or dataset id),
 * `published_value` (the number as published, with its unit) and `traced_in` (the copy the
 * value was read in). Numbered 0005 because 0004 belongs to another change of this subgraph.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('emission_factors', (t) => {
    t.boolean('estimate').notNullable().defaultTo(true);
    t.text('source_reference').nullable();
    t.text('published_value').nullable();
    t.text('traced_in').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('emission_factors', (t) => {
    t.dropColumn('traced_in');
    t.dropColumn('published_value');
    t.dropColumn('source_reference');
    t.dropColumn('estimate');
  });
}
