/**
 * The import and export commands as functions (scripts/import.ts and scripts/export.ts are
 * their command lines; tests call these directly). The tool runs outside the services: it
 * opens the database of the subgraph it writes, migrating it first, and reads the league
 * database to match city and protocol-cooperative names, never writing to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { isPostgres, type DatabaseConfig, type SubgraphName } from '../../lib/config.js';
import { migrateToLatest, openDatabase, type Migration } from '../../lib/db.js';
import { RefusedFileError, type FileReport, type LeagueDirectory, type RecordReport } from '../../lib/interop.js';
import { migrations as coopMigrations } from '../../subgraphs/coop/db/migrations/index.js';
import { importGbfs } from '../../subgraphs/coop/interop/gbfs-apply.js';
import { importMdsTrips } from '../../subgraphs/coop/interop/mds-apply.js';
import { checkCoopSharesVehicles } from '../../subgraphs/coop/interop/gbfs-fit.js';
import { parseGbfsSystem, parseLoneStationStatus, type GbfsParse } from '../../subgraphs/coop/interop/gbfs.js';
import {
  GbfsNotPublishedError,
  buildGbfsFeeds,
  publishableGbfsCoopIds,
} from '../../subgraphs/coop/interop/gbfs-export.js';
import { parseMdsTrips } from '../../subgraphs/coop/interop/mds.js';
import { migrations as depositoryMigrations } from '../../subgraphs/depository/db/migrations/index.js';
import { importPubliccodeDocument, loadPubliccodeExports } from '../../subgraphs/depository/interop/apply.js';
import {
  DOMAIN_WORDS_TEXT,
  domainOfCategories,
  domainOfWord,
  parsePubliccode,
  toPubliccodeYaml,
  type PubliccodeParse,
} from '../../subgraphs/depository/interop/publiccode.js';
import { migrations as productionMigrations } from '../../subgraphs/production/db/migrations/index.js';
import { ASSET_KINDS, importOkhDocument, loadOkhExports } from '../../subgraphs/production/interop/apply.js';
import { parseOkh, toOkhToml } from '../../subgraphs/production/interop/okh.js';

/** Kinds the import command knows. */
export const IMPORT_KINDS = ['publiccode', 'okh', 'mds-trips', 'gbfs'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const EXPORT_KINDS = ['publiccode', 'okh', 'gbfs'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** A problem with the command line itself: reported with exit code 2, nothing read or written. */
export class UsageError extends Error {}

/**
 * A well-formed command the data cannot satisfy (an id no record has, a co-op that publishes
 * no GBFS feeds): reported with exit code 1, like a rejected record, nothing written.
 */
export class DataConditionError extends Error {}

const MIGRATIONS: Partial<Record<SubgraphName, Record<string, Migration>>> = {
  depository: depositoryMigrations,
  production: productionMigrations,
  coop: coopMigrations,
};

/** The files an import reads: the file given, or every file with a matching extension under the folder, sorted. */
export function collectFiles(kind: ImportKind, target: string): string[] {
  const extensions: Record<ImportKind, string[]> = {
    publiccode: ['.yml', '.yaml'],
    okh: ['.toml', '.yml', '.yaml'],
    'mds-trips': ['.json'],
    gbfs: ['.json'],
  };
  if (!fs.existsSync(target)) throw new UsageError(`${target}: no such file or folder`);
  if (fs.statSync(target).isFile()) return [target];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (extensions[kind].some((extension) => entry.name.toLowerCase().endsWith(extension))) files.push(full);
    }
  };
  walk(target);
  return files;
}

