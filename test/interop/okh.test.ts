/**
 * Open Know-How import and export on fresh copies of the seeded databases: the standards
 * folder's samples import with the outcomes written below (read from each sample), bad
 * manifests change nothing, non-commercial licences are not open hardware, unknown materials
 * are rejected lines, and every seeded design exports to an okh.toml that validates against
 * the official schema and imports back to the same design.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import { runExport, runImport } from '../../scripts/interop/run.js';
import {
  PRODUCTION_TABLES,
  dump,
  freshDatabases,
  open,
  schemaValidator,
  standardsAbsent,
  standardsFile,
  tempDir,
} from './helpers.js';

const absent = standardsAbsent('okh');
const BASE_URL = 'https://graph.example.org';

let databases: Record<SubgraphName, DatabaseConfig>;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const fresh = await freshDatabases();
  databases = fresh.databases;
  cleanups.push(fresh.remove);
});
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

function write(name: string, text: string): string {
  const dir = tempDir('okh');
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A valid okh.toml, with lines appended or a key left out. */
function manifest(extra = '', leaveOut: string[] = []): string {
  const lines = [
    'okhv = "2.4"',
    'name = "Commons Trailer"',
    'repo = "https://git.example.org/commons-trailer"',
    'version = "1.0.0"',
    'license = "CERN-OHL-S-2.0"',
    'licensor = "Commons Trailer contributors"',
    'function = "Bike trailer for 60 kg of goods."',
    'technology-readiness-level = "OTRL-4"',
  ].filter((line) => !leaveOut.includes(line.split(' ')[0]!));
  return `${lines.join('\n')}\n${extra}`;
}

const PARTS = `
[[part]]
name = "Steel"
source = "frame.FCStd"
mass = 9500

[[part]]
name = "rubber"
export = "tyre.stl"
mass = 1200.5

[[part]]
name = "Unobtainium"
source = "magic.scad"
mass = 10

[[part]]
name = "Aluminium"
source = "rack.scad"
`;

describe.skipIf(absent)('OKH samples of the standards folder', () => {
  it('okh-TEMPLATE.toml (okhv 2.4): needs --asset-kind; with it, created, its one part rejected as no known material', async () => {
    const file = standardsFile('okh', 'samples', 'okh-TEMPLATE.toml');
    const db = open(databases.production);
    try {
      const before = await dump(db, PRODUCTION_TABLES);
      const [without] = await runImport('okh', file, { databases });
      expect(without!.records).toEqual([
        expect.objectContaining({
          key: 'your-awesome-OSH',
          status: 'rejected',
          reason: expect.stringMatching(/^asset kind: OKH does not say/),
        }),
      ]);
      expect(await dump(db, PRODUCTION_TABLES)).toEqual(before);

      const [report] = await runImport('okh', file, { databases, assetKind: 'TOOL' });
      // Its single [[part]] is named "your-awesome-part", which names no material.
      expect(report!.records.map((record) => [record.key, record.status])).toEqual([
        ['your-awesome-OSH', 'created'],
        ['your-awesome-OSH/part[0]', 'rejected'],
      ]);
      expect(report!.records[1]!.reason).toMatch(/^name: "your-awesome-part" is no known material/);
      expect(await db('open_designs').where('id', 'your-awesome-osh').first()).toMatchObject({
        name: 'your-awesome-OSH',
        asset_kind: 'TOOL',
        license: 'AGPL-3.0-or-later',
        open_hardware: 1,
        repository_url: 'https://gitlab.com/YOU/your-awesome-project/',
        version: '1.0.0',
        steward: 'Joel Doe', // the template's e-mail address is not stored
        technology_readiness_level: 'OTRL-3',
        documentation_readiness_level: 'ODRL-3',
        fork_of: null,
        manufacturing_energy_kwh: 0,
        transport_km: 0,
      });
      expect(await db('bill_of_materials_lines').where('design_id', 'your-awesome-osh')).toEqual([]);
      const again = await runImport('okh', file, { databases, assetKind: 'TOOL' });
      expect(again[0]!.records.map((record) => record.status)).toEqual(['unchanged', 'rejected']);
    } finally {
      await db.destroy();
    }
  });

  it('v1 okh.yml samples: AgroCircle imported (its repeated key reported), the nanopositioner and the template rejected', async () => {
    const files = await runImport('okh', standardsFile('okh', 'samples', 'v1'), { databases, assetKind: 'TOOL' });
    const byName = Object.fromEntries(files.map((file) => [path.basename(file.file), file]));
    // agrocircle.okh.yml repeats the top-level `project-link` (lines 35 and 36): the first is read, and reported.
    expect(byName['agrocircle.okh.yml']!.records[0]).toMatchObject({
      status: 'created',
      notes: expect.arrayContaining(['project-link is given 2 times (lines 35, 36): the first is read']),
    });
    // The nanopositioner states no licence and no licensor.
    expect(byName['okh-xyz-nanopositioner.yml']!.records).toEqual([
      expect.objectContaining({
        key: 'XYZ Nanopositioner (Piezo motor)',
        status: 'rejected',
        reason: expect.stringMatching(/^license: missing \(mandatory\); licensor: missing/),
      }),
    ]);
    // The v1 template's `[value]` placeholders are lists, not texts or URLs.
    const template = byName['okh-YourHardwareName.yml']!.records[0]!;
    expect(template.status).toBe('rejected');
    expect(template.reason).toMatch(/title \(line \d+\): must be text, got a list/);
    expect(template.reason).toMatch(/license\.hardware \(line \d+\): must be an SPDX licence id/);
  });
});

