import fs from 'node:fs';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { buildSubgraphSchema } from '@apollo/subgraph';
// 2.14 (the newest @apollo/subgraph that declares Node 20) exports the resolver map type only from here.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { addResolversToSchema } from '@graphql-tools/schema';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Knex } from 'knex';
import { enforceListSizes } from './list-size.js';
import type { SubgraphName } from './config.js';
import { boundedDatabase, type Migration } from './db.js';
import { createServiceServer, headerValue, requestBodyBytes, type Refusal, type RequestHandler } from './http.js';
import { largeRequestsTakeTurns } from './turns.js';
import type { Logger } from './logger.js';
import { verifyAuthorization, type Viewer } from './auth.js';
import { GATEWAY_SECRET_HEADER, secretMatches, type Secrets } from './secrets.js';
import type { Metrics } from './metrics.js';
import {
  boundedExecution,
  requestBoundsOf,
  stopResolversWhenBounded,
  type RequestBounds,
} from './bounded-execution.js';
import { DeadlineExceededError } from './deadline.js';

/** Settings every resolver may need, parsed once from the configuration. */
export interface SubgraphSettings {
  suppressionK: number;
  maxPageSize: number;
  /** Max-age of every public read's cache hint, seconds. */
  cacheMaxAge: number;
  /**
   * Where the other subgraphs answer, for one that must ask an entity's owner about it (the
   * production subgraph checks cities with league and assets with coop before a run's claims).
   */
  peerUrls?: Partial<Record<SubgraphName, string>>;
  /** Bound on one request's work when the gateway sends no deadline, and the cap on one it sends (ms). */
  requestTimeoutMs: number;
  /** Largest answer one request may build (JSON bytes). */
  maxAnswerBytes: number;
}

/** The per-request context of every subgraph: its database, a fresh loader set, settings, the caller. */
export interface SubgraphContext<Loaders> {
  /** The database, through a handle whose statements stop at the request's deadline. */
  db: Knex;
  loaders: Loaders;
  settings: SubgraphSettings;
  /** The caller, from a token this subgraph verified itself; null for public reads. */
  viewer: Viewer | null;
  requestId: string;
  logger: Logger;
  /** The gateway secret, so this subgraph's own `_entities` calls to a peer are admitted like the gateway's. */
  subgraphSecret: string;
  /** When this request's work stops and how large its answer may grow. */
  bounds: RequestBounds;
  /** The size of the request's body: a large one takes turns with other requests (lib/turns.ts). */
  requestBytes: number;
}

/**
 * A subgraph's resolver map. Each subgraph types its own with the `Resolvers` that
 * `npm run codegen` generates from its SDL (subgraphs/<name>/generated/resolvers.ts), which
 * tsc checks against the schema; here it only needs to be an object.
 */
export type ResolverMap = object;

/** What makes one subgraph: its SDL, its resolvers and how to build its loaders. */
export interface SubgraphDefinition<Loaders> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  createLoaders(db: Knex, settings: SubgraphSettings): Loaders;
  migrations: Record<string, Migration>;
  /**
   * Plain HTTP routes beside /graphql (the coop subgraph's GBFS feeds). Each handler must refuse
   * what `admit` refuses (requests without the gateway secret), as /graphql does.
   */
  createHandlers?(services: {
    db: Knex;
    settings: SubgraphSettings;
    secrets: Secrets;
    logger: Logger;
    admit: (req: http.IncomingMessage) => Promise<Refusal | null>;
  }): RequestHandler[];
}

/**
 * A definition whose loader type is not known statically: tools that handle all four
 * subgraphs (start-up, seeding, tests) only pass definitions through.
 */
export type AnySubgraphDefinition = SubgraphDefinition<any>;

/** Reads a subgraph's `schema.graphql` from beside the calling module. */
export function loadTypeDefs(moduleUrl: string): DocumentNode {
  return parse(fs.readFileSync(new URL('./schema.graphql', moduleUrl), 'utf8'));
}

