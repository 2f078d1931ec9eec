import path from 'node:path';
import { z } from 'zod';

/** The four layers, in the order they are started and composed. */
export const SUBGRAPH_NAMES = ['league', 'depository', 'coop', 'production'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  league: 4001,
  depository: 4002,
  coop: 4003,
  production: 4004,
};

/** Publisher types of the ADMS vocabulary (http://purl.org/adms/publishertype/), as DCAT-AP recommends for dct:type. */
export const PUBLISHER_TYPES = [
  'Academia-ScientificOrganisation',
  'Company',
  'IndustryConsortium',
  'LocalAuthority',
  'NationalAuthority',
  'NonGovernmentalOrganisation',
  'NonProfitOrganisation',
  'PrivateIndividual(s)',
  'RegionalAuthority',
  'StandardisationBody',
  'SupraNationalAuthority',
] as const;

/** Licences the catalogue's own data may be published under, by their EU licence-authority code. */
export const CATALOG_LICENSES = ['CC_BY_4_0', 'CC_BYSA_4_0', 'CC0', 'ODC_BY'] as const;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** A blank variable (`PORT=` in an .env file) means "use the default", not 0. */
function withoutBlanks(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value === undefined || value.trim() !== ''));
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().optional(),
  DB_POOL_MAX: positiveInt.default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPPRESSION_K: positiveInt.default(5),
  SEED: z.coerce.number().int().default(20170501),
  MAX_PAGE_SIZE: positiveInt.default(100),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).default(60),
  GATEWAY_PORT: port.default(DEFAULT_PORTS.gateway),
  SUBGRAPH_TIMEOUT_MS: positiveInt.default(5000),
  REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  MAX_ANSWER_BYTES: positiveInt.default(1_000_000),
  SUPERGRAPH_PATH: z.string().default('schema/supergraph.graphql'),
  MAX_DEPTH: positiveInt.default(12),
  MAX_ALIASES: positiveInt.default(15),
  // Demand control (gateway/cost.ts): above the largest legitimate operation (the catalogue's page of
  // 100 cities with their years, 10,101; an ingest of 10,000 events, 10,011), under the issue's attacks.
  MAX_COST: positiveInt.default(15_000),
  MAX_TOKENS: positiveInt.default(3000),
  MAX_DIRECTIVES: positiveInt.default(20),
  MAX_BODY_BYTES: positiveInt.default(100_000),
  MAX_WRITE_BODY_BYTES: positiveInt.default(4_000_000),
  MAX_JSON_DEPTH: positiveInt.default(64),
  READY_DETAILS: z.enum(['true', 'false']).default('false'),
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  EXPLORER: z.enum(['true', 'false']).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SUBGRAPH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LEAGUE_PORT: port.default(DEFAULT_PORTS.league),
  DEPOSITORY_PORT: port.default(DEFAULT_PORTS.depository),
  COOP_PORT: port.default(DEFAULT_PORTS.coop),
  PRODUCTION_PORT: port.default(DEFAULT_PORTS.production),
  LEAGUE_URL: z.url().optional(),
  DEPOSITORY_URL: z.url().optional(),
  COOP_URL: z.url().optional(),
  PRODUCTION_URL: z.url().optional(),
  LEAGUE_DATABASE_URL: z.string().optional(),
  DEPOSITORY_DATABASE_URL: z.string().optional(),
  COOP_DATABASE_URL: z.string().optional(),
  PRODUCTION_DATABASE_URL: z.string().optional(),
  PUBLIC_BASE_URL: z
    .url()
    .regex(/^https?:\/\/[^?#]*$/, 'must be an http(s) URL without query or fragment')
    .optional(),
  CATALOG_PUBLISHER_NAME: z.string().min(1).max(200).default('Commons Graph'),
  CATALOG_PUBLISHER_URL: z.url().optional(),
  CATALOG_PUBLISHER_TYPE: z.enum(PUBLISHER_TYPES).default('NonProfitOrganisation'),
  CATALOG_CONTACT_EMAIL: z.email().optional(),
  CATALOG_LICENSE: z.enum(CATALOG_LICENSES).default('CC_BY_4_0'),
  CATALOG_ISSUED: z.iso.date().optional(),
});

