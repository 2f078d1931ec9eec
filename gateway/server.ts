import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import type http from 'node:http';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  SUBGRAPH_NAMES,
  loadConfig,
  type CatalogSettings,
  type GatewayLimits,
  type SubgraphName,
} from '../lib/config.js';
import { REQUEST_ERROR_CODES, formatErrorFor } from '../lib/errors.js';
import { RequestRefusal, createServiceServer, requestBodyBytes } from '../lib/http.js';
import { largeRequestsTakeTurns } from '../lib/turns.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { verifyAuthorization } from '../lib/auth.js';
import type { Secrets } from '../lib/secrets.js';
import { SubgraphDataSource, createSubgraphAgent, type GatewayContext } from './datasource.js';
import { createCatalogHandler } from './catalog/index.js';
import { createRecordHandler } from './records.js';
import { authRefusalStatus } from './auth-status.js';
import { createGbfsProxy } from './gbfs.js';
import { gatewayExecutor } from './catalog/execute.js';
import { costLimit } from './cost-limit.js';
import { createRateLimiter } from './rate-limit.js';
import { connectRedis } from './redis.js';
import { operationGuard } from './operation-guard.js';
import { cityExistsVia, createWebHandler } from './web.js';
import { responseCache } from './response-cache.js';
import { boundedWork } from './bounded-work.js';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph's /graphql is; overrides the URLs baked into the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /** A subgraph that takes longer costs only its own fields. */
  subgraphTimeoutMs: number;
  limits: GatewayLimits;
  introspection: boolean;
  /** GraphiQL at GET /graphql for browsers; default: as introspection. The dashboard is always served. */
  explorer?: boolean;
  /** Shared rate-limit counters and the shared response cache; both off without it. */
  redisUrl?: string;
  /** /ready names each subgraph's URL, latency and error; default false: up or down only. */
  readyDetails?: boolean;
  /** Production masks internal errors. */
  production: boolean;
  logger: Logger;
  metrics: Metrics;
  secrets: Secrets;
  includeStacktrace?: boolean;
  /** The DCAT-AP catalogue at /catalog.ttl; default: lib/config.ts's defaults. */
  catalog?: CatalogSettings;
}

export interface Gateway {
  server: http.Server;
  stop(): Promise<void>;
}

/**
 * An operation refused before execution (a limit, a syntax error) is the client's fault:
 * answer 400, not 500; and count token-limit refusals, which graphql-js reports as syntax errors.
 */
function rejectedOperationsAre400(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          if (errors.some((error) => /more th(?:an|at) \d+ tokens/.test(error.message)))
            metrics.rejectedRequests.inc({ reason: 'tokens' });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          if (errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code))))
            response.http.status = 400;
        },
      };
    },
  };
}

/** Subgraph state as /ready reports it with READY_DETAILS; without, only `up`. */
export interface SubgraphState {
  url: string;
  up: boolean;
  latencyMs: number;
  error?: string;
}

