import type { DatabaseConfig, SubgraphName } from '../lib/config.js';
import { migrateToLatest, openDatabase } from '../lib/db.js';
import { subgraphDefinitions } from '../subgraphs/index.js';
import { isSeeded, seeders, type SeedOptions } from './index.js';
import { buildWorld } from './world.js';

export interface PrepareResult {
  name: SubgraphName;
  seeded: boolean;
  milliseconds: number;
}

/**
 * Migrates a subgraph's database and seeds it when it is empty. Run by `npm start` before
 * the services start and by the test harness, so both see the same database.
 */
export async function prepareDatabase(
  name: SubgraphName,
  database: DatabaseConfig,
  options: SeedOptions,
): Promise<PrepareResult> {
  const started = performance.now();
  const db = openDatabase(database);
  try {
    await migrateToLatest(db, name, subgraphDefinitions[name].migrations, database);
    const seeded = !(await isSeeded(db, name));
    if (seeded) await seeders[name](db, buildWorld(options.seed), options);
    return { name, seeded, milliseconds: Math.round(performance.now() - started) };
  } finally {
    await db.destroy();
  }
}