type Env = z.infer<typeof envSchema>;

/** Where and how one subgraph keeps its data. */
export type DatabaseConfig =
  { client: 'sqlite'; filename: string } | { client: 'pg'; connectionString: string; schema: string; poolMax?: number };

export function isPostgres(db: DatabaseConfig): db is Extract<DatabaseConfig, { client: 'pg' }> {
  return db.client === 'pg';
}

export interface SubgraphConfig {
  name: SubgraphName;
  host: string;
  port: number;
  url: string;
  database: DatabaseConfig;
}

/** Limits every request through the gateway is held to. */
export interface GatewayLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  maxBodyBytes: number;
  /** Body limit for requests whose token verified (writes such as a 10,000-event ingest batch). */
  maxWriteBodyBytes: number;
  /** Deepest JSON nesting of a body or a GET's `variables` / `extensions`, checked before parsing. */
  maxJsonDepth: number;
  /** Requests per minute per client address and per token; 0 turns rate limiting off. */
  rateLimitPerMinute: number;
  /** Time one operation's subgraph fetches may take together; each fetch's deadline is sent with it. */
  requestTimeoutMs: number;
  /** Largest answer (JSON bytes) the gateway receives from its subgraphs for one operation, returns or caches. */
  maxAnswerBytes: number;
}

export interface GatewaySettings {
  port: number;
  supergraphPath: string;
  subgraphTimeoutMs: number;
  limits: GatewayLimits;
  /** Schema introspection and field suggestions; off by default in production. */
  introspection: boolean;
  /** GraphiQL at GET /graphql for browsers; follows introspection unless set. */
  explorer: boolean;
  /** Shared counters (rate limits) live here when set; in memory otherwise. */
  redisUrl?: string;
  /** /ready names each subgraph's URL, latency and error; off, it tells only up or down. */
  readyDetails: boolean;
}

/** What the DCAT-AP catalogue at /catalog.ttl says about who publishes it and under which terms. */
export interface CatalogSettings {
  /**
   * Absolute URL the gateway is reached at (no trailing slash), the root of every IRI and file
   * URL in the catalogue. Unset: the address and port each request arrived at.
   */
  publicBaseUrl?: string;
  /** foaf:name of the catalogue's publisher (the platform operator). */
  publisherName: string;
  /** The publisher's website, when it has one. */
  publisherUrl?: string;
  /** ADMS publisher type. */
  publisherType: (typeof PUBLISHER_TYPES)[number];
  /** Contact e-mail of the catalogue's contact point; unset, the contact point is the gateway's home page. */
  contactEmail?: string;
  /** Licence of the graph's own data (sharing, footprint, application registry). */
  license: (typeof CATALOG_LICENSES)[number];
  /** Date the catalogue was first published (dct:issued); unset, the day the gateway started. */
  issued?: string;
  /** Seconds a built catalogue or CSV file is reused and may be cached by clients. */
  maxAgeSeconds: number;
  /** Page size of the catalogue's own list operations: MAX_PAGE_SIZE, the largest the subgraphs allow. */
  pageSize: number;
}

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  seed: number;
  suppressionK: number;
  maxPageSize: number;
  /** Seconds a public read may be cached (and so be stale after a write). */
  cacheMaxAge: number;
  /** A subgraph's own bound on one request's work when the gateway sends no deadline (and the cap on one it sends). */
  requestTimeoutMs: number;
  /** Largest answer (JSON bytes) a subgraph builds for one request. */
  maxAnswerBytes: number;
  gateway: GatewaySettings;
  /** Signs and verifies bearer tokens; unset outside production means a local secret under DATA_DIR. */
  authSecret?: string;
  /** Proves to a subgraph that a request comes through the gateway; same fallback as authSecret. */
  subgraphSecret?: string;
  subgraphs: Record<SubgraphName, SubgraphConfig>;
  /** The DCAT-AP catalogue the gateway publishes. */
  catalog: CatalogSettings;
}