/** Asks one subgraph's /health, within a short bound. */
export async function probeSubgraph(url: string, timeoutMs = 1000): Promise<SubgraphState> {
  const started = performance.now();
  try {
    const response = await fetch(url.replace(/\/graphql$/, '/health'), { signal: AbortSignal.timeout(timeoutMs) });
    const latencyMs = Math.round(performance.now() - started);
    return response.ok ? { url, up: true, latencyMs } : { url, up: false, latencyMs, error: `HTTP ${response.status}` };
  } catch (error) {
    return { url, up: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/**
 * Builds the gateway over the static supergraph and its HTTP service (/graphql, /health,
 * /ready, /metrics); the caller starts listening.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const agent = createSubgraphAgent();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger,
    buildService: ({ name }) =>
      new SubgraphDataSource(
        name,
        options.subgraphUrls[name as SubgraphName],
        options.subgraphTimeoutMs,
        options.secrets.subgraphSecret,
        agent,
      ),
  });
  const { limits, metrics } = options;
  const reject = (reason: string) => () => metrics.rejectedRequests.inc({ reason });
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, onReject: [reject('depth')], propagateOnRejection: true },
    maxAliases: { n: limits.maxAliases, onReject: [reject('aliases')], propagateOnRejection: true },
    // Cost is estimated by ./cost-limit.ts from the supergraph's @cost/@listSize, with the variables applied.
    costLimit: { enabled: false },
    // Token limits are graphql-js's own parse option below: armor's parser throws outside Apollo's parse step (a 500).
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, onReject: [reject('directives')], propagateOnRejection: true },
    blockFieldSuggestion: { enabled: !options.introspection },
  }).protect();
  const catalogSettings = options.catalog ?? loadConfig({}).catalog;
  const redis = options.redisUrl ? connectRedis(options.redisUrl, options.logger) : undefined;
  const rateLimit = createRateLimiter(limits.rateLimitPerMinute, redis?.client);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: options.logger,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: !options.production && (options.includeStacktrace ?? false),
    // One operation per HTTP request: batching would multiply every limit by the batch size.
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: limits.maxTokens },
    formatError: formatErrorFor(options.production),
    validationRules: armor.validationRules,
    // graphql-armor is typed against @apollo/server's CJS declarations; the plugins are the same objects.
    plugins: [
      ...(armor.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
      costLimit<GatewayContext>({
        supergraphSdl: options.supergraphSdl,
        maxCost: limits.maxCost,
        // Every list of this graph declares its size; an undeclared one counts as a full page.
        defaultListSize: catalogSettings.pageSize,
        metrics,
      }),
      rejectedOperationsAre400(metrics),
      authRefusalStatus<GatewayContext>(),
      operationGuard<GatewayContext>(),
      boundedWork(limits, metrics),
      largeRequestsTakeTurns<GatewayContext>(),
      ...(redis ? [responseCache(redis.client, limits.maxAnswerBytes)] : []),
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await Promise.all([apollo.start(), redis?.ready]);
  let loaded = true;
  const catalog = createCatalogHandler({
    settings: catalogSettings,
    executorFor: gatewayExecutor(apollo),
    schema: () => gateway.schema,
    admit: rateLimit,
    logger: options.logger,
  });
  /**
   * The body a /graphql request may send, decided from its headers: the token is verified first,
   * and only a valid one earns the larger write limit; a bad one is refused before the body is read.
   */
  const bodyLimit = async (req: http.IncomingMessage): Promise<number> => {
    try {
      const viewer = await verifyAuthorization(options.secrets.authSecret, req.headers.authorization, {
        explain: !options.production,
      });
      return viewer ? limits.maxWriteBodyBytes : limits.maxBodyBytes;
    } catch (error) {
      throw new RequestRefusal(401, (error as Error).message, 'unauthenticated', {}, 'UNAUTHENTICATED');
    }
  };
  const ready = async () => {
    const states = await Promise.all(SUBGRAPH_NAMES.map((name) => probeSubgraph(options.subgraphUrls[name])));
    // Anonymous callers learn up or down; internal URLs and error texts only with READY_DETAILS.
    const shown = states.map((state) => (options.readyDetails ? state : { up: state.up }));
    const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, shown[i]]));
    const allUp = states.every((state) => state.up);
    const body = { status: !loaded ? 'starting' : allUp ? 'ready' : 'degraded', supergraph: loaded, subgraphs };
    return { status: loaded ? 200 : 503, body: JSON.stringify(body) };
  };
  // The gateway's one route table: pages, open data (catalogue, files, record documents) and GBFS, then /health, /ready, /metrics, /graphql.
  const server = createServiceServer({
    apollo,
    metrics: options.metrics,
    logger: options.logger,
    maxBodyBytes: limits.maxBodyBytes,
    bodyLimit,
    maxJsonDepth: limits.maxJsonDepth,
    admit: rateLimit,
    handlers: [
      ...createWebHandler({
        explorer: options.explorer ?? options.introspection,
        logger: options.logger,
        cityExists: cityExistsVia(gatewayExecutor(apollo)),
        admit: rateLimit,
      }),
      ...catalog,
      ...createRecordHandler({
        executorFor: gatewayExecutor(apollo),
        admit: rateLimit,
        maxAgeSeconds: catalogSettings.maxAgeSeconds,
        logger: options.logger,
      }),
      ...createGbfsProxy({
        coopUrl: options.subgraphUrls.coop,
        subgraphSecret: options.secrets.subgraphSecret,
        timeoutMs: options.subgraphTimeoutMs,
        publicBaseUrl: catalogSettings.publicBaseUrl,
        admit: rateLimit,
      }),
    ],
    context: async (req, requestId) => {
      const authorization = req.headers.authorization;
      // The token was verified before the body was read; subgraphs check it again.
      return { requestId, authorization, requestBytes: requestBodyBytes(req) };
    },
    routes: {
      '/health': async () => ({ status: 200, body: JSON.stringify({ status: 'ok' }) }),
      '/ready': ready,
    },
  });
  return {
    server,
    async stop() {
      loaded = false;
      await apollo.stop();
      agent.destroy();
      redis?.close();
    },
  };
}