/**
 * Builds the federated schema. The resolver map is first checked against the SDL with
 * @graphql-tools/schema, so a resolver for a field that does not exist fails the build
 * instead of being silently ignored. Every resolver stops once its request is past its bounds.
 */
export function buildSchema<Loaders>(definition: SubgraphDefinition<Loaders>): GraphQLSchema {
  const { typeDefs, resolvers } = definition;
  addResolversToSchema({
    schema: buildSubgraphSchema([{ typeDefs }]),
    resolvers: resolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
  // Every @listSize the gateway's cost estimate counts on is enforced by the subgraph itself,
  // and every resolver stops when the request's deadline or answer budget is spent.
  const checked = resolvers as GraphQLResolverMap<SubgraphContext<Loaders>>;
  return stopResolversWhenBounded(enforceListSizes(buildSubgraphSchema([{ typeDefs, resolvers: checked }]), typeDefs));
}

export interface SubgraphServiceOptions<Loaders> {
  definition: SubgraphDefinition<Loaders>;
  db: Knex;
  settings: SubgraphSettings;
  metrics: Metrics;
  logger: Logger;
  secrets: Secrets;
  /** Development mode shows error details; production masks them. */
  includeStacktrace?: boolean;
}

export interface SubgraphService {
  server: http.Server;
  stop(): Promise<void>;
}

/** Admits only requests carrying the gateway secret, so the gateway's limits cannot be bypassed. */
function fromGatewayOnly(subgraphSecret: string): (req: http.IncomingMessage) => Promise<Refusal | null> {
  return async (req) =>
    secretMatches(headerValue(req, GATEWAY_SECRET_HEADER), subgraphSecret)
      ? null
      : {
          status: 401,
          reason: 'not_from_gateway',
          message: 'Subgraphs answer only requests that come through the gateway.',
        };
}

/** Builds (but does not start listening) the HTTP service of one subgraph. */
export async function createSubgraphService<Loaders>(
  options: SubgraphServiceOptions<Loaders>,
): Promise<SubgraphService> {
  const { definition, db, settings, metrics, logger, secrets } = options;
  const apollo = new ApolloServer<SubgraphContext<Loaders>>({
    schema: buildSchema(definition),
    includeStacktraceInErrorResponses: options.includeStacktrace ?? false,
    logger,
    // Every public read may be cached for cacheMaxAge seconds; the gateway honours the
    // Cache-Control header this produces. Writes (mutations) are never cached.
    plugins: [
      ApolloServerPluginCacheControl({ defaultMaxAge: settings.cacheMaxAge }),
      boundedExecution(metrics),
      largeRequestsTakeTurns(),
    ],
  });
  await apollo.start();
  const admit = fromGatewayOnly(secrets.subgraphSecret);
  const server = createServiceServer({
    apollo,
    metrics,
    logger,
    handlers: definition.createHandlers?.({ db, settings, secrets, logger, admit }),
    admit,
    context: async (req, requestId) => {
      const fromGateway = secretMatches(headerValue(req, GATEWAY_SECRET_HEADER), secrets.subgraphSecret);
      const bounds = requestBoundsOf(req, fromGateway, settings);
      const requestDb = boundedDatabase(db, bounds.deadline, () => new DeadlineExceededError());
      return {
        db: requestDb,
        loaders: definition.createLoaders(requestDb, settings),
        settings,
        viewer: await verifyAuthorization(secrets.authSecret, req.headers.authorization),
        requestId,
        logger: logger.child({ requestId }),
        bounds,
        requestBytes: requestBodyBytes(req),
        subgraphSecret: secrets.subgraphSecret,
      };
    },
    routes: {
      '/health': async () => {
        await db.raw('select 1');
        return { status: 200, body: JSON.stringify({ status: 'ok', subgraph: definition.name }) };
      },
    },
  });
  return { server, stop: () => apollo.stop() };
}
