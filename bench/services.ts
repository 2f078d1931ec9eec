/**
 * The services under test, started as `npm start` starts them (one Node process each, same
 * entry points), configured for load runs: NODE_ENV=production, the bench's own secrets and
 * ports, LOG_LEVEL and RATE_LIMIT_PER_MINUTE as the options say.
 */
import path from 'node:path';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/config.js';
import { HOST, ROOT, freePort, spawnService, waitFor, type Service } from './stack.js';

/** Where the subgraphs keep their data: a SQLite folder or a PostgreSQL database. */
export type DataSource = { dataDir: string } | { databaseUrl: string };

export interface Secrets {
  authSecret: string;
  subgraphSecret: string;
}

export interface CommonSettings {
  secrets: Secrets;
  logLevel: string;
  verbose: boolean;
  /** Node flags for the gateways only (e.g. CPU profiling). */
  gatewayNodeArgs: string[];
  /** Where to write each subgraph's V8 CPU profiles (a folder `<name>-<port>` each), when set. */
  subgraphCpuProfDir?: string;
}

/** A minimal environment: nothing of the caller's (no stray DATABASE_URL or REDIS_URL) but what Node needs. */
function baseEnv(settings: CommonSettings): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return {
    ...Object.fromEntries(keep.filter((name) => process.env[name]).map((name) => [name, process.env[name]])),
    NODE_ENV: 'production',
    HOST,
    LOG_LEVEL: settings.logLevel,
    AUTH_SECRET: settings.secrets.authSecret,
    SUBGRAPH_SECRET: settings.secrets.subgraphSecret,
  };
}

/**
 * Node flags that write the CPU profiles of one process into `dir/name`; none without a dir. Each
 * thread writes its own file there (`CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile`, thread 0
 * the main one): with one file name for the process, tsx's loader thread and the coop's ingest
 * worker overwrote the main thread's profile on exit.
 */
function cpuProfArgs(dir: string | undefined, name: string): string[] {
  return dir ? ['--cpu-prof', '--cpu-prof-dir', path.join(dir, name)] : [];
}

export type SubgraphUrls = Record<SubgraphName, string>;

/** Starts the four subgraph processes on free ports and waits until each answers /health. */
export async function startSubgraphs(
  data: DataSource,
  settings: CommonSettings,
): Promise<{ services: Service[]; urls: SubgraphUrls }> {
  const ports = await Promise.all(SUBGRAPH_NAMES.map(() => freePort()));
  const services = SUBGRAPH_NAMES.map((name, i) => {
    const url = `http://${HOST}:${ports[i]}/graphql`;
    return spawnService({
      name,
      nodeArgs: [...cpuProfArgs(settings.subgraphCpuProfDir, `${name}-${ports[i]}`), '--import', 'tsx'],
      entry: `subgraphs/${name}/index.ts`,
      env: {
        ...baseEnv(settings),
        [`${name.toUpperCase()}_PORT`]: String(ports[i]),
        ...('dataDir' in data ? { DATA_DIR: data.dataDir } : { DATABASE_URL: data.databaseUrl }),
      },
      url,
      verbose: settings.verbose,
    });
  });
  await Promise.all(
    services.map((service) =>
      waitFor(service, service.url.replace(/\/graphql$/, '/health'), async (response) => response.ok),
    ),
  );
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, services[i]!.url])) as SubgraphUrls;
  return { services, urls };
}

export interface GatewayStart {
  name: string;
  subgraphs: SubgraphUrls;
  settings: CommonSettings;
  /** Shared Redis (response cache and rate limits) when set. */
  redisUrl?: string;
  rateLimitPerMinute: number;
}

/** Our gateway (gateway/index.ts) on a free port, ready once its /ready says so. */
export async function startCommonsGateway(options: GatewayStart): Promise<Service> {
  const port = await freePort();
  const service = spawnService({
    name: options.name,
    nodeArgs: [...options.settings.gatewayNodeArgs, '--import', 'tsx'],
    entry: 'gateway/index.ts',
    env: {
      ...baseEnv(options.settings),
      GATEWAY_PORT: String(port),
      RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute),
      ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, options.subgraphs[name]])),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    },
    url: `http://${HOST}:${port}/graphql`,
    verbose: options.settings.verbose,
  });
  await waitFor(service, `http://${HOST}:${port}/ready`, async (response) => {
    const body = (await response.json()) as { status?: string };
    return body.status === 'ready';
  });
  return service;
}

/** Which query planner Hive Gateway runs: its own JavaScript one, or router-runtime's Rust one. */
export type HivePlanner = 'js' | 'rust';

/**
 * What differs under the Rust planner, for every result that has a hive-rust run (measured by
 * test/interop/demand-control.test.ts, which fails when it stops being true).
 */
export const RUST_PLANNER_NOTE =
  'hive-rust: same supergraph, subgraphs, secret, depth/token limits and Redis response cache as hive; ' +
  'its demandControl counts the selection under only one of several aliases of the same field (the others ' +
  'cost 1 each), so 15 aliases each under the budget and together over it are answered where ours and hive ' +
  'refuse them, and it refuses a whole operation where hive nulls each root field';

/**
 * Hive Gateway's CLI serving schema/supergraph.graphql with bench/hive-gateway.config.ts, one
 * process; `planner` (default js) picks the query planner, everything else is the same.
 */
export async function startHiveGateway(options: GatewayStart & { planner?: HivePlanner }): Promise<Service> {
  const port = await freePort();
  const service = spawnService({
    name: options.name,
    nodeArgs: options.settings.gatewayNodeArgs,
    entry: path.join(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
    args: [
      'supergraph',
      'schema/supergraph.graphql',
      '--config-path',
      'bench/hive-gateway.config.ts',
      '--host',
      HOST,
      '--port',
      String(port),
      '--fork',
      '1',
    ],
    env: {
      ...baseEnv(options.settings),
      BENCH_SUBGRAPH_SECRET: options.settings.secrets.subgraphSecret,
      BENCH_HIVE_PLANNER: options.planner ?? 'js',
      ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`BENCH_${name.toUpperCase()}_URL`, options.subgraphs[name]])),
      ...(options.redisUrl ? { BENCH_REDIS_URL: options.redisUrl } : {}),
    },
    url: `http://${HOST}:${port}/graphql`,
    verbose: options.settings.verbose,
  });
  await waitFor(service, `http://${HOST}:${port}/readiness`, async (response) => response.ok);
  return service;
}
