/**
 * What Open Know-How import and export need beyond 0001: the readiness levels an OKH
 * manifest states (OTRL and ODRL ids) and the project a design is a fork of (its `forkOf`
 * URL). All three are unknown for designs that did not come from a manifest, hence nullable.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('open_designs', (t) => {
    t.string('technology_readiness_level', 16);
    t.string('documentation_readiness_level', 16);
    t.string('fork_of');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('open_designs', (t) => {
    t.dropColumn('fork_of');
    t.dropColumn('documentation_readiness_level');
    t.dropColumn('technology_readiness_level');
  });
}
