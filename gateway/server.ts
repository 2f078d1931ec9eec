import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import type http from 'node:http';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/config.js';
import { createServiceServer } from '../lib/http.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { verifyAuthorization } from '../lib/auth.js';
import type { Secrets } from '../lib/secrets.js';
import { SubgraphDataSource, type GatewayContext } from './datasource.js';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph's /graphql is; overrides the URLs baked into the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /** A subgraph that takes longer costs only its own fields. */
  subgraphTimeoutMs: number;
  logger: Logger;
  metrics: Metrics;
  secrets: Secrets;
  includeStacktrace?: boolean;
}

export interface Gateway {
  server: http.Server;
  stop(): Promise<void>;
}

/** Subgraph state as /ready reports it. */
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
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger,
    buildService: ({ name }) =>
      new SubgraphDataSource(
        name,
        options.subgraphUrls[name as SubgraphName],
        options.subgraphTimeoutMs,
        options.secrets.subgraphSecret,
      ),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: options.logger,
    includeStacktraceInErrorResponses: options.includeStacktrace ?? false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  let loaded = true;
  const server = createServiceServer({
    apollo,
    metrics: options.metrics,
    logger: options.logger,
    context: async (req, requestId) => {
      const authorization = req.headers.authorization;
      // Refuse a bad token here, before any subgraph is asked; subgraphs check it again.
      await verifyAuthorization(options.secrets.authSecret, authorization);
      return { requestId, authorization };
    },
    routes: {
      '/health': async () => ({ status: 200, body: JSON.stringify({ status: 'ok' }) }),
      '/ready': async () => {
        const states = await Promise.all(SUBGRAPH_NAMES.map((name) => probeSubgraph(options.subgraphUrls[name])));
        const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, states[i]]));
        const allUp = states.every((state) => state.up);
        const body = { status: !loaded ? 'starting' : allUp ? 'ready' : 'degraded', supergraph: loaded, subgraphs };
        return { status: loaded ? 200 : 503, body: JSON.stringify(body) };
      },
    },
  });
  return {
    server,
    async stop() {
      loaded = false;
      await apollo.stop();
    },
  };
}
