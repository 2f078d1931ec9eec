/**
 * `npm run bench`: loads our gateway and Hive Gateway (JavaScript and Rust query planner), side
 * by side over the same subgraphs, with the scenarios of bench/scenarios.ts, and records the
 * figures (see docs/benchmarks.md).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { SUBGRAPH_NAMES, loadConfig, type DatabaseConfig } from '../lib/config.js';
import { GATEWAY_SECRET_HEADER, resolveSecrets } from '../lib/secrets.js';
import { prepareDatabase } from '../seeds/prepare.js';
import { cpuNow, load, readCounters, type CpuGroups } from './load.js';
import { describeMachine } from './machine.js';
import { describeIngests, startIngests } from './read-during-ingest.js';
import { USAGE, parseOptions, type BenchOptions, type GatewayKind } from './options.js';
import { save, table, type BenchRecord, type RunRecord } from './report.js';
import { scenarios as allScenarios, type Scenario, type Variables } from './scenarios.js';
import {
  startCommonsGateway,
  startHiveGateway,
  startSubgraphs,
  type CommonSettings,
  type DataSource,
  RUST_PLANNER_NOTE,
  type GatewayStart,
  type SubgraphUrls,
} from './services.js';
import { ROOT, stopAll, type Service } from './stack.js';

const CACHE_PREFIX = 'commons-rc:';

/** Starts one gateway of the given kind: ours, or Hive Gateway with the JavaScript or the Rust planner. */
function startGateway(kind: GatewayKind, start: GatewayStart): Promise<Service> {
  if (kind === 'commons') return startCommonsGateway(start);
  return startHiveGateway({ ...start, planner: kind === 'hive-rust' ? 'rust' : 'js' });
}

/** Something the bench loads: one or more URLs, and the processes whose CPU time counts as its own. */
interface Target {
  kind: GatewayKind | 'league';
  urls: string[];
  gatewayPids: (number | undefined)[];
  headers?: Record<string, string>;
}

interface Stack {
  subgraphUrls: SubgraphUrls;
  subgraphPids: (number | undefined)[];
  subgraphServices: Service[];
  gateways: Service[];
}

interface Probe {
  status: number;
  text: string;
  body: { data?: any; errors?: unknown[] };
  age: string | null;
}

async function post(url: string, query: string, variables: Variables, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: Probe['body'];
  try {
    body = JSON.parse(text) as Probe['body'];
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: response.status, text, body, age: response.headers.get('age') } satisfies Probe;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string) => console.log(message);

