/**
 * The one test harness: prepares seeded template databases once per run (global setup),
 * copies them for each test file, and starts subgraphs and the gateway on free ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  SUBGRAPH_NAMES,
  loadConfig,
  type DatabaseConfig,
  type GatewayLimits,
  type SubgraphName,
} from '../lib/config.js';
import { createGateway } from '../gateway/server.js';
import { close, listen } from '../lib/http.js';
import { createLogger } from '../lib/logger.js';
import { createMetrics } from '../lib/metrics.js';
import { startSubgraph } from '../lib/run-subgraph.js';
import { issueToken, type Role } from '../lib/auth.js';
import { GATEWAY_SECRET_HEADER } from '../lib/secrets.js';
import { SUPERGRAPH_FILE } from '../schema/compose.js';
import { prepareDatabase } from '../seeds/prepare.js';
import { subgraphDefinitions } from '../subgraphs/index.js';

export const TEST_SEED = 20170501;
/**
 * Where the seeded template databases live. Each test run gets its own (the global setup
 * names it in the environment before the workers start), so concurrent runs never collide.
 */
export const TEMPLATE_DIR =
  process.env.COMMONS_TEST_TEMPLATE_DIR ?? path.resolve(import.meta.dirname, '.tmp', `template-${TEST_SEED}`);
export const SETTINGS = {
  suppressionK: 5,
  maxPageSize: 100,
  cacheMaxAge: 60,
  requestTimeoutMs: loadConfig({}).requestTimeoutMs,
  maxAnswerBytes: loadConfig({}).maxAnswerBytes,
};
/** The secrets every test service shares (tokens for tests are signed with authSecret). */
export const SECRETS = {
  authSecret: 'test-auth-secret-0123456789abcdef0123',
  subgraphSecret: 'test-subgraph-secret-0123456789abcdef',
};

export interface GraphQLResponse {
  data?: any;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** Sorted ids of a list of nodes, for comparing sets of entities. */
export const ids = (items: readonly { id: string }[]): string[] => items.map((item) => item.id).sort();

/** Throws with the errors when a response that must succeed carries any, else returns its data. */
export function dataOf(response: GraphQLResponse): any {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** True for a socket the server closed while the client reused it (a keep-alive race, not an answer). */
const isReset = (error: unknown): boolean =>
  error instanceof TypeError && (error.cause as { code?: string } | undefined)?.code === 'ECONNRESET';

/**
 * POSTs a GraphQL operation and returns the parsed body. A read is sent again once when the
 * socket was reset: on a loaded machine a test that computes for seconds between requests can
 * reuse a keep-alive socket the server has just closed. A mutation is never resent.
 */
export async function postGraphQL(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse> {
  const send = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    if (!isReset(error) || /^\s*mutation\b/.test(query)) throw error;
    response = await send();
  }
  return (await response.json()) as GraphQLResponse;
}

/** Reads one counter's total from a Prometheus text exposition. */
export async function readCounter(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * Builds the seeded template SQLite files. The global setup rebuilds them at the start of
 * every run (so a changed migration or seed is never tested against a stale copy); later
 * calls in the same run reuse them.
 */
export async function prepareTemplates(rebuild = false): Promise<void> {
  const marker = path.join(TEMPLATE_DIR, 'complete');
  if (!rebuild && fs.existsSync(marker)) return;
  fs.rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  for (const name of SUBGRAPH_NAMES) {
    await prepareDatabase(
      name,
      { client: 'sqlite', filename: path.join(TEMPLATE_DIR, `${name}.sqlite`) },
      { seed: TEST_SEED },
    );
  }
  fs.writeFileSync(marker, new Date().toISOString());
}

/** A fresh copy of the seeded template database of one subgraph, in its own temp folder. */
export function copyTemplate(name: SubgraphName): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `commons-${name}-`));
  const filename = path.join(dir, `${name}.sqlite`);
  fs.copyFileSync(path.join(TEMPLATE_DIR, `${name}.sqlite`), filename);
  return filename;
}

export interface TestSubgraph {
  name: SubgraphName;
  url: string;
  port: number;
  db: Knex;
  /** Sends an operation as the gateway would (with its secret); extra headers e.g. a token. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  /** SQL statements this subgraph has run so far, read from its /metrics over HTTP. */
  sqlStatements(): Promise<number>;
  stop(): Promise<void>;
}

export interface TestSubgraphOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** A database the caller has prepared; by default a fresh copy of the seeded SQLite template. */
  database?: DatabaseConfig;
  /** Overrides of SETTINGS. */
  settings?: Partial<typeof SETTINGS>;
  /** Where the other subgraphs answer (production asks league and coop about a run's claims). */
  peerUrls?: Partial<Record<SubgraphName, string>>;
}

