/**
 * Shared by the open-standard import/export tests: where the official schemas and samples
 * are (../shared/standards, read in place, never copied into the repo), fresh copies of the
 * seeded databases, table dumps to prove "nothing changed", and JSON Schema validators.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import knexFactory, { type Knex } from 'knex';
import { SUBGRAPH_NAMES, type DatabaseConfig, type SubgraphName } from '../../lib/config.js';
import { copyTemplate, prepareTemplates } from '../harness.js';

/** The standards folder: STANDARDS_DIR, else ../shared/standards beside the repository. */
export const STANDARDS_DIR =
  process.env.STANDARDS_DIR ?? path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'standards');

/**
 * Null when the standard's folder is there, else a sentence saying it is absent; the tests
 * that need it are skipped and the suite prints that sentence, so a missing folder is never
 * mistaken for a pass. In CI (`CI` set) an absent folder throws instead: the file fails, as
 * CI must prove the exports against the official schemas, not skip them.
 */
export function standardsAbsent(subfolder: string): string | null {
  const dir = path.join(STANDARDS_DIR, subfolder);
  if (fs.existsSync(dir)) return null;
  const where = `${dir} is absent (set STANDARDS_DIR to the standards folder; see README)`;
  if (process.env.CI) throw new Error(`CI requires the official ${subfolder} schema and samples: ${where}`);
  const message = `${where}: the tests against the official ${subfolder} schema and samples are SKIPPED`;
  console.warn(message);
  return message;
}

export const standardsFile = (...parts: string[]) => path.join(STANDARDS_DIR, ...parts);

/** Fresh copies of the four seeded SQLite template databases, and a way to remove them. */
export async function freshDatabases(): Promise<{
  databases: Record<SubgraphName, DatabaseConfig>;
  remove: () => void;
}> {
  await prepareTemplates();
  const databases = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, { client: 'sqlite', filename: copyTemplate(name) } as DatabaseConfig]),
  ) as Record<SubgraphName, DatabaseConfig>;
  return {
    databases,
    remove: () => {
      for (const database of Object.values(databases)) {
        if (database.client === 'sqlite') fs.rmSync(path.dirname(database.filename), { recursive: true, force: true });
      }
    },
  };
}

/** A knex handle on one database, for the test's own reads and writes. */
export function open(database: DatabaseConfig): Knex {
  if (database.client === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: database.filename },
      useNullAsDefault: true,
    });
  }
  return knexFactory({
    client: 'pg',
    connection: database.connectionString,
    searchPath: [database.schema],
    pool: { min: 0, max: 2 },
  });
}

/**
 * Every row of the given tables as sorted JSON lines (keys sorted too): two equal dumps mean
 * nothing changed. Kept as text, since the coop tables hold the seed's 50,000 events and
 * comparing that many parsed objects made the refusal tests slow on a loaded machine.
 */
export async function dump(db: Knex, tables: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows: Record<string, unknown>[] = await db(table).select('*');
    out[table] = rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();
  }
  return out;
}

export const DEPOSITORY_TABLES = [
  'applications',
  'releases',
  'adaptations',
  'adaptation_adoptions',
  'application_publiccode',
  'application_users',
  'application_funders',
];
export const PRODUCTION_TABLES = ['open_designs', 'bill_of_materials_lines', 'design_builders', 'emission_factors'];
export const COOP_TABLES = ['shared_assets', 'usage_events', 'usage_bins'];

/** A JSON Schema validator from a file of the standards folder (draft-07, formats checked). */
export function schemaValidator(file: string, edit: (text: string) => string = (text) => text): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(edit(fs.readFileSync(file, 'utf8'))));
}

/** A temporary folder, removed by the caller. */
export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), `commons-${prefix}-`));
