/**
 * Every import of the official samples (STANDARDS_DIR) that docs/open-data.md documents, typed
 * as a newcomer types it (`npm run import -- …` in the clone, next to the running stack), each
 * with the outcome the docs promise: the exit code (0 imported, 1 rejected or refused) and the
 * word the report line starts with. The OKH outcomes are read from the docs' table of samples.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SampleImport {
  args: string[];
  exit: 0 | 1;
  /** Must appear in the command's output: the report word, or the reason the docs give. */
  says: RegExp;
}

/** The files under a folder, recursively, sorted. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile())
    .sort();
}

/**
 * publiccode.yml: every sample names no domain, so each is rejected with the `--domain` values,
 * and imports with `--domain` given a scope word or a domain name (alternately).
 */
function publiccodeImports(standards: string): SampleImport[] {
  const samples = ['examples', 'real'].flatMap((folder) => filesUnder(path.join(standards, 'publiccode', folder)));
  // All refused first: once a sample is imported, the next one with the same url updates it.
  return [
    ...samples.map((file): SampleImport => ({
      args: ['publiccode', file],
      exit: 1,
      says: /rejected[\s\S]*--domain accepts/,
    })),
    ...samples.map((file, index): SampleImport => ({
      args: ['publiccode', file, '--domain', index % 2 === 0 ? 'transportation' : 'tools'],
      exit: 0,
      says: /created|updated/,
    })),
  ];
}

/**
 * OKH: the docs' table of the official samples (`| \`v1/agrocircle.okh.yml\` | **imported**: … |`),
 * every sample file in it and every row a file; "imports with one" adds the run with `--asset-kind`.
 */
function okhImports(standards: string, openData: string): SampleImport[] {
  const after = openData.slice(openData.indexOf('**The official samples** (`STANDARDS_DIR/okh`')).split('\n');
  const table = after.slice(after.findIndex((line) => line.startsWith('|')));
  const lines = table.slice(
    0,
    table.findIndex((line) => !line.startsWith('|')),
  );
  const rows = lines.flatMap((line) => {
    const match = /^\| `([^`]+)` \| (.+) \|$/.exec(line);
    return match ? [{ name: match[1]!, outcome: match[2]! }] : [];
  });
  const samplesDir = path.join(standards, 'okh', 'samples');
  const files = filesUnder(samplesDir).map((file) => path.relative(samplesDir, file));
  const undocumented = files.filter((file) => !rows.some((row) => row.name === file));
  const missing = rows.filter((row) => !files.includes(row.name)).map((row) => row.name);
  if (undocumented.length > 0 || missing.length > 0 || rows.length === 0)
    throw new Error(
      `docs/open-data.md's table of the official OKH samples and ${samplesDir} disagree: not in the table ${undocumented.join(', ') || '-'}; not on disk ${missing.join(', ') || '-'}`,
    );
  return rows.flatMap(({ name, outcome }): SampleImport[] => {
    const file = path.join(samplesDir, name);
    const imported = outcome.startsWith('**imported**');
    const plain: SampleImport = imported
      ? { args: ['okh', file], exit: 0, says: /created|updated/ }
      : { args: ['okh', file], exit: 1, says: /rejected/ };
    if (!/imports with one/.test(outcome)) return [plain];
    // The design is created; the template's one part names no material, so that line is
    // rejected and the command exits 1, as for any rejected line.
    return [plain, { args: ['okh', file, '--asset-kind', 'tool'], exit: 1, says: /created .*→ OpenDesign/ }];
  });
}

/**
 * GBFS: in the seed world every vehicle co-op already has its system, so the documented imports
 * of the official examples are refusals with the reasons the docs give: a lone
 * `station_status.json` naming none of the co-op's stations, a second system for a MuniRide
 * co-op, and a vehicle feed for a tool library.
 */
function gbfsImports(standards: string): SampleImport[] {
  const examples = path.join(standards, 'gbfs', 'examples');
  return [
    {
      args: ['gbfs', path.join(examples, 'oslo-bysykkel-v2.3', 'station_status.json'), '--coop', 'muniride-gent'],
      exit: 1,
      says: /refused[\s\S]*none of the \d+ stations/,
    },
    {
      args: ['gbfs', path.join(examples, 'mobilitydata-fixtures-v3.0'), '--coop', 'muniride-gent'],
      exit: 1,
      says: /refused[\s\S]*already has GBFS system muniride-gent/,
    },
    {
      args: ['gbfs', path.join(examples, 'mobilitydata-fixtures-v2.3'), '--coop', 'localtools-gent'],
      exit: 1,
      says: /refused[\s\S]*TOOL/,
    },
  ];
}

/** Every documented import of the official samples, publiccode first, then OKH and GBFS. */
export function sampleImports(standards: string, openDataMarkdown: string): SampleImport[] {
  return [...publiccodeImports(standards), ...okhImports(standards, openDataMarkdown), ...gbfsImports(standards)];
}
