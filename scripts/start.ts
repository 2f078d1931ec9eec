/**
 * `npm start`: migrates and (on first start) seeds the four databases, then runs the four
 * subgraph services and the gateway as five processes, and stops them all on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import cliProgress from 'cli-progress';
import { SUBGRAPH_NAMES, isPostgres, loadConfig } from '../lib/config.js';
import { resolveSecrets } from '../lib/secrets.js';
import { prepareDatabase } from '../seeds/prepare.js';

const root = path.resolve(import.meta.dirname, '..');
const config = loadConfig();
const started = performance.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function prepareAll(): Promise<boolean> {
  let firstStart = false;
  const bar = new cliProgress.SingleBar(
    { format: '  usage events [{bar}] {percentage}% | {value}/{total} | {eta}s left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  for (const name of SUBGRAPH_NAMES) {
    let barStarted = false;
    const result = await prepareDatabase(name, config.subgraphs[name].database, {
      seed: config.seed,
      onProgress(done, total) {
        if (!barStarted) bar.start(total, 0);
        barStarted = true;
        bar.update(done);
      },
    });
    if (barStarted) bar.stop();
    firstStart ||= result.seeded;
    console.log(
      `  ${name.padEnd(11)} ${result.seeded ? 'migrated and seeded' : 'migrated (data kept)'} in ${seconds(result.milliseconds)}`,
    );
  }
  return firstStart;
}

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function run(name: string, entry: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    // Colours in the children's readable logs when this terminal shows them.
    env: process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C reaches only this launcher, which stops each child once.
    detached: true,
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[${name}] exited unexpectedly (${signal ?? `code ${code}`}); stopping the others.`);
      stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

function stop(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  const running = children
    .map(({ child }) => child)
    .filter((child) => child.exitCode === null && child.signalCode === null);
  const exits = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  const force = setTimeout(() => running.forEach((child) => child.kill('SIGKILL')), 5000);
  Promise.all(exits).then(() => {
    clearTimeout(force);
    const unclean = children
      .filter(({ child }) => child.exitCode !== 0)
      .map(({ name, child }) => `${name} (${child.signalCode ?? `code ${child.exitCode}`})`);
    console.log(unclean.length === 0 ? 'Stopped.' : `Stopped; not cleanly: ${unclean.join(', ')}.`);
    process.exit(exitCode);
  });
}

/** Resident memory of a process in MiB (Linux), or 0 where /proc is not available. */
function residentMiB(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** One line per process with its resident memory, and the total. */
function residentMemory(): string {
  const lines = children.map(({ name, child }) => ({ name, mib: residentMiB(child.pid) }));
  const total = lines.reduce((sum, line) => sum + line.mib, 0);
  const each = lines.map(({ name, mib }) => `${name} ${mib.toFixed(0)}`).join(', ');
  return `  resident memory (MiB): ${each}; ${total.toFixed(0)} in total`;
}

async function waitUntilReady(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      const body = (await response.json()) as Record<string, unknown>;
      if (body.status === 'ready') return body;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not report ready within ${timeoutMs / 1000} s`);
}

/**
 * Where the four databases are, as the start line says it: each SQLite file's folder, and for
 * PostgreSQL the server and database (without the password) with the subgraph's schema.
 */
function whereDatabasesAre(): string {
  const places = SUBGRAPH_NAMES.map((name) => {
    const database = config.subgraphs[name].database;
    if (!isPostgres(database)) return path.dirname(database.filename);
    const url = new URL(database.connectionString);
    return `PostgreSQL ${url.host}${url.pathname}`;
  });
  const distinct = [...new Set(places)];
  if (distinct.length === 1 && distinct[0]!.startsWith('PostgreSQL'))
    return `${distinct[0]} (schemas ${SUBGRAPH_NAMES.join(', ')})`;
  return distinct.join(', ');
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// The children run in their own process groups; never leave them behind if this one dies.
process.once('exit', () => children.forEach(({ child }) => child.exitCode === null && child.kill('SIGTERM')));

console.log(`Commons Graph: preparing databases: ${whereDatabasesAre()}`);
const firstStart = await prepareAll();
// Resolve the shared secrets once, so the five processes cannot each invent their own.
const secrets = resolveSecrets(config);
process.env.AUTH_SECRET = secrets.authSecret;
process.env.SUBGRAPH_SECRET = secrets.subgraphSecret;
for (const name of SUBGRAPH_NAMES) run(name, `subgraphs/${name}/index.ts`);
run('gateway', 'gateway/index.ts');

const base = `http://${config.host}:${config.gateway.port}`;
try {
  await waitUntilReady(`${base}/ready`, 60_000);
} catch (error) {
  console.error((error as Error).message);
  stop(1);
}
console.log(`
Commons Graph is up (${firstStart ? 'first start, databases seeded' : 'later start, data reused'}) in ${seconds(performance.now() - started)}.
${residentMemory()}

  Dashboard ${base}/           GraphiQL (in a browser) ${base}/graphql
  GraphQL   ${base}/graphql
  Ready     ${base}/ready      Health ${base}/health      Metrics ${base}/metrics
  Open data ${base}/catalog.ttl (DCAT-AP)   ${base}/gbfs/muniride-gent/gbfs.json (GBFS)

Try the city report:
  curl -s ${base}/graphql -H 'content-type: application/json' \\
    -d '{"query":"{ city(id: \\"gent\\") { name population platformCooperatives { name sharing(period: {from: \\"2025-01-01\\", to: \\"2025-12-31\\"}) { uses utilizationRate suppressed } } footprint(year: 2025) { netKgCO2e perCapitaKgCO2e } } }"}'

Writes need a token, e.g. for the operator of one platform co-op:
  npm run -s token -- --role coop-operator --scope muniride-gent

Ctrl-C stops everything.
`);
