/**
 * Privacy model v2, rule 4 (docs/methodology.md): the graph's GBFS feeds describe a system and
 * never show live availability; where a co-op publishes its own live (operational) GBFS feed,
 * the graph links to it instead. `gbfs_systems.operational_feed_url` holds that feed's discovery
 * URL, as an import read it from the operator's files (null for seeded systems and for files
 * that do not say).
 *
 * Distinct-member cells (rule 3) need no table of their own: the member-year rollup of 0003
 * already keeps, per member and month, the days of use, from which one pass gives a year's and
 * its twelve months' counts (`cellCounts` in ../queries.ts).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('gbfs_systems', (t) => {
    t.string('operational_feed_url', 2048);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('gbfs_systems', (t) => {
    t.dropColumn('operational_feed_url');
  });
}