/** Opens a subgraph's database and brings it to the latest migration. */
async function openMigrated(name: SubgraphName, database: DatabaseConfig): Promise<Knex> {
  const db = openDatabase(database);
  try {
    await migrateToLatest(db, name, MIGRATIONS[name]!, database);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * Reads cities and protocol cooperatives from the league database, read-only. A league
 * database that does not exist yet (no SQLite file, no tables) gives an empty directory:
 * names are then reported unmatched, and no file is created.
 */
export async function loadLeagueDirectory(database: DatabaseConfig): Promise<LeagueDirectory> {
  const empty: LeagueDirectory = { available: false, cities: [], protocolCooperatives: [] };
  if (!isPostgres(database) && (database.filename === ':memory:' || !fs.existsSync(database.filename))) return empty;
  const db = openDatabase(database);
  try {
    if (!(await db.schema.hasTable('cities')) || !(await db.schema.hasTable('protocol_cooperatives'))) return empty;
    const [cities, protocolCooperatives] = await Promise.all([
      db('cities').select('id', 'name').orderBy('id'),
      db('protocol_cooperatives').select('id', 'name', 'website').orderBy('id'),
    ]);
    return { available: cities.length > 0, cities, protocolCooperatives };
  } finally {
    await db.destroy();
  }
}

export interface ImportOptions {
  databases: Record<SubgraphName, DatabaseConfig>;
  /** mds-trips: the platform co-op the trips are usage of. */
  coop?: string;
  /** publiccode: the provisioning domain of new applications whose document names none. */
  domain?: string;
  /** okh: the asset kind of new designs. */
  assetKind?: string;
  now?: Date;
  /** Progress of long imports (MDS trips): done out of total. */
  onProgress?: (done: number, total: number) => void;
}

/** Checks an import's options for its kind before anything is opened. */
function checkOptions(kind: ImportKind, options: ImportOptions): void {
  if (kind === 'mds-trips' && !options.coop) throw new UsageError('mds-trips needs --coop <platform co-op id>');
  if (kind !== 'mds-trips' && kind !== 'gbfs' && options.coop)
    throw new UsageError('--coop applies to mds-trips and gbfs only');
  if (options.domain !== undefined && (kind !== 'publiccode' || !domainOfWord(options.domain))) {
    throw new UsageError(`--domain applies to publiccode and must be one of ${DOMAIN_WORDS_TEXT}`);
  }
  if (options.assetKind !== undefined && (kind !== 'okh' || !ASSET_KINDS.includes(options.assetKind.toUpperCase()))) {
    throw new UsageError(`--asset-kind applies to okh and must be one of ${ASSET_KINDS.join(', ')}`);
  }
}

/**
 * Imports a file or a folder of files of one kind and returns one report per file. Each
 * file is imported in its own transaction: a refused file changes nothing, and importing the
 * same files again reports every record unchanged.
 */
export async function runImport(kind: ImportKind, target: string, options: ImportOptions): Promise<FileReport[]> {
  checkOptions(kind, options);
  if (kind === 'gbfs') return importGbfsTargets(collectGbfsTargets(target), options);
  const files = collectFiles(kind, target);
  if (kind === 'publiccode') return importPubliccodeFiles(files, options);
  if (kind === 'okh') return importOkhFiles(files, options);
  return importMdsFiles(files, options);
}

const readFile = (file: string) => fs.readFileSync(file, 'utf8');

async function importPubliccodeFiles(files: readonly string[], options: ImportOptions): Promise<FileReport[]> {
  const directory = await loadLeagueDirectory(options.databases.league);
  const db = await openMigrated('depository', options.databases.depository);
  try {
    const parsed = files.map((file): { file: string; parse?: PubliccodeParse; refused?: string } => {
      try {
        return { file, parse: parsePubliccode(readFile(file), options.now) };
      } catch (error) {
        if (error instanceof RefusedFileError) return { file, refused: error.message };
        throw error;
      }
    });
    // Applications before adaptations, so a folder can hold an application and its adaptations.
    const basedOn = (entry: (typeof parsed)[number]) =>
      entry.parse?.ok && entry.parse.document.isBasedOn.length > 0 ? 1 : 0;
    const order = [...parsed].sort((a, b) => basedOn(a) - basedOn(b));
    // Two files of one import describing the same url: which one is right cannot be told.
    const filesOfUrl = new Map<string, string[]>();
    for (const entry of parsed) {
      if (entry.parse?.ok)
        filesOfUrl.set(entry.parse.document.url, [...(filesOfUrl.get(entry.parse.document.url) ?? []), entry.file]);
    }
    const reports = new Map<string, FileReport>();
    for (const entry of order) {
      const report: FileReport = { file: entry.file, records: [], notes: [] };
      const others = entry.parse?.ok
        ? filesOfUrl.get(entry.parse.document.url)!.filter((file) => file !== entry.file)
        : [];
      if (entry.refused) report.refused = entry.refused;
      else if (others.length > 0) {
        report.records.push({
          key: entry.parse!.key,
          status: 'rejected',
          reason: `url: also described by ${others.join(', ')} in this import; which one is right cannot be told, so none is imported (import them one at a time)`,
          notes: [],
        });
      } else if (!entry.parse!.ok) {
        report.records.push({
          key: entry.parse!.key,
          status: 'rejected',
          reason: entry.parse!.problems.join('; '),
          notes: [],
        });
      } else {
        const document = entry.parse!.document;
        // --domain first, then what the categories name; the scope, when it names one, wins in apply.
        const domain =
          options.domain !== undefined
            ? domainOfWord(options.domain)
            : (domainOfCategories(document.categories) ?? undefined);
        const record = await importPubliccodeDocument(db, document, { directory, domain, now: options.now });
        if (record.status === 'rejected' && !domain && record.reason?.includes('domain:'))
          record.notes.push(`--domain accepts ${DOMAIN_WORDS_TEXT}`);
        report.records.push(record);
      }
      reports.set(entry.file, report);
    }
    return files.map((file) => reports.get(file)!);
  } finally {
    await db.destroy();
  }
}

/** One file's report: what `run` imported, or the reason the whole file was refused (nothing changed). */
async function reportOf(
  file: string,
  run: () => Promise<{ records: RecordReport[]; notes: string[] }>,
): Promise<FileReport> {
  try {
    const { records, notes } = await run();
    return { file, records, notes };
  } catch (error) {
    if (!(error instanceof RefusedFileError)) throw error;
    return { file, records: [], notes: [], refused: error.message };
  }
}

async function importOkhFiles(files: readonly string[], options: ImportOptions): Promise<FileReport[]> {
  const db = await openMigrated('production', options.databases.production);
  try {
    const reports: FileReport[] = [];
    for (const file of files) {
      reports.push(
        await reportOf(file, async () => {
          const format = file.toLowerCase().endsWith('.toml') ? 'toml' : 'v1';
          const parse = parseOkh(readFile(file), format);
          if (!parse.ok)
            return {
              records: [{ key: parse.key, status: 'rejected', reason: parse.problems.join('; '), notes: [] }],
              notes: [],
            };
          // --asset-kind first, then the kind the manifest's words name (okh-mapping.ts).
          const assetKind = options.assetKind?.toUpperCase() ?? parse.document.assetKind ?? undefined;
          const records = await importOkhDocument(db, parse.document, { assetKind });
          records[0]!.notes.unshift(...(parse.document.notes ?? []));
          if (!options.assetKind && assetKind && records[0]!.status === 'created')
            records[0]!.notes.push(`asset kind ${assetKind}, from the manifest's words (--asset-kind sets another)`);
          return { records, notes: [] };
        }),
      );
    }
    return reports;
  } finally {
    await db.destroy();
  }
}

async function importMdsFiles(files: readonly string[], options: ImportOptions): Promise<FileReport[]> {
  const db = await openMigrated('coop', options.databases.coop);
  try {
    const reports: FileReport[] = [];
    for (const file of files) {
      reports.push(
        await reportOf(file, () =>
          importMdsTrips(db, options.coop!, parseMdsTrips(readFile(file)).trips, {
            now: options.now,
            onProgress: options.onProgress,
          }),
        ),
      );
    }
    return reports;
  } finally {
    await db.destroy();
  }
}

/** A GBFS input: a discovery file with its feeds beside it, or a lone station_status file. */
export interface GbfsTarget {
  file: string;
  kind: 'system' | 'status';
}

/**
 * The GBFS inputs under a path: a `gbfs.json` (the system, its feeds read from the same folder by
 * file name) or a lone `station_status.json`; in a folder, every folder below that holds a
 * `gbfs.json`, else a `station_status.json`, in path order.
 */
export function collectGbfsTargets(target: string): GbfsTarget[] {
  if (!fs.existsSync(target)) throw new UsageError(`${target}: no such file or folder`);
  if (fs.statSync(target).isFile()) {
    const name = path.basename(target).toLowerCase();
    if (name === 'gbfs.json') return [{ file: target, kind: 'system' }];
    if (name === 'station_status.json') return [{ file: target, kind: 'status' }];
    throw new UsageError(`${target}: give a GBFS discovery file (gbfs.json), a lone station_status.json or a folder`);
  }
  const targets: GbfsTarget[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const files = new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
    if (files.has('gbfs.json')) targets.push({ file: path.join(dir, 'gbfs.json'), kind: 'system' });
    else if (files.has('station_status.json'))
      targets.push({ file: path.join(dir, 'station_status.json'), kind: 'status' });
    for (const entry of entries) if (entry.isDirectory()) walk(path.join(dir, entry.name));
  };
  walk(target);
  return targets;
}

/** Reads a GBFS input from disk: the discovery file and the feeds it names, by file name beside it. */
function readGbfsTarget(target: GbfsTarget): GbfsParse {
  if (target.kind === 'status') return parseLoneStationStatus(readFile(target.file));
  const dir = path.dirname(target.file);
  return parseGbfsSystem(readFile(target.file), (name) => {
    const file = path.join(dir, `${name}.json`);
    return fs.existsSync(file) ? readFile(file) : null;
  });
}

async function importGbfsTargets(targets: readonly GbfsTarget[], options: ImportOptions): Promise<FileReport[]> {
  const db = await openMigrated('coop', options.databases.coop);
  try {
    const reports: FileReport[] = [];
    for (const target of targets) {
      reports.push(
        await reportOf(target.file, async () => {
          if (options.coop) await checkCoopSharesVehicles(db, options.coop);
          return importGbfs(db, readGbfsTarget(target), {
            coop: options.coop,
            now: options.now,
            onProgress: options.onProgress,
          });
        }),
      );
    }
    return reports;
  } finally {
    await db.destroy();
  }
}

/** One exported document: where it goes under the output folder, and its text. */
export interface ExportedFile {
  path: string;
  content: string;
}

export interface ExportOptions {
  databases: Record<SubgraphName, DatabaseConfig>;
  /** Ids to export; all records when absent. */
  ids?: string[];
  /** Base of the graph's record URLs, for records with no public repository; GBFS feed URLs hang below it. */
  baseUrl: string;
  /** gbfs: the day whose fleet the station statuses describe; default now. */
  now?: Date;
}

/**
 * Exports publiccode.yml documents (`applications/<id>.publiccode.yml`,
 * `adaptations/<id>.publiccode.yml`) or okh.toml manifests (`<id>.okh.toml`). Reads only.
 * An id that names nothing is a UsageError.
 */
export async function runExport(kind: ExportKind, options: ExportOptions): Promise<ExportedFile[]> {
  if (kind === 'gbfs') return exportGbfs(options);
  if (kind === 'publiccode') {
    const directory = await loadLeagueDirectory(options.databases.league);
    const db = await openMigrated('depository', options.databases.depository);
    try {
      const records = await loadPubliccodeExports(db, directory, options.baseUrl, options.ids);
      missingIds(
        options.ids,
        records.map((record) => record.id),
      );
      return records.map((record) => ({
        path: path.join(`${record.entity}s`, `${record.id}.publiccode.yml`),
        content: toPubliccodeYaml(record.document),
      }));
    } finally {
      await db.destroy();
    }
  }
  const db = await openMigrated('production', options.databases.production);
  try {
    const designs = await loadOkhExports(db, options.baseUrl, options.ids);
    missingIds(
      options.ids,
      designs.map((design) => design.id),
    );
    return designs.map((design) => ({ path: `${design.id}.okh.toml`, content: toOkhToml(design.manifest) }));
  } finally {
    await db.destroy();
  }
}

/**
 * GBFS 3.0 feeds of the given co-ops (all that publish feeds when none is given), one folder per
 * co-op: `<id>/gbfs.json`, `<id>/system_information.json`, ... A co-op without feeds is a UsageError.
 */
async function exportGbfs(options: ExportOptions): Promise<ExportedFile[]> {
  const db = await openMigrated('coop', options.databases.coop);
  try {
    const exportOptions = { baseUrl: options.baseUrl, now: options.now ?? new Date() };
    const files: ExportedFile[] = [];
    for (const coopId of options.ids ?? (await publishableGbfsCoopIds(db))) {
      let feeds;
      try {
        feeds = await buildGbfsFeeds(db, coopId, exportOptions);
      } catch (error) {
        if (error instanceof GbfsNotPublishedError) throw new DataConditionError(error.message);
        throw error;
      }
      for (const [feed, document] of Object.entries(feeds)) {
        files.push({ path: path.join(coopId, `${feed}.json`), content: `${JSON.stringify(document.body, null, 2)}\n` });
      }
    }
    return files;
  } finally {
    await db.destroy();
  }
}

function missingIds(wanted: readonly string[] | undefined, found: readonly string[]): void {
  const missing = (wanted ?? []).filter((id) => !found.includes(id));
  if (missing.length > 0) throw new DataConditionError(`nothing to export with id ${missing.join(', ')}`);
}
