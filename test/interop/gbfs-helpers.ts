/**
 * Shared by the GBFS tests: the official schemas and example feeds (read in place from
 * ../shared/standards/gbfs), the tables the GBFS import writes, and small fixtures.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Knex } from 'knex';
import { schemaValidator, standardsAbsent, standardsFile, tempDir } from './helpers.js';

/** Null when the GBFS folder is there, else why the tests that need it are skipped. */
export const gbfsAbsent = standardsAbsent('gbfs');

export const GBFS_EXAMPLES = {
  v30: () => standardsFile('gbfs', 'examples', 'mobilitydata-fixtures-v3.0'),
  v23: () => standardsFile('gbfs', 'examples', 'mobilitydata-fixtures-v2.3'),
  oslo: () => standardsFile('gbfs', 'examples', 'oslo-bysykkel-v2.3'),
};

/** Every table the GBFS import may write, plus those it must never write (events, assets). */
export const GBFS_TABLES = [
  'gbfs_systems',
  'gbfs_vehicle_types',
  'sharing_hubs',
  'sharing_hub_status',
  'sharing_hub_vehicle_counts',
  'gbfs_free_floating',
  'shared_assets',
  'usage_events',
  'usage_bins',
];

const validators = new Map<string, ValidateFunction>();

/** The official JSON Schema of one GBFS file, compiled once (draft-07, strict: false, formats). */
export function gbfsSchema(version: '2.3' | '3.0', feed: string): ValidateFunction {
  const key = `${version}/${feed}`;
  if (!validators.has(key))
    validators.set(key, schemaValidator(standardsFile('gbfs', 'schemas', `v${version}`, `${feed}.json`)));
  return validators.get(key)!;
}

/** A copy of an example folder in a temp folder, to edit; the caller removes it. */
export function copyExample(source: string, edit?: (dir: string) => void): string {
  const dir = tempDir('gbfs');
  for (const file of fs.readdirSync(source)) fs.copyFileSync(path.join(source, file), path.join(dir, file));
  edit?.(dir);
  return dir;
}

/** Reads, changes and writes back one JSON file of a folder. */
export function editJson(dir: string, file: string, change: (json: any) => void): void {
  const full = path.join(dir, file);
  const json = JSON.parse(fs.readFileSync(full, 'utf8'));
  change(json);
  fs.writeFileSync(full, JSON.stringify(json));
}

/** Adds a platform co-op with no assets, for imports into a "fresh co-op". */
export async function addCoop(db: Knex, id: string, cityId = 'paris'): Promise<void> {
  await db('platform_cooperatives').insert({
    id,
    name: `Test co-op ${id}`,
    description: 'Created by a GBFS test.',
    website: null,
    founded_year: 2024,
    illustrative: true,
    city_id: cityId,
    application_id: null,
  });
}

export const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, 'utf8'));
