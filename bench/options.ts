/** `npm run bench` options: parsed once, checked, with the defaults the docs quote. */
import path from 'node:path';
import { parseArgs } from 'node:util';

/** Our gateway; Hive Gateway with its JavaScript query planner; Hive Gateway with the Rust planner. */
export const GATEWAY_KINDS = ['commons', 'hive', 'hive-rust'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Scenario ids to run; empty means all. */
  scenarios: string[];
  gateways: GatewayKind[];
  /** A running gateway to load instead of starting a stack. */
  target?: string;
  /** Prepared SQLite data folders (e.g. from `npm run seed:synthetic`), for the per-scale scenarios. */
  dataDirs: string[];
  /** PostgreSQL for every subgraph (each in its own schema), migrated and seeded if empty. */
  databaseUrl?: string;
  redisUrl: string;
  logLevel: string;
  rateLimitPerMinute: number;
  city: string;
  year: number;
  repeat: number;
  label?: string;
  outDir: string;
  save: boolean;
  cpuProfDir?: string;
  /** Where to write V8 CPU profiles of the four subgraphs, when set. */
  subgraphCpuProfDir?: string;
  verbose: boolean;
}

export const USAGE = `npm run bench -- [options]

Starts the four subgraphs, our gateway and Hive Gateway (JavaScript planner, then Rust planner)
as separate processes on free loopback ports (fresh seeded SQLite under bench/.tmp), loads each scenario with autocannon and writes
bench/results/<date>-<label>.json.

  --duration S         seconds measured per run (default 10)
  --warmup S           seconds of unrecorded load before each run (default 2)
  --connections N      concurrent connections (default 10)
  --scenarios a,b      only these scenario ids (default: all; see the table printed at the end)
  --gateways a,b       commons, hive, hive-rust (default all three; hive-rust is Hive Gateway
                       with @graphql-hive/router-runtime's Rust query planner)
  --target URL         load this running gateway as "commons" instead of starting a stack; its
                       subgraphs are read from its /ready, the secret from SUBGRAPH_SECRET or
                       DATA_DIR/secrets.json (start it with RATE_LIMIT_PER_MINUTE=0 READY_DETAILS=true)
  --data-dir DIR       a prepared SQLite data folder (npm run seed:synthetic); the per-scale
                       scenarios (cities-50, aggregate, aggregate-mixed) run again on it.
                       Repeatable, smallest first.
  --database-url URL   run the subgraphs on PostgreSQL (one schema each) instead of SQLite
  --redis-url URL      Redis for the cache scenarios (default redis://127.0.0.1:6379);
                       only keys under commons-rc: are flushed
  --log-level L        LOG_LEVEL of the started processes (default warn)
  --rate-limit N       RATE_LIMIT_PER_MINUTE of our gateway (default 0: off)
  --city ID            the city of the single-city scenarios (default gent)
  --year Y             the year of the sharing figures (default 2025)
  --repeat N           run each measurement N times, interleaved; the median is reported (default 1)
  --label NAME         result file label (default: the time of day)
  --out DIR            where results go (default bench/results); --no-save writes nothing
  --cpu-prof DIR       write V8 CPU profiles of the gateways to DIR (see bench/profile-summary.ts)
  --cpu-prof-subgraphs DIR
                       write V8 CPU profiles of the four subgraphs to DIR/<name>-<port>/ (a file
                       per thread; CPU.*.0.*.cpuprofile is the main thread)
  --verbose            show what the started processes print
`;

/** True when a URL's host is this machine's loopback (or, for a database, a local socket). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return ['127.0.0.1', 'localhost', '[::1]', ''].includes(hostname);
  } catch {
    return false;
  }
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`--${name}: expected a number, got "${value}"`);
  return number;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string' },
      gateways: { type: 'string' },
      target: { type: 'string' },
      'data-dir': { type: 'string', multiple: true },
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      'log-level': { type: 'string' },
      'rate-limit': { type: 'string' },
      city: { type: 'string' },
      year: { type: 'string' },
      repeat: { type: 'string' },
      label: { type: 'string' },
      out: { type: 'string' },
      'no-save': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      'cpu-prof-subgraphs': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const gateways = (values.gateways ?? GATEWAY_KINDS.join(',')).split(',').filter(Boolean);
  for (const kind of gateways) {
    if (!(GATEWAY_KINDS as readonly string[]).includes(kind))
      throw new Error(`--gateways: unknown gateway "${kind}" (expected ${GATEWAY_KINDS.join(', ')})`);
  }
  if (values.target && !isLoopbackUrl(values.target)) {
    throw new Error(`--target: the benchmark loads loopback addresses only, got "${values.target}"`);
  }
  for (const name of ['redis-url', 'database-url'] as const) {
    const url = values[name];
    if (url && !isLoopbackUrl(url)) throw new Error(`--${name}: loopback addresses only, got "${url}"`);
  }
  if (values.target && values['data-dir']?.length) throw new Error('--data-dir needs a stack the bench starts itself');
  if (values.label && !/^[\w.-]{1,40}$/.test(values.label)) throw new Error('--label: letters, digits, ".", "-", "_"');
  const durationSeconds = positiveNumber('duration', values.duration, 10);
  const connections = positiveNumber('connections', values.connections, 10);
  if (durationSeconds < 1 || durationSeconds > 600) throw new Error('--duration: between 1 and 600 seconds');
  if (connections < 1 || connections > 1000) throw new Error('--connections: between 1 and 1000');
  return {
    durationSeconds,
    warmupSeconds: positiveNumber('warmup', values.warmup, 2),
    connections: Math.round(connections),
    scenarios: values.scenarios ? values.scenarios.split(',').filter(Boolean) : [],
    gateways: gateways as GatewayKind[],
    target: values.target?.replace(/\/graphql$/, '').replace(/\/$/, ''),
    dataDirs: (values['data-dir'] ?? []).map((dir) => path.resolve(dir)),
    databaseUrl: values['database-url'],
    redisUrl: values['redis-url'] ?? 'redis://127.0.0.1:6379',
    logLevel: values['log-level'] ?? 'warn',
    rateLimitPerMinute: positiveNumber('rate-limit', values['rate-limit'], 0),
    city: values.city ?? 'gent',
    year: positiveNumber('year', values.year, 2025),
    repeat: Math.max(1, Math.round(positiveNumber('repeat', values.repeat, 1))),
    label: values.label,
    outDir: path.resolve(values.out ?? path.join(import.meta.dirname, 'results')),
    save: !values['no-save'],
    cpuProfDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined,
    subgraphCpuProfDir: values['cpu-prof-subgraphs'] ? path.resolve(values['cpu-prof-subgraphs']) : undefined,
    verbose: values.verbose ?? false,
  };
}