/** Starts one subgraph over HTTP, by default on a free port and its own copy of the seeded database. */
export async function startTestSubgraph(name: SubgraphName, options: TestSubgraphOptions = {}): Promise<TestSubgraph> {
  await prepareTemplates();
  const database = options.database ?? { client: 'sqlite', filename: copyTemplate(name) };
  const running = await startSubgraph(subgraphDefinitions[name], {
    database,
    host: '127.0.0.1',
    port: options.port ?? 0,
    settings: { ...SETTINGS, ...options.settings, peerUrls: options.peerUrls },
    secrets: SECRETS,
    logLevel: 'silent',
  });
  const metricsUrl = running.url.replace(/\/graphql$/, '/metrics');
  return {
    name,
    url: running.url,
    port: running.port,
    db: running.db,
    query: (query, variables, headers = {}) =>
      postGraphQL(running.url, query, variables, { [GATEWAY_SECRET_HEADER]: SECRETS.subgraphSecret, ...headers }),
    sqlStatements: () => readCounter(metricsUrl, 'commons_sql_statements_total'),
    async stop() {
      await running.stop();
      if (!options.database && database.client === 'sqlite') {
        fs.rmSync(path.dirname(database.filename), { recursive: true, force: true });
      }
    },
  };
}

export interface TestStack {
  gatewayUrl: string;
  subgraphs: Record<SubgraphName, TestSubgraph>;
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  /** SQL statements run by all four subgraphs so far. */
  sqlStatements(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * All four subgraphs on free ports over their own seeded SQLite copies (or the databases
 * given), and the gateway in front of them over HTTP, loading the committed supergraph file.
 */
export interface TestStackOptions {
  subgraphTimeoutMs?: number;
  /** Databases to start on, by subgraph; the others get fresh seeded SQLite copies. */
  databases?: Partial<Record<SubgraphName, DatabaseConfig>>;
  /** Overrides of the gateway's limits (defaults: the production defaults of lib/config.ts). */
  limits?: Partial<GatewayLimits>;
  production?: boolean;
  redisUrl?: string;
  /** /ready with each subgraph's URL, latency and error (READY_DETAILS). */
  readyDetails?: boolean;
  /** Overrides of the subgraphs' SETTINGS (e.g. a short cacheMaxAge). */
  settings?: Partial<typeof SETTINGS>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const start = (name: SubgraphName, peerUrls?: Partial<Record<SubgraphName, string>>) =>
    startTestSubgraph(name, { database: options.databases?.[name], settings: options.settings, peerUrls });
  // Production asks league and coop about a run's city and assets, so it starts once their URLs are known.
  const owners = await Promise.all(SUBGRAPH_NAMES.filter((name) => name !== 'production').map((name) => start(name)));
  const peerUrls = Object.fromEntries(owners.map((sg) => [sg.name, sg.url]));
  const started = [...owners, await start('production', peerUrls)];
  const subgraphs = Object.fromEntries(started.map((sg) => [sg.name, sg])) as Record<SubgraphName, TestSubgraph>;
  const gateway = await createGateway({
    supergraphSdl: fs.readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls: Object.fromEntries(started.map((sg) => [sg.name, sg.url])) as Record<SubgraphName, string>,
    subgraphTimeoutMs: options.subgraphTimeoutMs ?? 5000,
    limits: { ...loadConfig({}).gateway.limits, ...options.limits },
    introspection: !options.production,
    production: options.production ?? false,
    redisUrl: options.redisUrl,
    readyDetails: options.readyDetails,
    logger: createLogger('gateway', 'silent'),
    metrics: createMetrics('gateway'),
    secrets: SECRETS,
    // As in deployments, the catalogue pages its lists by the subgraphs' MAX_PAGE_SIZE.
    catalog: { ...loadConfig({}).catalog, pageSize: options.settings?.maxPageSize ?? SETTINGS.maxPageSize },
  });
  const port = await listen(gateway.server, 0, '127.0.0.1');
  const gatewayUrl = `http://127.0.0.1:${port}/graphql`;
  return {
    gatewayUrl,
    subgraphs,
    query: (query, variables, headers) => postGraphQL(gatewayUrl, query, variables, headers),
    async sqlStatements() {
      const counts = await Promise.all(started.map((sg) => sg.sqlStatements()));
      return counts.reduce((sum, n) => sum + n, 0);
    },
    async stop() {
      await close(gateway.server);
      await gateway.stop();
      await Promise.all(started.map((sg) => sg.stop()));
    },
  };
}

/** An Authorization header with a token for one role and scope, signed with the test secret. */
export async function bearer(role: Role, scope: string, expiresIn = '5m'): Promise<Record<string, string>> {
  const token = await issueToken(SECRETS.authSecret, { subject: `test:${role}:${scope}`, role, scope, expiresIn });
  return { authorization: `Bearer ${token}` };
}
