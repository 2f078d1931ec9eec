/**
 * `npm run export -- <publiccode|okh|gbfs> <id|--all> [--out dir] [--base-url URL]`: writes
 * publiccode.yml documents for commons applications and local adaptations, okh.toml manifests
 * for open designs, or GBFS 3.0 feeds for vehicle-sharing platform co-ops, from the configured
 * databases (read only). One id without --out prints the document; --all needs --out and writes
 * one file per record (`applications/<id>.publiccode.yml`, `adaptations/<id>.publiccode.yml`,
 * `<id>.okh.toml`); gbfs always needs --out and writes `<co-op id>/<feed>.json`.
 *
 * --base-url is where the graph is published (default: PUBLIC_BASE_URL, else this machine's
 * gateway): records with no public repository get the URL of their JSON document there
 * (`<base-url>/data/applications/<id>.json`), as the standards demand a URL and the import
 * reads it back as the same record; GBFS feeds name each other at
 * `<base-url>/gbfs/<co-op id>/<feed>.json`, where the gateway serves them.
 *
 * Exit code 0 when every file was written, 1 when the data cannot give what was asked (an id
 * no record has, a co-op that publishes no GBFS feeds), 2 for a usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, SUBGRAPH_NAMES } from '../lib/config.js';
import { isWebUrl } from '../lib/interop.js';
import { DataConditionError, EXPORT_KINDS, UsageError, runExport, type ExportKind } from './interop/run.js';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      all: { type: 'boolean', default: false },
      out: { type: 'string' },
      'base-url': { type: 'string' },
    },
  });
  const [kind, ...ids] = positionals;
  const usage = `usage: npm run export -- <${EXPORT_KINDS.join('|')}> <id...|--all> [--out dir] [--base-url URL]`;
  if (!kind || !EXPORT_KINDS.includes(kind as ExportKind)) throw new UsageError(usage);
  if (values.all && ids.length > 0) throw new UsageError(`${usage}\n(give record ids or --all, not both)`);
  if (!values.all && ids.length === 0)
    throw new UsageError(`${usage}\n(give the ids of the records to export, or --all)`);
  if (values.all && !values.out) throw new UsageError('--all writes one file per record: give --out <dir>');
  if (kind === 'gbfs' && !values.out) throw new UsageError('gbfs writes several feeds per co-op: give --out <dir>');
  if (kind === 'okh' && ids.length > 1 && !values.out)
    throw new UsageError('several manifests need --out <dir>: TOML has no multi-document form');
  if (values['base-url'] !== undefined && !isWebUrl(values['base-url']))
    throw new UsageError('--base-url must be an http(s) URL');
  const config = loadConfig();
  const files = await runExport(kind as ExportKind, {
    databases: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, config.subgraphs[name].database])) as never,
    ids: values.all ? undefined : ids,
    // Links must open where the graph is published: PUBLIC_BASE_URL, else this machine's gateway.
    baseUrl: values['base-url'] ?? config.catalog.publicBaseUrl ?? `http://${config.host}:${config.gateway.port}`,
  });
  if (!values.out) {
    process.stdout.write(files.map((file) => file.content).join(kind === 'publiccode' ? '---\n' : '\n'));
    return;
  }
  for (const file of files) {
    const target = path.join(values.out, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
  console.log(`wrote ${files.length} file(s) under ${values.out}`);
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else if (error instanceof DataConditionError) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  }
}
