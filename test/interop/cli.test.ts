/**
 * The command lines, as a person runs them (`npm run import` / `npm run export` call these
 * scripts): databases from the environment, exit codes 0 / 1 / 2, the printed report, GBFS
 * reported as not implemented yet, and an export folder that imports back unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '../../lib/config.js';
import { TEMPLATE_DIR, prepareTemplates } from '../harness.js';
import { runScript } from '../scripts.js';
import { tempDir } from './helpers.js';

let dataDir: string;

beforeAll(async () => {
  await prepareTemplates();
  dataDir = tempDir('cli');
  for (const name of SUBGRAPH_NAMES) {
    fs.copyFileSync(path.join(TEMPLATE_DIR, `${name}.sqlite`), path.join(dataDir, `${name}.sqlite`));
  }
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs a script with the test's databases (never a DATABASE_URL of the environment); returns its exit code and output. */
const run = (script: 'import' | 'export', ...args: string[]) =>
  runScript(script, dataDir, args, {
    nodeEnv: 'test',
    unset: ['DATABASE_URL', ...SUBGRAPH_NAMES.map((name) => `${name.toUpperCase()}_DATABASE_URL`)],
  });

describe('npm run import / export', () => {
  it('refuses a GBFS path that does not exist, or export without --out, with exit code 2', () => {
    expect(run('import', 'gbfs', 'anything')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no such file'),
    });
    expect(run('export', 'gbfs', 'muniride-gent')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give --out'),
    });
  });

  it('refuses a usage error with exit code 2 and changes nothing', () => {
    expect(run('import', 'mds-trips', 'test/interop/fixtures/mds/trips-1.2.json')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('mds-trips needs --coop'),
    });
    expect(run('import', 'okh', 'no/such/file.toml')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no such file'),
    });
    expect(run('export', 'okh')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run export') });
  });

  it('exits 1, not the usage code 2, when the data cannot give what a well-formed command asks', () => {
    expect(run('export', 'publiccode', 'no-such-app')).toMatchObject({
      code: 1,
      stderr: 'nothing to export with id no-such-app\n',
    });
    const out = tempDir('cli-gbfs-none');
    try {
      expect(run('export', 'gbfs', 'fairbnb-bologna', '--out', out)).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('shares no vehicles'),
      });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect(run('export', 'okh')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('(give the ids of the records to export, or --all)'),
    });
  });

  it('prints one line per record and exits 1 when a record is rejected', () => {
    const result = run('import', 'mds-trips', 'test/interop/fixtures/mds/trips-1.2.json', '--coop', 'muniride-gent');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}created +00000001-2222-4222-8222-222222222222 \[trips\[0\]\]$/m);
    expect(result.stdout).toMatch(
      /^ {2}rejected +00000006-2222-4222-8222-222222222222 \[trips\[5\]\]\n +reason: trip_distance: must not be negative/m,
    );
    expect(result.stdout).toMatch(/^6 created, 0 updated, 0 unchanged, 10 rejected in 1 file\(s\)$/m);
  });

  it('exports every design to a folder that imports back unchanged, with exit code 0', () => {
    const out = tempDir('cli-export');
    try {
      const exported = run('export', 'okh', '--all', '--out', out);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toMatch(/^wrote 9 file\(s\) under /);
      const imported = run('import', 'okh', out, '--json');
      expect(imported.code).toBe(0);
      const files = JSON.parse(imported.stdout) as { records: { status: string }[] }[];
      expect(files.flatMap((file) => file.records.map((record) => record.status))).toEqual(Array(9).fill('unchanged'));
      const single = run('export', 'publiccode', 'muniride', '--base-url', 'https://graph.example.org');
      expect(single.code).toBe(0);
      expect(single.stdout).toMatch(/^url: https:\/\/graph\.example\.org\/data\/applications\/muniride\.json$/m);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
