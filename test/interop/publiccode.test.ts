/**
 * publiccode.yml import and export on fresh copies of the seeded databases: every sample of
 * the standards folder imports with the outcome written below (read from the sample, not
 * from the importer's output), bad files change nothing, names are matched exactly and never
 * guessed, and exports of every seeded application and adaptation validate against the
 * official JSON Schema and import back to the same records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import type { FileReport, RecordReport } from '../../lib/interop.js';
import { parseYaml } from '../../subgraphs/depository/interop/publiccode.js';
import { runExport, runImport, type ImportOptions } from '../../scripts/interop/run.js';
import {
  DEPOSITORY_TABLES,
  dump,
  freshDatabases,
  open,
  schemaValidator,
  standardsAbsent,
  standardsFile,
  tempDir,
} from './helpers.js';

const absent = standardsAbsent('publiccode');
const BASE_URL = 'https://graph.example.org';
const NOW = new Date('2026-11-24T12:00:00Z');

/** The one record of a one-document file. */
const only = (files: FileReport[]): RecordReport => {
  expect(files).toHaveLength(1);
  expect(files[0]!.refused).toBeUndefined();
  expect(files[0]!.records).toHaveLength(1);
  return files[0]!.records[0]!;
};

let databases: Record<SubgraphName, DatabaseConfig>;
let remove: () => void;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  ({ databases, remove } = await freshDatabases());
});
afterAll(() => {
  remove();
  cleanups.forEach((cleanup) => cleanup());
});

/** Imports into a fresh copy of the seeded databases of its own. */
async function importFresh(kind: 'publiccode', target: string, options: Partial<ImportOptions> = {}) {
  const fresh = await freshDatabases();
  cleanups.push(fresh.remove);
  const files = await runImport(kind, target, { databases: fresh.databases, now: NOW, ...options });
  return { files, databases: fresh.databases };
}