const upper = (name: SubgraphName) => name.toUpperCase() as Uppercase<SubgraphName>;

function databaseFor(name: SubgraphName, env: Env, dataDir: string): DatabaseConfig {
  const own = `${upper(name)}_DATABASE_URL` as const;
  const variable = env[own] ? own : 'DATABASE_URL';
  const url = env[variable];
  if (!url) return { client: 'sqlite', filename: path.join(dataDir, `${name}.sqlite`) };
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { client: 'pg', connectionString: url, schema: name, poolMax: env.DB_POOL_MAX };
  }
  if (url.startsWith('sqlite:')) return { client: 'sqlite', filename: url.slice('sqlite:'.length) };
  throw new Error(`Invalid configuration:\n  ${variable}: must start with postgres:// or sqlite:, got "${url}"`);
}

/**
 * Parses the environment once into a typed, validated configuration. A bad setting throws
 * an error that names the variable, so start-up stops with a message a person can act on.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutBlanks(source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const introspection = env.INTROSPECTION ? env.INTROSPECTION === 'true' : env.NODE_ENV !== 'production';
  const dataDir = path.resolve(env.DATA_DIR);
  const subgraph = (name: SubgraphName): SubgraphConfig => {
    const port = env[`${upper(name)}_PORT`];
    return {
      name,
      host: env.HOST,
      port,
      url: env[`${upper(name)}_URL`] ?? `http://${env.HOST}:${port}/graphql`,
      database: databaseFor(name, env, dataDir),
    };
  };
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    dataDir,
    seed: env.SEED,
    suppressionK: env.SUPPRESSION_K,
    maxPageSize: env.MAX_PAGE_SIZE,
    cacheMaxAge: env.CACHE_MAX_AGE,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    maxAnswerBytes: env.MAX_ANSWER_BYTES,
    gateway: {
      port: env.GATEWAY_PORT,
      supergraphPath: path.resolve(env.SUPERGRAPH_PATH),
      subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
      limits: {
        maxDepth: env.MAX_DEPTH,
        maxAliases: env.MAX_ALIASES,
        maxCost: env.MAX_COST,
        maxTokens: env.MAX_TOKENS,
        maxDirectives: env.MAX_DIRECTIVES,
        maxBodyBytes: env.MAX_BODY_BYTES,
        maxWriteBodyBytes: env.MAX_WRITE_BODY_BYTES,
        maxJsonDepth: env.MAX_JSON_DEPTH,
        rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
        requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
        maxAnswerBytes: env.MAX_ANSWER_BYTES,
      },
      introspection,
      explorer: env.EXPLORER ? env.EXPLORER === 'true' : introspection,
      redisUrl: env.REDIS_URL,
      readyDetails: env.READY_DETAILS === 'true',
    },
    authSecret: env.AUTH_SECRET,
    subgraphSecret: env.SUBGRAPH_SECRET,
    catalog: {
      publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      publisherName: env.CATALOG_PUBLISHER_NAME,
      publisherUrl: env.CATALOG_PUBLISHER_URL,
      publisherType: env.CATALOG_PUBLISHER_TYPE,
      contactEmail: env.CATALOG_CONTACT_EMAIL,
      license: env.CATALOG_LICENSE,
      issued: env.CATALOG_ISSUED,
      maxAgeSeconds: env.CACHE_MAX_AGE,
      pageSize: env.MAX_PAGE_SIZE,
    },
    subgraphs: {
      league: subgraph('league'),
      depository: subgraph('depository'),
      coop: subgraph('coop'),
      production: subgraph('production'),
    },
  };
}
