import type { Knex } from 'knex';
import type { SubgraphName } from '../lib/config.js';
import { seedCoop } from './coop.js';
import { seedDepository } from './depository.js';
import { seedLeague } from './league.js';
import { seedProduction } from './production.js';
import type { World } from './world.js';

export interface SeedOptions {
  seed: number;
  /** Number of synthetic usage events (coop only). */
  eventCount?: number;
  /** Reports progress of long inserts: done out of total. */
  onProgress?: (done: number, total: number) => void;
}

type Seeder = (db: Knex, world: World, options: SeedOptions) => Promise<void>;

/** How each subgraph writes its part of the seed world. */
export const seeders: Record<SubgraphName, Seeder> = {
  league: seedLeague,
  depository: seedDepository,
  coop: seedCoop,
  production: seedProduction,
};

/** A table every seeded database of the subgraph has rows in. */
const MARKER_TABLE: Record<SubgraphName, string> = {
  league: 'cities',
  depository: 'applications',
  coop: 'platform_cooperatives',
  production: 'emission_factors',
};

/** True when the subgraph's database already holds data, so start-up must not seed again. */
export async function isSeeded(db: Knex, name: SubgraphName): Promise<boolean> {
  const row = await db(MARKER_TABLE[name]).first('*');
  return row !== undefined;
}
