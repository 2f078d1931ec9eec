/**
 * The coverage rollup behind `hoursInUse` and `utilizationRate` (see `coveredHourSums` in
 * ../queries.ts): one row per co-op, start day and UTC day a use covers, holding the hours of
 * that co-op's uses started that day which fall within the covered day. A multi-day use (a
 * stay, a tool loan) is binned whole on its start day for every other figure, but its hours
 * are spread over the days it lasted, so a single day's utilisation never exceeds 1 (rule 5).
 * The start day decides visibility (its bin), the covered day the period. Like the bins it
 * holds no member; existing events are rolled up here and `rebuildBins` keeps it current.
 */
import type { Knex } from 'knex';
import { isPostgresHandle } from '../partitions.js';
import { chunked, rebuildUsageHours } from '../queries.js';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_hours', (t) => {
    t.string('platform_cooperative_id').notNullable().references('platform_cooperatives.id');
    t.string('start_day', 10).notNullable();
    t.string('covered_day', 10).notNullable();
    t.double('hours').notNullable();
    // Periods read by covered day; rebuilds clear by start day.
    t.primary(['platform_cooperative_id', 'covered_day', 'start_day']);
    t.index(['platform_cooperative_id', 'start_day']);
  });
  const coops: { id: string }[] = await knex('platform_cooperatives').select('id').orderBy('id');
  for (const chunk of chunked(coops.map((coop) => coop.id))) await rebuildUsageHours(knex, chunk);
  // Planner statistics now, not at autovacuum's next round: without them PostgreSQL guesses badly.
  if (isPostgresHandle(knex)) await knex.raw('analyze usage_hours');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('usage_hours');
}
