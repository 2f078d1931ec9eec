/**
 * The official publiccode.yml and OKH samples (STANDARDS_DIR), imported as they come: each one
 * imports, or is refused for the reason docs/open-data.md gives it, and every message about a
 * domain or an asset kind names the exact values accepted, which are then accepted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import { RefusedFileError, type RecordReport } from '../../lib/interop.js';
import { UsageError, runImport, type ImportOptions } from '../../scripts/interop/run.js';
import { domainOfCategories, domainOfWord } from '../../subgraphs/depository/interop/publiccode.js';
import { parseOkh } from '../../subgraphs/production/interop/okh.js';
import { assetKindOfWords } from '../../subgraphs/production/interop/okh-mapping.js';
import { freshDatabases, open, standardsAbsent, standardsFile } from './helpers.js';

const absent = standardsAbsent('publiccode') ?? standardsAbsent('okh');

let databases: Record<SubgraphName, DatabaseConfig>;
let remove: () => void;
beforeAll(async () => {
  ({ databases, remove } = await freshDatabases());
});
afterAll(() => remove?.());

/** The one record of importing one file. */
async function importOne(kind: 'publiccode' | 'okh', file: string, options: Partial<ImportOptions> = {}) {
  const [report] = await runImport(kind, file, { databases, ...options });
  expect(report!.refused).toBeUndefined();
  return report!.records[0]!;
}

const publiccodeSamples = () =>
  ['examples', 'real'].flatMap((folder) =>
    fs.readdirSync(standardsFile('publiccode', folder)).map((name) => standardsFile('publiccode', folder, name)),
  );

const ACCEPTED_DOMAINS =
  'MOBILITY, HOUSING, FOOD, ENERGY, TOOLS, CARE (any case), or a scope word: transportation (MOBILITY), energy (ENERGY), agriculture (FOOD), welfare (CARE), healthcare (CARE)';

describe('the domain and asset-kind tables', () => {
  it('maps publiccode scope words and domain names in any case, and the categories about a shared thing', () => {
    expect(domainOfWord('transportation')).toBe('MOBILITY');
    expect(domainOfWord('mobility')).toBe('MOBILITY');
    expect(domainOfWord('Tools')).toBe('TOOLS');
    expect(domainOfWord('boats')).toBeUndefined();
    expect(domainOfCategories(['fleet-management', 'office'])).toBe('MOBILITY');
    expect(domainOfCategories(['property-management'])).toBe('HOUSING');
    expect(domainOfCategories(['it-development', 'integrated-library-system'])).toBeNull();
    expect(domainOfCategories(['fleet-management', 'property-management'])).toBeNull();
  });

  it('refuses an OKH v1 manifest that repeats a key below the top level: no first value is obviously meant', () => {
    const text = 'title: T\ndescription: D\nlicense:\n  hardware: MIT\n  hardware: CERN-OHL-S-2.0\nlicensor: L\n';
    expect(() => parseOkh(text, 'v1')).toThrow(
      new RefusedFileError('malformed YAML at line 5: the key hardware is repeated (lines 4, 5)'),
    );
  });

  it('reads an asset kind from whole words, the specific kind first, and none from several', () => {
    expect(assetKindOfWords(['farming', 'automation'])).toBe('TOOL');
    expect(assetKindOfWords(['An electric cargo bike'])).toBe('CARGO_BIKE');
    expect(assetKindOfWords(['bicycle'])).toBe('BIKE');
    expect(assetKindOfWords(['scarf'])).toBeNull();
    expect(assetKindOfWords(['bike', 'house'])).toBeNull();
  });
});

describe.skipIf(absent)('the official publiccode.yml samples', () => {
  it('names no provisioning domain in any sample: each is refused with the exact --domain values, and changes nothing', async () => {
    const db = open(databases.depository);
    try {
      const before = await db('applications').count({ n: '*' }).first();
      for (const file of publiccodeSamples()) {
        const record = await importOne('publiccode', file);
        expect(record.status, path.basename(file)).toBe('rejected');
        expect(record.reason).toMatch(/^domain: the document names no provisioning domain/);
        expect(record.notes).toContain(`--domain accepts ${ACCEPTED_DOMAINS}`);
      }
      expect(await db('applications').count({ n: '*' }).first()).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it('imports every sample with a scope word the message suggested, or a domain name in any case', async () => {
    for (const [index, file] of publiccodeSamples().entries()) {
      const domain = index % 2 === 0 ? 'transportation' : 'tools';
      const record = await importOne('publiccode', file, { domain });
      // The two upstream examples describe the same url: the second one updates the first.
      expect(['created', 'updated'], `${path.basename(file)}: ${record.reason}`).toContain(record.status);
    }
    await expect(runImport('publiccode', publiccodeSamples()[0]!, { databases, domain: 'boats' })).rejects.toThrow(
      new UsageError(`--domain applies to publiccode and must be one of ${ACCEPTED_DOMAINS}`),
    );
  });
});

describe.skipIf(absent)('the official OKH samples', () => {
  const v1 = (name: string) => standardsFile('okh', 'samples', 'v1', name);

  it('imports the AgroCircle manifest as it comes: its repeated project-link and its licence by name reported', async () => {
    const record: RecordReport = await importOne('okh', v1('agrocircle.okh.yml'));
    expect(record.status).toBe('created');
    expect(record.notes).toEqual(
      expect.arrayContaining([
        'project-link is given 2 times (lines 35, 36): the first is read',
        'license.hardware "Creative Commons Attribution-ShareAlike 4.0 International" is read as the SPDX id CC-BY-SA-4.0',
        "asset kind TOOL, from the manifest's words (--asset-kind sets another)",
      ]),
    );
    const db = open(databases.production);
    try {
      const design = await db('open_designs').where('id', 'fruit-nut-vegetable-carer').first();
      expect(design).toMatchObject({
        asset_kind: 'TOOL',
        license: 'CC-BY-SA-4.0',
        repository_url: 'https://github.com/osegermany/AgroCircle/tree/veg-carer',
      });
    } finally {
      await db.destroy();
    }
  });

  it('refuses the nanopositioner for its missing licence and the v1 template for its placeholders', async () => {
    const nano = await importOne('okh', v1('okh-xyz-nanopositioner.yml'));
    expect(nano).toMatchObject({ status: 'rejected', reason: expect.stringContaining('license: missing (mandatory)') });
    const template = await importOne('okh', v1('okh-YourHardwareName.yml'));
    expect(template).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('title (line 39): must be text'),
    });
  });

  it('asks the okh.toml template for its asset kind with the exact values, and takes one in any case', async () => {
    const file = standardsFile('okh', 'samples', 'okh-TEMPLATE.toml');
    const refused = await importOne('okh', file);
    expect(refused.reason).toContain('--asset-kind (CAR, E_BIKE, BIKE, CARGO_BIKE, HOME, ROOM, TOOL)');
    expect((await importOne('okh', file, { assetKind: 'tool' })).status).toBe('created');
  });
});
