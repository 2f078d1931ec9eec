/**
 * One measured run: autocannon on loopback for a bounded time, plus what the servers report
 * around it (SQL statements and subgraph requests from /metrics, CPU time from /proc).
 */
import autocannon from 'autocannon';
import { cpuSeconds } from './stack.js';
import type { Variables, VariablesFor } from './scenarios.js';

/** Sums every sample of a metric (all label sets) in a Prometheus text exposition, optionally only lines containing `filter`. */
export function sumMetric(text: string, name: string, filter?: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!(line.startsWith(`${name}{`) || line.startsWith(`${name} `))) continue;
    if (filter && !line.includes(filter)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** What the four subgraphs have counted so far, summed. */
export interface Counters {
  sqlStatements: number;
  subgraphRequests: number;
}

/** Reads the counters of every subgraph's /metrics (URLs of their /graphql endpoints). */
export async function readCounters(subgraphUrls: string[]): Promise<Counters> {
  const texts = await Promise.all(
    subgraphUrls.map(async (url) => (await fetch(url.replace(/\/graphql$/, '/metrics'))).text()),
  );
  return {
    sqlStatements: texts.reduce((sum, text) => sum + sumMetric(text, 'commons_sql_statements_total'), 0),
    subgraphRequests: texts.reduce(
      (sum, text) => sum + sumMetric(text, 'commons_http_request_duration_seconds_count', 'route="/graphql"'),
      0,
    ),
  };
}

export interface LoadOptions {
  /** One URL, or several: connections are dealt to them in turn (client-side round-robin). */
  urls: string[];
  query: string;
  variables: VariablesFor;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** When the answer to a fixed request is known, every response is compared with it. */
  expectBody?: string;
}

/** The figures of one run; latencies in milliseconds. */
export interface LoadFigures {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Responses that differ from the expected body (only for fixed requests). */
  mismatches: number;
  bytesPerResponse: number;
}

/** Runs autocannon once; a function of variables gives each request its own body. */
export async function load(options: LoadOptions): Promise<LoadFigures> {
  const body = (variables: Variables) => JSON.stringify({ query: options.query, variables });
  const fixed = typeof options.variables === 'function' ? undefined : body(options.variables);
  let n = 0;
  const vary = options.variables as (n: number) => Variables;
  const result = await autocannon({
    // autocannon accepts several URLs; its typings say one.
    url: options.urls as unknown as string,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: fixed,
    ...(fixed === undefined
      ? { requests: [{ setupRequest: (request) => ({ ...request, body: body(vary(n++)) }) }] }
      : {}),
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    ...(fixed !== undefined && options.expectBody !== undefined ? { expectBody: options.expectBody } : {}),
  });
  const seconds = result.duration;
  return {
    requests: result['2xx'],
    seconds,
    requestsPerSecond: result['2xx'] / seconds,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
  };
}

/** Processes whose CPU time a run reports, by role. */
export interface CpuGroups {
  gateway: (number | undefined)[];
  subgraphs: (number | undefined)[];
}

/** CPU seconds per group, and the load generator's own (this process). */
export function cpuNow(groups: CpuGroups): { gateway: number; subgraphs: number; loader: number } {
  const sum = (pids: (number | undefined)[]) => pids.reduce<number>((total, pid) => total + cpuSeconds(pid), 0);
  const self = process.cpuUsage();
  return { gateway: sum(groups.gateway), subgraphs: sum(groups.subgraphs), loader: (self.user + self.system) / 1e6 };
}