describe('OKH manifests', () => {
  it('parts become bill-of-materials lines by material; unknown materials and missing masses are rejected lines', async () => {
    const [report] = await runImport('okh', write('okh.toml', manifest(PARTS)), { databases, assetKind: 'CARGO_BIKE' });
    expect(report!.records.map((record) => [record.key, record.status])).toEqual([
      ['Commons Trailer', 'created'],
      ['Commons Trailer/part[2]', 'rejected'],
      ['Commons Trailer/part[3]', 'rejected'],
    ]);
    expect(report!.records[1]!.reason).toMatch(/"Unobtainium" is no known material/);
    expect(report!.records[2]!.reason).toMatch(/^mass: missing/);
    const db = open(databases.production);
    try {
      expect(await db('bill_of_materials_lines').where('design_id', 'commons-trailer').orderBy('position')).toEqual([
        { design_id: 'commons-trailer', position: 1, emission_factor_id: 'steel', mass_kg: 9.5 },
        { design_id: 'commons-trailer', position: 2, emission_factor_id: 'rubber', mass_kg: 1.2005 },
      ]);
      expect(await db('open_designs').where('id', 'commons-trailer').first()).toMatchObject({
        open_hardware: 1,
        technology_readiness_level: 'OTRL-4',
        asset_kind: 'CARGO_BIKE',
      });
    } finally {
      await db.destroy();
    }
  });

  it('a NonCommercial licence is not open hardware, and the note says why', async () => {
    const text = manifest('fork-of = "https://n55.dk/MANUALS/SPACEFRAMEVEHICLES/XYZCARGO.html"\n', [
      'license',
      'name',
      'repo',
    ]).concat(
      'name = "XYZ CARGO Bike, Ghent variant"\nrepo = "https://git.example.org/xyz-gent"\nlicense = "CC-BY-NC-SA-4.0"\n',
    );
    const [report] = await runImport('okh', write('okh.toml', text), { databases, assetKind: 'CARGO_BIKE' });
    expect(report!.records[0]).toMatchObject({ status: 'created', entity: 'OpenDesign xyz-cargo-bike-ghent-variant' });
    expect(report!.records[0]!.notes).toContain('fork of design xyz-cargo-trike');
    const db = open(databases.production);
    try {
      const row = await db('open_designs').where('id', 'xyz-cargo-bike-ghent-variant').first();
      expect(row).toMatchObject({
        open_hardware: 0,
        fork_of: 'https://n55.dk/MANUALS/SPACEFRAMEVEHICLES/XYZCARGO.html',
      });
      expect(row.license_note).toMatch(/NonCommercial or NoDerivatives clause restricts use/);
    } finally {
      await db.destroy();
    }
  });

  const REFUSED: [string, string, RegExp][] = [
    ['no okhv', manifest('', ['okhv']), /okhv is missing/],
    ['an unknown okhv', manifest().replace('okhv = "2.4"', 'okhv = "3.0"'), /unsupported okhv "3\.0"/],
    ['malformed TOML', manifest('name = "twice"\n'), /malformed TOML at line 9/],
    ['not TOML at all', '{ "okhv": "2.4" }', /malformed TOML at line 1/],
  ];
  it.each(REFUSED)('%s: refused as a whole', async (_, text, reason) => {
    const [report] = await runImport('okh', write('okh.toml', text), { databases, assetKind: 'TOOL' });
    expect(report!.refused).toMatch(reason);
  });

  const REJECTED: [string, string, RegExp][] = [
    ['no licence', manifest('', ['license']), /^license: missing \(mandatory\)$/],
    [
      'a licence in words',
      manifest('', ['license']) + 'license = "CC BY-SA 4.0"\n',
      /license: "CC BY-SA 4.0" is not an SPDX licence id/,
    ],
    [
      'a licence of its own',
      manifest('', ['license']) + 'license = "LicenseRef-NOASSERTION"\n',
      /licence of the document's own/,
    ],
    ['no repo', manifest('', ['repo']), /^repo: missing \(mandatory\)$/],
    [
      'a bad readiness level',
      manifest('documentation-readiness-level = "ODRL-9"\n'),
      /documentation-readiness-level: must be one of ODRL-1/,
    ],
    ['no function and no licensor', manifest('', ['function', 'licensor']), /licensor: missing.*function: missing/],
  ];
  it.each(REJECTED)('%s: rejected, nothing written', async (_, text, reason) => {
    const db = open(databases.production);
    try {
      const before = await dump(db, PRODUCTION_TABLES);
      const [report] = await runImport('okh', write('okh.toml', text), { databases, assetKind: 'TOOL' });
      expect(report!.records).toHaveLength(1);
      expect(report!.records[0]!.status).toBe('rejected');
      expect(report!.records[0]!.reason).toMatch(reason);
      expect(await dump(db, PRODUCTION_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });
});

describe('exports: every seeded open design', () => {
  let exported: { path: string; content: string }[];
  let dir: string;
  let databases: Record<SubgraphName, DatabaseConfig>;

  beforeAll(async () => {
    const fresh = await freshDatabases();
    cleanups.push(fresh.remove);
    databases = fresh.databases;
    exported = await runExport('okh', { databases, baseUrl: BASE_URL });
    dir = tempDir('okh-export');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const file of exported) fs.writeFileSync(path.join(dir, file.path), file.content);
  });

  it('writes one okh.toml per design, each valid against the official OKH schema', async () => {
    const db = open(databases.production);
    try {
      expect(exported.map((file) => file.path)).toEqual(
        (await db('open_designs').orderBy('id').select('id')).map((row: { id: string }) => `${row.id}.okh.toml`),
      );
    } finally {
      await db.destroy();
    }
    if (absent) return;
    const validate = schemaValidator(standardsFile('okh', 'okh.schema.json'));
    for (const file of exported) {
      const valid = validate(parseToml(file.content));
      expect(valid ? [] : validate.errors, file.path).toEqual([]);
    }
  });

  it('import(export(x)) == x: importing the exports back changes nothing', async () => {
    const db = open(databases.production);
    try {
      const before = await dump(db, PRODUCTION_TABLES);
      const files = await runImport('okh', dir, { databases });
      expect(files.map((file) => file.records.map((record) => [record.status, record.notes]))).toEqual(
        files.map(() => [['unchanged', []]]),
      );
      expect(await dump(db, PRODUCTION_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it('the exports restore every field they carry when the designs were changed', async () => {
    const fresh = await freshDatabases();
    cleanups.push(fresh.remove);
    const db = open(fresh.databases.production);
    try {
      const before = await dump(db, PRODUCTION_TABLES);
      await db('open_designs').update({
        description: 'x',
        version: 'x',
        steward: 'x',
        technology_readiness_level: 'OTRL-1',
      });
      await db('bill_of_materials_lines').where('position', 2).update({ mass_kg: 999 });
      await db('bill_of_materials_lines').where('position', 1).delete();
      const files = await runImport('okh', dir, { databases: fresh.databases });
      expect(new Set(files.map((file) => file.records[0]!.status))).toEqual(new Set(['updated']));
      expect(await dump(db, PRODUCTION_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it('into a database without the designs, the exports create them with the same fields and bills of materials', async () => {
    const fresh = await freshDatabases();
    cleanups.push(fresh.remove);
    const original = open(databases.production);
    const db = open(fresh.databases.production);
    try {
      for (const table of [
        'run_assets',
        'production_runs',
        'design_builders',
        'bill_of_materials_lines',
        'open_designs',
      ]) {
        await db(table).delete();
      }
      for (const design of await original('open_designs').select('id', 'asset_kind')) {
        const [report] = await runImport('okh', path.join(dir, `${design.id}.okh.toml`), {
          databases: fresh.databases,
          assetKind: design.asset_kind,
        });
        expect(report!.records[0]).toMatchObject({ status: 'created', entity: `OpenDesign ${design.id}` });
      }
      const carried = [
        'id',
        'name',
        'description',
        'asset_kind',
        'license',
        'open_hardware',
        'repository_url',
        'version',
        'steward',
      ];
      expect(await db('open_designs').select(carried).orderBy('id')).toEqual(
        await original('open_designs').select(carried).orderBy('id'),
      );
      const lines = ['design_id', 'position', 'emission_factor_id', 'mass_kg'];
      expect(await db('bill_of_materials_lines').select(lines).orderBy(['design_id', 'position'])).toEqual(
        await original('bill_of_materials_lines').select(lines).orderBy(['design_id', 'position']),
      );
      // Not carried (docs/open-data.md): manufacturing energy and transport distance, the
      // hand-written licence notes, and which co-ops build each design.
      expect(await db('open_designs').whereNot('manufacturing_energy_kwh', 0).count({ n: '*' })).toEqual([{ n: 0 }]);
      // The seeded designs' figures are illustrative; a manifest's own bill of materials is not.
      expect(await original('open_designs').where('illustrative', false).count({ n: '*' })).toEqual([{ n: 0 }]);
      expect(await db('open_designs').where('illustrative', true).count({ n: '*' })).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
      await original.destroy();
    }
  });
});
