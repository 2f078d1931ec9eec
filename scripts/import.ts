/**
 * `npm run import -- <kind> <file-or-folder> [options]`: imports open-standard documents into
 * the owning subgraph's database (see docs/open-data.md) and prints one line per record:
 * created, updated, unchanged or rejected with the reason and the key or line at fault.
 *
 *   kinds:  publiccode  publiccode.yml → depository (applications, adaptations, releases)
 *           okh         okh.toml / legacy okh.yml → production (open designs, bills of materials)
 *           mds-trips   MDS provider trips → coop usage events (needs --coop <id>)
 *           gbfs        GBFS 2.3/3.0 gbfs.json with its feeds beside it (or a folder, or a lone
 *                       station_status.json) → coop: the system, vehicle types as asset kinds,
 *                       stations as sharing hubs, current availability; never usage events
 *   --domain <DOMAIN>     publiccode: provisioning domain of new applications whose file names none
 *   --asset-kind <KIND>   okh: asset kind of new designs
 *   --coop <id>           mds-trips: the platform co-op the trips belong to (required);
 *                         gbfs: the co-op the system serves (default: the co-op whose stored
 *                         system has the file's system_id)
 *   --json                print the report as JSON
 *   --verbose             list every record, also for large files
 *
 * Exit code 0 when every record was imported (or unchanged), 1 when a record was rejected or a
 * file refused, 2 for a usage error. Databases come from the environment, as for `npm start`.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig, SUBGRAPH_NAMES } from '../lib/config.js';
import { countStatuses, type FileReport } from '../lib/interop.js';
import { IMPORT_KINDS, UsageError, runImport, type ImportKind } from './interop/run.js';

/** Files with more records than this list only their rejected records unless --verbose. */
const LIST_LIMIT = 50;
/** Inputs with at least this many records to ingest get a progress bar (on a terminal). */
const PROGRESS_FROM = 1000;

function printReport(files: readonly FileReport[], verbose: boolean): void {
  for (const file of files) {
    if (file.refused) {
      console.log(`refused    ${file.file}: ${file.refused} (nothing changed)`);
      continue;
    }
    console.log(file.file);
    const listAll = verbose || file.records.length <= LIST_LIMIT;
    for (const record of file.records) {
      if (!listAll && record.status !== 'rejected') continue;
      const where = record.at ? ` [${record.at}]` : '';
      const entity = record.entity ? `  → ${record.entity}` : '';
      console.log(`  ${record.status.padEnd(9)} ${record.key}${where}${entity}`);
      if (record.reason) console.log(`            reason: ${record.reason}`);
      for (const note of record.notes) console.log(`            note: ${note}`);
    }
    if (!listAll) console.log(`  (${file.records.length} records; only rejected ones listed, --verbose lists all)`);
    for (const note of file.notes) console.log(`  note: ${note}`);
  }
  const counts = countStatuses(files);
  console.log(
    `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected` +
      `${counts.refusedFiles > 0 ? `, ${counts.refusedFiles} file(s) refused` : ''} in ${files.length} file(s)`,
  );
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      coop: { type: 'string' },
      domain: { type: 'string' },
      'asset-kind': { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const [kind, target, ...rest] = positionals;
  if (!kind || !IMPORT_KINDS.includes(kind as ImportKind)) {
    throw new UsageError(`usage: npm run import -- <${IMPORT_KINDS.join('|')}> <file-or-folder> [options]`);
  }
  if (!target || rest.length > 0) throw new UsageError(`usage: npm run import -- ${kind} <file-or-folder> [options]`);
  const config = loadConfig();
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${kind === 'gbfs' ? 'stations' : 'trips'} [{bar}] {percentage}% | {value}/{total} | {eta}s left`,
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let barStarted = false;
  const files = await runImport(kind as ImportKind, target, {
    databases: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, config.subgraphs[name].database])) as never,
    coop: values.coop,
    domain: values.domain,
    assetKind: values['asset-kind'],
    onProgress(done, total) {
      if (total < PROGRESS_FROM || !process.stderr.isTTY) return;
      if (!barStarted) bar.start(total, 0);
      barStarted = true;
      bar.update(done);
      if (done >= total) {
        bar.stop();
        barStarted = false;
      }
    },
  });
  if (barStarted) bar.stop();
  if (values.json) console.log(JSON.stringify(files, null, 2));
  else printReport(files, values.verbose);
  const counts = countStatuses(files);
  return counts.rejected > 0 || counts.refusedFiles > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  }
}