/** Writes a document into a temporary file and returns its path. */
function write(name: string, text: string): string {
  const dir = tempDir('publiccode');
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A valid 0.4 document, with keys replaced or removed (`undefined`) as a test needs. */
function document(overrides: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    publiccodeYmlVersion: '0.4',
    name: 'Velo Commons',
    url: 'https://git.example.org/velo-commons.git',
    platforms: ['web'],
    developmentStatus: 'beta',
    softwareType: 'standalone/web',
    intendedAudience: { scope: ['transportation'] },
    description: { en: { shortDescription: 'Booking for shared cargo bikes.' } },
    legal: { license: 'EUPL-1.2' },
    maintenance: { type: 'community' },
    localisation: { localisationReady: true, availableLanguages: ['en', 'nl'] },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return JSON.stringify(base, null, 2);
}

describe.skipIf(absent)('publiccode.yml samples of the standards folder', () => {
  const DOMAIN_REASON = /domain: the document names no provisioning domain/;

  it.each([
    'examples/publiccode.minimal.yml',
    'examples/publiccode.yml',
    'real/catala.publiccode.yml',
    'real/italia-design-comuni-pagine-statiche.publiccode.yml',
    'real/italia-design-react-kit.publiccode.yml',
    'schema/schemastore-tests/minimum.json',
    'schema/schemastore-tests/extended.json',
  ])('%s names no provisioning domain: rejected, nothing written, unless --domain gives one', async (sample) => {
    // None of them has an intendedAudience.scope that names a domain (the full example's is
    // science-and-technology), and none is a provisioning system: rejected, with the reason.
    const { files, databases: dbs } = await importFresh('publiccode', standardsFile('publiccode', sample));
    const record = only(files);
    expect(record.status).toBe('rejected');
    expect(record.reason).toMatch(DOMAIN_REASON);
    const db = open(dbs.depository);
    try {
      expect(await db('applications').count({ n: '*' })).toEqual([{ n: 7 }]);
    } finally {
      await db.destroy();
    }
  });

  /** What each sample gives with --domain TOOLS, written from reading the sample. */
  const EXPECTED: {
    sample: string;
    id: string;
    name: string;
    summary: RegExp;
    website: string | null;
    release: [string, string] | null;
    keys: Record<string, unknown> | null;
    notes: RegExp[];
  }[] = [
    {
      sample: 'examples/publiccode.minimal.yml',
      id: 'medusa',
      name: 'Medusa',
      summary: /^A rather short description which is probably useless$/,
      website: null,
      release: null,
      keys: { development_status: 'development', software_type: 'standalone/desktop', maintenance_type: 'community' },
      notes: [],
    },
    {
      sample: 'examples/publiccode.yml',
      id: 'medusa',
      name: 'Medusa',
      summary: /^This description can have a maximum 150 characters long\..*End$/,
      website: 'https://example.com/italia/medusa',
      release: ['1.0', '2017-04-15'],
      keys: {
        platforms: '["android","ios"]',
        categories: '["content-management","office"]',
        maintenance_type: 'contract',
      },
      notes: [
        /^isBasedOn https:\/\/github.com\/italia\/otello.git is not in the depository/,
        /^organisation "Roma Capitale" .* is no known protocol cooperative/,
        /^usedBy "Comune di Firenze" matches no city/,
        /^usedBy "Comune di Roma" matches no city/,
      ],
    },
    {
      sample: 'real/catala.publiccode.yml',
      id: 'catala',
      name: 'Catala',
      summary: /^Domain-specific programming language designed for deriving correct-by-construction/,
      website: 'https://catala-lang.org',
      release: ['1.2.1', '2026-05-29'],
      keys: { development_status: 'stable', maintenance_type: 'internal', available_languages: '["en","fr"]' },
      notes: [
        /^fundedBy "Institut National de Recherche en Informatique et en Automatique \(INRIA\)".* no known protocol cooperative/,
        /^fundedBy "Caisse Nationale d'Allocations Familiales \(CNAF\)".* no known protocol cooperative/,
        /^usedBy "Direction Générale des Finances Publiques \(DGFiP\)" matches no city/,
        /^usedBy "Caisse Nationale d'Allocations Familiales \(CNAF\)" matches no city/,
      ],
    },
    {
      // Version 0.2 with a lowercase `it:` section the schema refuses; its core keys are fine.
      sample: 'real/italia-design-comuni-pagine-statiche.publiccode.yml',
      id: 'sito-web-e-servizi-digitali-dei-comuni-italiani',
      name: 'Sito web e servizi digitali dei Comuni Italiani',
      summary: /^I template HTML del modello per i siti web e i servizi digitali dei Comuni Italiani$/,
      website: null,
      release: ['v2.4.0', '2024-09-05'],
      keys: { description_language: 'it', categories: '["it-development"]' },
      notes: [],
    },
    {
      sample: 'real/italia-design-react-kit.publiccode.yml',
      id: 'design-react-kit',
      name: 'Design React Kit',
      summary: /^Libreria di componenti React per sviluppare interfacce web accessibili/,
      website: null,
      release: ['v5.10.0', '2026-03-17'],
      keys: { description_language: 'it-IT', software_type: 'library', localisation_ready: 0 },
      notes: [/^organisation "Dipartimento per la trasformazione digitale" .* is no known protocol cooperative/],
    },
    {
      sample: 'schema/schemastore-tests/minimum.json',
      id: 'medusa',
      name: 'Medusa',
      summary: /^A rather short description which is probably useless$/,
      website: null,
      release: null,
      keys: { development_status: 'development' },
      notes: [],
    },
    {
      sample: 'schema/schemastore-tests/extended.json',
      id: 'medusa',
      name: 'Medusa',
      summary: /^This description can have a maximum 150 characters long\..*End$/,
      website: 'https://example.com/italia/medusa',
      release: ['1.0', '2017-04-15'],
      keys: { maintenance_type: 'contract', available_languages: '["en","it","fr","de"]' },
      notes: [
        /^isBasedOn https:\/\/github.com\/italia\/otello.git is not in the depository/,
        /^organisation "Dipartimento Trasformazione Digitale" .* is no known protocol cooperative/,
        /^fundedBy "Dipartimento Trasformazione Digitale" .* is no known protocol cooperative/,
        /^usedBy "Comune di Firenze" matches no city/,
        /^usedBy "Comune di Roma" matches no city/,
      ],
    },
  ];

  it.each(EXPECTED)('$sample with --domain TOOLS: created as $id', async (expected) => {
    const { files, databases: dbs } = await importFresh('publiccode', standardsFile('publiccode', expected.sample), {
      domain: 'TOOLS',
    });
    const record = only(files);
    expect(record).toMatchObject({ status: 'created', entity: `CommonsApplication ${expected.id}` });
    expect(record.notes).toHaveLength(expected.notes.length);
    expected.notes.forEach((note, index) => expect(record.notes[index]).toMatch(note));
    const db = open(dbs.depository);
    try {
      const row = await db('applications').where('id', expected.id).first();
      expect(row).toMatchObject({ name: expected.name, domain: 'TOOLS', website: expected.website, illustrative: 0 });
      expect(row.summary).toMatch(expected.summary);
      const releases = await db('releases').where('application_id', expected.id).select('version', 'released_on');
      expect(releases).toEqual(
        expected.release ? [{ version: expected.release[0], released_on: expected.release[1] }] : [],
      );
      const keys = await db('application_publiccode').where('application_id', expected.id).first();
      if (expected.keys) expect(keys).toMatchObject(expected.keys);
    } finally {
      await db.destroy();
    }
  });

  it('a folder of samples: two files describing one url are both rejected, a second import changes nothing', async () => {
    const dir = standardsFile('publiccode');
    const statuses = async () => {
      const files = await runImport('publiccode', dir, { databases, domain: 'TOOLS', now: NOW });
      return Object.fromEntries(files.map((file) => [path.relative(dir, file.file), file.records[0]!]));
    };
    const first = await statuses();
    // The minimal and the full example both describe https://example.com/italia/medusa.git:
    // which one is right cannot be told, so neither is imported. (The folder holds only .yml
    // files; the SchemaStore tests are .json.)
    expect(first['examples/publiccode.minimal.yml']!.reason).toMatch(
      /^url: also described by .*examples\/publiccode\.yml/,
    );
    expect(Object.fromEntries(Object.entries(first).map(([file, record]) => [file, record.status]))).toEqual({
      'examples/publiccode.minimal.yml': 'rejected',
      'examples/publiccode.yml': 'rejected',
      'real/catala.publiccode.yml': 'created',
      'real/italia-design-comuni-pagine-statiche.publiccode.yml': 'created',
      'real/italia-design-react-kit.publiccode.yml': 'created',
    });
    const db = open(databases.depository);
    try {
      const before = await dump(db, DEPOSITORY_TABLES);
      const second = await statuses();
      expect(Object.values(second).map((record) => record.status)).toEqual([
        'rejected',
        'rejected',
        'unchanged',
        'unchanged',
        'unchanged',
      ]);
      expect(await dump(db, DEPOSITORY_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });
});

describe('bad publiccode.yml files change nothing', () => {
  const REFUSED: [string, string, RegExp][] = [
    ['missing version', document({ publiccodeYmlVersion: undefined }), /publiccodeYmlVersion is missing/],
    ['unsupported version 0.7', document({ publiccodeYmlVersion: '0.7' }), /unsupported publiccodeYmlVersion "0\.7"/],
    ['unsupported version 1.0', document({ publiccodeYmlVersion: '1.0' }), /unsupported publiccodeYmlVersion "1\.0"/],
    ['version as a number', document({ publiccodeYmlVersion: 0.4 }), /must be a quoted string/],
    ['malformed YAML', 'publiccodeYmlVersion: "0.4"\nname: [unclosed\n', /malformed YAML at line \d/],
    [
      'duplicate key',
      'publiccodeYmlVersion: "0.4"\nname: A\nname: B\n',
      /malformed YAML at line 3: Map keys must be unique/,
    ],
    ['not a mapping', '- just\n- a list\n', /not a mapping/],
  ];
  it.each(REFUSED)('%s: the file is refused as a whole', async (_, text, reason) => {
    const files = await runImport('publiccode', write('publiccode.yml', text), { databases, now: NOW });
    expect(files[0]!.refused).toMatch(reason);
    expect(files[0]!.records).toEqual([]);
  });

  const REJECTED: [string, string, RegExp][] = [
    ['missing legal', document({ legal: undefined }), /^legal: missing \(mandatory\)/],
    [
      'missing url and platforms',
      document({ url: undefined, platforms: undefined }),
      /url: missing.*platforms: missing/,
    ],
    [
      'a licence that is not SPDX',
      document({ legal: { license: 'Apache 2' } }),
      /legal\.license \(line \d+\): "Apache 2" is not an SPDX licence/,
    ],
    [
      'a licence of its own',
      document({ legal: { license: 'LicenseRef-Municipal-1.0' } }),
      /licence of the document's own/,
    ],
    [
      'an unknown licence id',
      document({ legal: { license: 'CERN-OHL-X-9.0' } }),
      /"CERN-OHL-X-9\.0" is not an SPDX licence id/,
    ],
    ['a bad status', document({ developmentStatus: 'done' }), /developmentStatus .*must be one of concept/],
    [
      'a version with no date',
      document({ softwareVersion: '1.0.0' }),
      /releaseDate: missing: mandatory once softwareVersion/,
    ],
    [
      'a future release',
      document({ softwareVersion: '1.0.0', releaseDate: '2031-01-01' }),
      /releaseDate .*from 2000-01-01 to today/,
    ],
    [
      'an adaptation made by an unknown city',
      document({
        url: 'https://git.example.org/fork.git',
        isBasedOn: 'https://github.com/openfoodfoundation/openfoodnetwork',
        organisation: { uri: 'https://atlantis.example.org', name: 'Atlantis' },
      }),
      /organisation: "Atlantis" .* is no known city/,
    ],
    [
      'an adaptation naming no city',
      document({
        url: 'https://git.example.org/fork.git',
        isBasedOn: 'https://github.com/openfoodfoundation/openfoodnetwork',
      }),
      /organisation: missing: a new local adaptation must name the city/,
    ],
    [
      'a release that contradicts the recorded one',
      document({
        url: 'https://github.com/openfoodfoundation/openfoodnetwork',
        softwareVersion: 'v5.0.0',
        releaseDate: '2024-10-22',
      }),
      /release v5\.0\.0 is recorded as released on 2024-10-21, the document says 2024-10-22/,
    ],
  ];
  it.each(REJECTED)('%s: rejected with the key at fault', async (_, text, reason) => {
    const db = open(databases.depository);
    try {
      const before = await dump(db, DEPOSITORY_TABLES);
      const record = only(await runImport('publiccode', write('publiccode.yml', text), { databases, now: NOW }));
      expect(record.status).toBe('rejected');
      expect(record.reason).toMatch(reason);
      expect(await dump(db, DEPOSITORY_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });
});

describe('matching applications, adaptations, cities and protocol cooperatives', () => {
  it('takes the domain from intendedAudience.scope, matches usedBy by exact name only, fundedBy to protocol co-ops', async () => {
    const { files, databases: dbs } = await importFresh(
      'publiccode',
      write(
        'velo.yml',
        document({
          usedBy: ['ghent', 'Gent', 'Valencia', 'BARCELONA'],
          fundedBy: [
            { name: 'Open Food Foundation', uri: 'https://example.org/not-its-website' },
            { name: 'Gemeente Gent', uri: 'https://stad.gent' },
          ],
        }),
      ),
    );
    const record = only(files);
    expect(record).toMatchObject({ status: 'created', entity: 'CommonsApplication velo-commons' });
    // "Gent" is Ghent's Dutch name and "Valencia" lacks the accent of "València": never guessed.
    expect(record.notes).toEqual([
      'fundedBy "Gemeente Gent" (https://stad.gent) is no known protocol cooperative: not linked',
      'usedBy "Gent" matches no city: not linked',
      'usedBy "Valencia" matches no city: not linked',
    ]);
    const db = open(dbs.depository);
    try {
      expect(await db('applications').where('id', 'velo-commons').first()).toMatchObject({
        domain: 'MOBILITY',
        repository_url: 'https://git.example.org/velo-commons.git',
        license: 'EUPL-1.2',
      });
      expect(await db('application_users').where('application_id', 'velo-commons').orderBy('city_id')).toEqual([
        { application_id: 'velo-commons', city_id: 'barcelona' },
        { application_id: 'velo-commons', city_id: 'gent' },
      ]);
      expect(await db('application_funders').where('application_id', 'velo-commons')).toEqual([
        { application_id: 'velo-commons', protocol_cooperative_id: 'open-food-foundation' },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('a document based on a known application is a LocalAdaptation; a technical fork keeping the url is the application', async () => {
    const ofn = 'https://github.com/openfoodfoundation/openfoodnetwork';
    const fork = write(
      'fork.yml',
      document({
        name: 'OFN Gent',
        url: 'https://git.example.org/ofn-gent.git',
        isBasedOn: [ofn],
        organisation: { uri: 'https://stad.gent', name: 'Ghent' },
        usedBy: ['Ghent', 'Leuven'],
        legal: { license: 'AGPL-3.0-only' },
        description: { en: { shortDescription: 'Dutch food hubs for Ghent.' } },
      }),
    );
    const { files, databases: dbs } = await importFresh('publiccode', fork);
    const record = only(files);
    expect(record).toMatchObject({ status: 'created', entity: 'LocalAdaptation gent-open-food-network-ofn-gent' });
    const db = open(dbs.depository);
    try {
      expect(await db('adaptations').where('id', 'gent-open-food-network-ofn-gent').first()).toMatchObject({
        application_id: 'open-food-network',
        city_id: 'gent',
        status: 'LOCAL',
        created_on: '2026-11-24',
        repository_url: 'https://git.example.org/ofn-gent.git',
      });
      expect(await db('adaptation_adoptions').where('adaptation_id', 'gent-open-food-network-ofn-gent')).toEqual([
        { adaptation_id: 'gent-open-food-network-ofn-gent', city_id: 'leuven' },
      ]);
      // A technical fork keeps the upstream url: it is the application itself, never an adaptation.
      const technical = write(
        'technical-fork.yml',
        document({ name: 'Open Food Network', url: ofn, isBasedOn: 'https://git.example.org/elsewhere.git' }),
      );
      const adaptationsBefore = await db('adaptations').count({ n: '*' });
      const again = only(await runImport('publiccode', technical, { databases: dbs, now: NOW }));
      expect(again).toMatchObject({ status: 'updated', entity: 'CommonsApplication open-food-network' });
      expect(await db('adaptations').count({ n: '*' })).toEqual(adaptationsBefore);
    } finally {
      await db.destroy();
    }
  });
});

describe('exports: every seeded application and adaptation', () => {
  let exported: { path: string; content: string }[];
  let dir: string;
  let databases: Record<SubgraphName, DatabaseConfig>;

  beforeAll(async () => {
    const fresh = await freshDatabases();
    cleanups.push(fresh.remove);
    databases = fresh.databases;
    exported = await runExport('publiccode', { databases, baseUrl: BASE_URL });
    dir = tempDir('publiccode-export');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const file of exported) {
      fs.mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, file.path), file.content);
    }
  });

  it('writes one document per application and adaptation', async () => {
    const db = open(databases.depository);
    try {
      const apps = (await db('applications').count({ n: '*' }))[0]!.n;
      const adaptations = (await db('adaptations').count({ n: '*' }))[0]!.n;
      expect(exported.filter((file) => file.path.startsWith('applications/'))).toHaveLength(Number(apps));
      expect(exported.filter((file) => file.path.startsWith('adaptations/'))).toHaveLength(Number(adaptations));
    } finally {
      await db.destroy();
    }
  });

  it.skipIf(absent)('every export validates against the official publiccode.yml JSON Schema', () => {
    const validate = schemaValidator(standardsFile('publiccode', 'schema', 'publiccode.schema.json'));
    for (const file of exported) {
      const valid = validate(parseYaml(file.content).value);
      expect(valid ? [] : validate.errors, file.path).toEqual([]);
    }
  });

  it('import(export(x)) == x: importing the exports back reports every record unchanged and changes nothing', async () => {
    const db = open(databases.depository);
    try {
      const before = await dump(db, DEPOSITORY_TABLES);
      const files = await runImport('publiccode', dir, { databases, now: NOW });
      expect(files.map((file) => [file.file, file.records[0]!.status, file.records[0]!.notes])).toEqual(
        files.map((file) => [file.file, 'unchanged', []]),
      );
      expect(await dump(db, DEPOSITORY_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it('the exports restore every field they carry when the records were changed', async () => {
    const fresh = await freshDatabases();
    cleanups.push(fresh.remove);
    const db = open(fresh.databases.depository);
    try {
      const before = await dump(db, DEPOSITORY_TABLES);
      await db('applications').update({
        name: 'x',
        summary: 'x',
        license: 'MIT',
        website: 'https://x.example',
        steward_id: null,
      });
      await db('adaptations').update({ title: 'x', description: 'x' });
      await db('application_publiccode').insert({
        application_id: 'muniride',
        development_status: 'obsolete',
        software_type: 'library',
        platforms: '["ios"]',
        categories: '["blog"]',
        maintenance_type: 'none',
        localisation_ready: true,
        available_languages: '["fr"]',
        description_language: 'fr',
      });
      await db('adaptation_adoptions').where('city_id', 'leuven').delete();
      const files = await runImport('publiccode', dir, { databases: fresh.databases, now: NOW });
      expect(new Set(files.map((file) => file.records[0]!.status))).toEqual(new Set(['updated']));
      const after = await dump(db, DEPOSITORY_TABLES);
      expect(after).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it('into a depository without them, the exports create the same records (fields the standard carries)', async () => {
    const fresh = await freshDatabases();
    cleanups.push(fresh.remove);
    const original = open(databases.depository);
    const db = open(fresh.databases.depository);
    try {
      await db('adaptation_adoptions').delete();
      await db('adaptations').delete();
      await db('releases').delete();
      await db('applications').delete();
      // Applications first (their domain: from intendedAudience.scope, or --domain for HOUSING
      // and TOOLS, which no scope names), then adaptations.
      const apps = await original('applications').select('id', 'domain');
      for (const app of apps) {
        const files = await runImport('publiccode', path.join(dir, 'applications', `${app.id}.publiccode.yml`), {
          databases: fresh.databases,
          domain: app.domain,
          now: NOW,
        });
        expect(only(files)).toMatchObject({ status: 'created', entity: `CommonsApplication ${app.id}` });
      }
      const adaptations = await runImport('publiccode', path.join(dir, 'adaptations'), {
        databases: fresh.databases,
        now: NOW,
      });
      expect(new Set(adaptations.map((file) => file.records[0]!.status))).toEqual(new Set(['created']));

      const carried = {
        applications: ['id', 'name', 'summary', 'domain', 'license', 'repository_url', 'website', 'steward_id'],
        adaptations: ['id', 'application_id', 'city_id', 'title', 'description', 'repository_url'],
        adaptation_adoptions: ['adaptation_id', 'city_id'],
      };
      for (const [table, columns] of Object.entries(carried)) {
        expect(await db(table).select(columns).orderBy(columns), table).toEqual(
          await original(table).select(columns).orderBy(columns),
        );
      }
      // Only each application's newest release is in its publiccode.yml.
      const newest = async (handle: typeof db) =>
        (await handle('releases').select('application_id', 'version', 'released_on').orderBy('released_on', 'desc'))
          .filter(
            (row, index, rows) => rows.findIndex((other) => other.application_id === row.application_id) === index,
          )
          .sort((a, b) => a.application_id.localeCompare(b.application_id));
      expect(await newest(db)).toEqual(await newest(original));
      // Not carried (docs/open-data.md): founding year, the illustrative flag, adaptation status and date.
      expect(await db('applications').whereNotNull('founded_year').count({ n: '*' })).toEqual([{ n: 0 }]);
      expect(await db('adaptations').whereNot('status', 'LOCAL').count({ n: '*' })).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
      await original.destroy();
    }
  });
});
