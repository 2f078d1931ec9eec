/**
 * The importers and exporters on PostgreSQL (when it answers; the suite says so when it does
 * not): the same records, the same per-record outcomes and the same round trips as on SQLite.
 * The coop database is seeded without usage events to keep this leg quick.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type DatabaseConfig, type SubgraphName } from '../../lib/config.js';
import { prepareDatabase } from '../../seeds/prepare.js';
import { runExport, runImport } from '../../scripts/interop/run.js';
import { dropSchema, postgresDatabase, postgresUnavailable } from '../engines.js';
import { TEST_SEED } from '../harness.js';
import { GBFS_EXAMPLES, GBFS_TABLES, addCoop, gbfsAbsent, gbfsSchema } from './gbfs-helpers.js';
import {
  COOP_TABLES,
  DEPOSITORY_TABLES,
  PRODUCTION_TABLES,
  dump,
  open,
  standardsAbsent,
  standardsFile,
  tempDir,
} from './helpers.js';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`interop: PostgreSQL leg SKIPPED: ${unavailable}`);
const samplesAbsent = standardsAbsent('publiccode');
const NOW = new Date('2026-11-24T12:00:00Z');

describe.skipIf(unavailable)('open-standard import and export on PostgreSQL', () => {
  let databases: Record<SubgraphName, DatabaseConfig>;
  const dirs: string[] = [];

  beforeAll(async () => {
    databases = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, postgresDatabase(name, 'interop')])) as Record<
      SubgraphName,
      DatabaseConfig
    >;
    for (const name of SUBGRAPH_NAMES) {
      await dropSchema(databases[name]);
      await prepareDatabase(name, databases[name], { seed: TEST_SEED, eventCount: 0 });
    }
  });
  afterAll(async () => {
    for (const database of Object.values(databases ?? {})) await dropSchema(database);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Exports into a temporary folder and returns it. */
  async function exportTo(kind: 'publiccode' | 'okh'): Promise<string> {
    const dir = tempDir(`pg-${kind}`);
    dirs.push(dir);
    for (const file of await runExport(kind, { databases, baseUrl: 'https://graph.example.org' })) {
      fs.mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, file.path), file.content);
    }
    return dir;
  }

  it.skipIf(samplesAbsent)(
    'publiccode samples: the same outcomes as on SQLite, and a second import changes nothing',
    async () => {
      const dir = standardsFile('publiccode', 'real');
      const first = await runImport('publiccode', dir, { databases, domain: 'TOOLS', now: NOW });
      expect(first.map((file) => file.records[0]!.status)).toEqual(['created', 'created', 'created']);
      const db = open(databases.depository);
      try {
        const before = await dump(db, DEPOSITORY_TABLES);
        const second = await runImport('publiccode', dir, { databases, domain: 'TOOLS', now: NOW });
        expect(second.map((file) => file.records[0]!.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
        expect(await dump(db, DEPOSITORY_TABLES)).toEqual(before);
      } finally {
        await db.destroy();
      }
    },
  );

  it('publiccode.yml and okh.toml exports import back unchanged', async () => {
    const depository = open(databases.depository);
    const production = open(databases.production);
    try {
      const before = [await dump(depository, DEPOSITORY_TABLES), await dump(production, PRODUCTION_TABLES)];
      const publiccode = await runImport('publiccode', await exportTo('publiccode'), { databases, now: NOW });
      const okh = await runImport('okh', await exportTo('okh'), { databases });
      const statuses = [...publiccode, ...okh].map((file) => file.records.map((record) => record.status).join());
      expect(new Set(statuses)).toEqual(new Set(['unchanged']));
      expect([await dump(depository, DEPOSITORY_TABLES), await dump(production, PRODUCTION_TABLES)]).toEqual(before);
    } finally {
      await depository.destroy();
      await production.destroy();
    }
  });

  it('MDS trips: the same outcomes and bins as on SQLite, idempotent', async () => {
    const fixture = path.join(import.meta.dirname, 'fixtures', 'mds', 'trips-1.2.json');
    const [report] = await runImport('mds-trips', fixture, { databases, coop: 'muniride-gent', now: NOW });
    const counts = { created: 0, rejected: 0 } as Record<string, number>;
    for (const record of report!.records) counts[record.status] = (counts[record.status] ?? 0) + 1;
    expect(counts).toEqual({ created: 6, rejected: 10 });
    const db = open(databases.coop);
    try {
      const bin = await db('usage_bins').where({ platform_cooperative_id: 'muniride-gent', day: '2026-03-02' }).first();
      expect({ uses: Number(bin.uses), members: Number(bin.members), km: Number(bin.km) }).toEqual({
        uses: 6,
        members: 3,
        km: 42.3,
      });
      const before = await dump(db, COOP_TABLES);
      const [again] = await runImport('mds-trips', fixture, { databases, coop: 'muniride-gent', now: NOW });
      expect(again!.records.filter((record) => record.status === 'created')).toEqual([]);
      expect(await dump(db, COOP_TABLES)).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it.skipIf(gbfsAbsent)('GBFS: the 3.0 example imports, re-imports unchanged, and exports back valid', async () => {
    const db = open(databases.coop);
    try {
      await addCoop(db, 'gbfs-pg');
      const [first] = await runImport('gbfs', GBFS_EXAMPLES.v30(), { databases, coop: 'gbfs-pg', now: NOW });
      expect(first!.refused).toBeUndefined();
      expect(new Set(first!.records.map((record) => record.status))).toEqual(new Set(['created']));
      const before = await dump(db, GBFS_TABLES);
      const [again] = await runImport('gbfs', GBFS_EXAMPLES.v30(), { databases, coop: 'gbfs-pg', now: NOW });
      expect(new Set(again!.records.map((record) => record.status))).toEqual(new Set(['unchanged']));
      expect(await dump(db, GBFS_TABLES)).toEqual(before);
      const files = await runExport('gbfs', {
        databases,
        ids: ['muniride-gent', 'gbfs-pg'],
        baseUrl: 'https://graph.example.org',
        now: NOW,
      });
      expect(files).toHaveLength(12);
      for (const file of files) {
        const validate = gbfsSchema('3.0', path.basename(file.path, '.json'));
        expect(validate(JSON.parse(file.content)), `${file.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    } finally {
      await db.destroy();
    }
  });
});
