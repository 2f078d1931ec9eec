/**
 * The member-year rollup behind `activeMembers` (see `cellCounts` in ../queries.ts):
 * one row per co-op, calendar year and member with any use, holding for each month a mask
 * of the days (bit 0 = the 1st) the member used the co-op. Distinct members over the visible
 * days of a period then cost one row per member and year instead of one per use. Like the
 * raw events it is personal data (pseudonymous members and their active days): stored,
 * never exposed. Existing events are rolled up here; `rebuildBins` keeps it current.
 */
import type { Knex } from 'knex';
import { isPostgresHandle } from '../partitions.js';
import { chunked, MONTHS, rebuildMemberYears } from '../queries.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_member_years', (t) => {
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('year', 4).notNullable();
    t.string('member_ref').notNullable();
    for (const month of MONTHS) t.integer(`days_${month}`).notNullable().defaultTo(0);
    t.primary(['platform_cooperative_id', 'year', 'member_ref']);
  });
  const coops: { id: string }[] = await knex('platform_cooperatives').select('id').orderBy('id');
  for (const chunk of chunked(coops.map((coop) => coop.id))) await rebuildMemberYears(knex, chunk);
  // Planner statistics now, not at autovacuum's next round: without them PostgreSQL guesses badly.
  if (isPostgresHandle(knex)) await knex.raw('analyze usage_member_years');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('usage_member_years');
}