/** Deletes the response-cache keys (ours and Hive's, both under commons-rc:), and nothing else. */
async function flushCache(redis: Redis): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  for (let round = 0; round < 100_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${CACHE_PREFIX}*`, 'COUNT', 1000);
    if (keys.length) deleted += await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}

async function connectRedis(url: string): Promise<Redis | string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    return `Redis at ${url} is not reachable (${(error as Error).message}); cache scenarios skipped`;
  }
}

function commandLine(argv: string[]): string {
  const quoted = argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`)).join(' ');
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${quoted ? ` -- ${quoted}` : ''}`
    : `tsx bench/run.ts ${quoted}`.trim();
}

const redact = (url: string | undefined) => url?.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const runDir = path.join(ROOT, 'bench', '.tmp', `run-${process.pid}`);
  const notes: string[] = options.gateways.includes('hive-rust') ? [RUST_PLANNER_NOTE] : [];
  const runs: RunRecord[] = [];
  const dataSets: BenchRecord['dataSets'] = [];
  const settings: CommonSettings = {
    secrets: {
      authSecret: crypto.randomBytes(32).toString('base64url'),
      subgraphSecret: crypto.randomBytes(32).toString('base64url'),
    },
    logLevel: options.logLevel,
    verbose: options.verbose,
    gatewayNodeArgs: options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [],
    subgraphCpuProfDir: options.subgraphCpuProfDir,
  };
  if (options.target) {
    // A stack someone started: use the secrets it uses (environment, else DATA_DIR/secrets.json).
    settings.secrets = resolveSecrets(loadConfig());
  }

  let stopping = false;
  const cleanUp = async () => {
    await stopAll();
    fs.rmSync(runDir, { recursive: true, force: true });
    // bench/.tmp is shared with bench/scale.ts: remove it only when nothing else is in it.
    try {
      fs.rmdirSync(path.dirname(runDir));
    } catch {
      // not empty, or already gone
    }
  };
  process.once('SIGINT', () => {
    if (stopping) return;
    stopping = true;
    console.error('\nInterrupted: stopping every process the bench started.');
    cleanUp().finally(() => process.exit(130));
  });

  const selected = (scenario: Scenario) => !options.scenarios.length || options.scenarios.includes(scenario.id);
  const needsCache = allScenarios({ city: '', cities: [], year: options.year }).some(
    (s) => selected(s) && s.gateways === 'cached',
  );
  let redis: Redis | undefined;
  if (needsCache) {
    const connected = await connectRedis(options.redisUrl);
    if (typeof connected === 'string') notes.push(connected);
    else redis = connected;
  }

  /** Starts the four subgraphs on one data source, or adopts the running stack's (--target). */
  async function startStack(data: DataSource | null): Promise<Stack> {
    let subgraphUrls: SubgraphUrls;
    let subgraphServices: Service[] = [];
    if (data) {
      log(`  starting the four subgraphs on ${'dataDir' in data ? data.dataDir : redact(data.databaseUrl)}`);
      ({ services: subgraphServices, urls: subgraphUrls } = await startSubgraphs(data, settings));
    } else {
      const ready = (await (await fetch(`${options.target}/ready`)).json()) as {
        status: string;
        subgraphs: Record<string, { url: string }>;
      };
      if (ready.status !== 'ready') throw new Error(`${options.target}/ready says "${ready.status}"`);
      if (SUBGRAPH_NAMES.some((name) => !ready.subgraphs[name]?.url))
        throw new Error(`${options.target}/ready names no subgraph URLs: start it with READY_DETAILS=true`);
      subgraphUrls = Object.fromEntries(
        SUBGRAPH_NAMES.map((name) => [name, ready.subgraphs[name]!.url]),
      ) as SubgraphUrls;
    }
    return {
      subgraphUrls,
      subgraphServices,
      subgraphPids: subgraphServices.map((service) => service.child.pid),
      gateways: [],
    };
  }

  async function startGateways(stack: Stack, cached: boolean): Promise<Record<GatewayKind, Target>> {
    const targets = {} as Record<GatewayKind, Target>;
    const instances = cached ? 2 : 1;
    const common = {
      subgraphs: stack.subgraphUrls,
      settings,
      rateLimitPerMinute: options.rateLimitPerMinute,
      redisUrl: cached ? options.redisUrl : undefined,
    };
    for (const kind of options.gateways) {
      if (kind === 'commons' && options.target && !cached) {
        targets.commons = { kind, urls: [`${options.target}/graphql`], gatewayPids: [] };
        continue;
      }
      const services: Service[] = [];
      for (let i = 0; i < instances; i++) {
        log(`  starting ${kind} gateway${cached ? ` ${i + 1} of 2, with Redis` : ''}`);
        services.push(await startGateway(kind, { ...common, name: `${kind}${cached ? `-${i + 1}` : ''}` }));
      }
      stack.gateways.push(...services);
      targets[kind] = { kind, urls: services.map((s) => s.url), gatewayPids: services.map((s) => s.child.pid) };
    }
    return targets;
  }

  async function stopGateways(stack: Stack): Promise<void> {
    await Promise.all(stack.gateways.map((service) => service.stop()));
    stack.gateways = [];
  }

  /** Checks a scenario once on every target, and that all gateways give the same answer. */
  async function probe(scenario: Scenario, targets: Target[]): Promise<Map<string, string>> {
    const expected = new Map<string, string>();
    const samples =
      typeof scenario.variables === 'function'
        ? Array.from({ length: 16 }, (_, n) => (scenario.variables as (n: number) => Variables)(n))
        : [scenario.variables];
    for (const variables of samples) {
      let reference: Probe | undefined;
      for (const target of targets) {
        const answer = await post(target.urls[0]!, scenario.query, variables, target.headers);
        if (answer.status !== 200 || answer.body.errors?.length || !answer.body.data) {
          throw new Error(
            `${scenario.id} on ${target.kind}: HTTP ${answer.status}, ${answer.text.slice(0, 400)} (variables ${JSON.stringify(variables)})`,
          );
        }
        if (reference && !isDeepStrictEqual(reference.body.data, answer.body.data)) {
          notes.push(`${scenario.id}: ${target.kind} answered differently from ${targets[0]!.kind}`);
        }
        reference ??= answer;
        expected.set(target.kind, answer.text);
      }
    }
    return expected;
  }

  async function measure(
    scenario: Scenario,
    target: Target,
    stack: Stack,
    dataSet: string,
    repeat: number,
    expectBody: string | undefined,
  ): Promise<RunRecord> {
    const runNotes: string[] = [];
    const loadOptions = {
      urls: target.urls,
      query: scenario.query,
      variables: scenario.variables,
      headers: target.headers,
      connections: options.connections,
    };
    if (scenario.cache === 'warm' && redis) {
      await flushCache(redis);
      await post(target.urls[0]!, scenario.query, scenario.variables as Variables);
      const before = await readCounters(Object.values(stack.subgraphUrls));
      for (const url of target.urls) await post(url, scenario.query, scenario.variables as Variables);
      const after = await readCounters(Object.values(stack.subgraphUrls));
      runNotes.push(
        after.sqlStatements === before.sqlStatements
          ? 'a repeated request on every instance ran no SQL: served from the shared cache'
          : `a repeated request still ran ${after.sqlStatements - before.sqlStatements} SQL statements`,
      );
    }
    if (options.warmupSeconds > 0) await load({ ...loadOptions, durationSeconds: options.warmupSeconds });
    // A cold run starts from an empty cache and never asks for the same entry twice.
    if (scenario.cache === 'cold' && redis) await flushCache(redis);
    const groups: CpuGroups = {
      gateway: target.gatewayPids,
      subgraphs: target.kind === 'league' ? [stack.subgraphPids[0]] : stack.subgraphPids,
    };
    const countersBefore = await readCounters(Object.values(stack.subgraphUrls));
    const cpuBefore = cpuNow(groups);
    const ingests = scenario.duringIngest
      ? await startIngests({
          gatewayUrl: target.urls[0]!,
          authSecret: settings.secrets.authSecret,
          city: options.city,
          coopDatabase,
        })
      : undefined;
    const figures = await load({ ...loadOptions, durationSeconds: options.durationSeconds, expectBody });
    if (ingests) {
      runNotes.push(describeIngests(await ingests.stop()));
      log(`    ${runNotes.at(-1)}`);
    }
    await sleep(300); // let the last answers' SQL be counted
    const cpuAfter = cpuNow(groups);
    const countersAfter = await readCounters(Object.values(stack.subgraphUrls));
    const perOp = (value: number) => (figures.requests ? value / figures.requests : NaN);
    const cpuPerOp = (key: 'gateway' | 'subgraphs' | 'loader') => perOp((cpuAfter[key] - cpuBefore[key]) * 1000);
    return {
      scenario: scenario.id,
      title: scenario.title,
      target: target.kind,
      instances: target.urls.length,
      dataSet,
      repeat,
      ...figures,
      sqlStatementsPerOp: perOp(countersAfter.sqlStatements - countersBefore.sqlStatements),
      subgraphRequestsPerOp: perOp(countersAfter.subgraphRequests - countersBefore.subgraphRequests),
      cpuMsPerOp: {
        gateway: target.gatewayPids.length ? cpuPerOp('gateway') : NaN,
        subgraphs:
          groups.subgraphs.length && groups.subgraphs.every((pid) => pid !== undefined) ? cpuPerOp('subgraphs') : NaN,
        loader: cpuPerOp('loader'),
      },
      loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
      notes: runNotes,
    };
  }

  /**
   * Runs the selected scenarios of one phase on one data set: starts that phase's gateways
   * (plain, or two instances each with the shared Redis cache), loads them in turn, stops them.
   */
  async function runPhase(stack: Stack, dataSet: string, phase: 'plain' | 'cached', scaleOnly: boolean) {
    const candidates = allScenarios({ city: '', cities: [], year: options.year }).filter(
      (s) => selected(s) && s.gateways === phase && (!scaleOnly || s.atEachScale),
    );
    if (!candidates.length || (phase === 'cached' && !redis)) return;
    const targets = await startGateways(stack, phase === 'cached');
    try {
      const first = Object.values(targets)[0]!;
      const cityList = await post(first.urls[0]!, '{ cities(first: 100) { totalCount nodes { id } } }', {});
      const cities: string[] = cityList.body.data.cities.nodes.map((node: { id: string }) => node.id);
      const totalCount: number = cityList.body.data.cities.totalCount;
      if (!dataSets.some((set) => set.label === dataSet)) {
        dataSets.push({ label: dataSet, source: sources.get(dataSet) ?? dataSet, cities: totalCount });
      }
      let city = options.city;
      if (!cities.includes(city)) {
        city = cities[0]!;
        notes.push(
          `${dataSet}: no city "${options.city}" among the first ${cities.length}; single-city scenarios use "${city}"`,
        );
      }
      const list = allScenarios({ city, cities, year: options.year }).filter((s) =>
        candidates.some((c) => c.id === s.id),
      );
      for (const [index, scenario] of list.entries()) {
        const scenarioTargets: Target[] =
          scenario.via === 'league'
            ? [
                {
                  kind: 'league',
                  urls: [stack.subgraphUrls.league],
                  gatewayPids: [],
                  headers: { [GATEWAY_SECRET_HEADER]: settings.secrets.subgraphSecret },
                },
              ]
            : options.gateways.map((kind) => ({
                ...targets[kind],
                urls: targets[kind].urls.slice(0, scenario.instances),
                gatewayPids: targets[kind].gatewayPids.slice(0, scenario.instances),
              }));
        log(`  ${dataSet} · ${scenario.id}: ${scenario.title}`);
        const expected = await probe(scenario, scenarioTargets);
        if (scenario.id === 'cities-50') {
          const answer = JSON.parse(expected.values().next().value!) as { data: { cities: { nodes: unknown[] } } };
          notes.push(
            `${dataSet}: CitiesReport(first: 50) returned ${answer.data.cities.nodes.length} cities (totalCount ${totalCount})`,
          );
        }
        for (let repeat = 0; repeat < options.repeat; repeat++) {
          const order = (index + repeat) % 2 === 0 ? scenarioTargets : [...scenarioTargets].reverse();
          for (const target of order) {
            const fixedRequest = typeof scenario.variables !== 'function';
            const expectBody = fixedRequest ? expected.get(target.kind) : undefined;
            const run = await measure(scenario, target, stack, dataSet, repeat, expectBody);
            runs.push(run);
            log(
              `    ${target.kind.padEnd(9)}${target.urls.length > 1 ? `×${target.urls.length}` : '  '} ` +
                `${run.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${run.latencyMs.p50} ms  p99 ${run.latencyMs.p99} ms` +
                `  errors ${run.errors}/${run.non2xx}/${run.mismatches}  SQL/op ${run.sqlStatementsPerOp.toFixed(2)}`,
            );
          }
        }
      }
    } finally {
      await stopGateways(stack);
    }
  }

  const sources = new Map<string, string>();
  let coopDatabase: DatabaseConfig | null = null;

  try {
    log(`Commons Graph benchmark: ${options.durationSeconds} s per run, ${options.connections} connections`);
    const base: DataSource | null = options.target
      ? null
      : options.databaseUrl
        ? { databaseUrl: options.databaseUrl }
        : { dataDir: path.join(runDir, 'data') };
    const baseLabel = options.target ? 'target' : options.databaseUrl ? 'postgres-seed' : 'seed';
    sources.set(
      baseLabel,
      options.target
        ? `running stack at ${options.target}`
        : options.databaseUrl
          ? `PostgreSQL ${redact(options.databaseUrl)}, seeded if empty`
          : 'fresh seeded SQLite under bench/.tmp',
    );
    if (base) {
      log('  preparing the databases (migrate, seed if empty)');
      const config = loadConfig(
        'dataDir' in base ? { DATA_DIR: base.dataDir } : { DATABASE_URL: base.databaseUrl, DATA_DIR: runDir },
      );
      for (const name of SUBGRAPH_NAMES)
        await prepareDatabase(name, config.subgraphs[name].database, { seed: config.seed });
      coopDatabase = config.subgraphs.coop.database;
    }

    const stack = await startStack(base);
    await runPhase(stack, baseLabel, 'plain', false);
    await runPhase(stack, baseLabel, 'cached', false);
    if (redis) await flushCache(redis);
    await Promise.all(stack.subgraphServices.map((service) => service.stop()));

    for (const dataDir of options.dataDirs) {
      const label = path.basename(dataDir);
      sources.set(label, `prepared SQLite folder ${path.relative(ROOT, dataDir) || dataDir}`);
      const scaled = await startStack({ dataDir });
      await runPhase(scaled, label, 'plain', true);
      await Promise.all(scaled.subgraphServices.map((service) => service.stop()));
    }
  } finally {
    await cleanUp();
    redis?.disconnect();
  }

  console.log(`\n${table(runs)}\n`);
  const busiest = Math.max(...runs.map((run) => run.loadAverage));
  if (busiest > os.availableParallelism()) {
    notes.push(
      `the 1-minute load average reached ${busiest} on ${os.availableParallelism()} CPUs: other work shared the machine, so absolute figures are low; ratios within the run hold better`,
    );
  }
  for (const note of notes) console.log(`note: ${note}`);
  const record: BenchRecord = {
    startedAt: startedAt.toISOString(),
    command: commandLine(process.argv.slice(2)),
    machine: describeMachine(),
    settings: {
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      gateways: options.gateways,
      logLevel: options.logLevel,
      rateLimitPerMinute: options.rateLimitPerMinute,
      nodeEnv: 'production',
      redisUrl: options.redisUrl,
      databaseUrl: redact(options.databaseUrl) ?? null,
      target: options.target ?? null,
      city: options.city,
      year: options.year,
      repeat: options.repeat,
    },
    dataSets,
    notes,
    runs,
  };
  if (options.save) {
    const label = options.label ?? startedAt.toISOString().slice(11, 19).replace(/:/g, '');
    console.log(`results: ${path.relative(process.cwd(), await save(record, options.outDir, label))}`);
  }
}

let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed === 'help') {
  console.log(USAGE);
} else {
  await main(parsed).catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  });
}
