import type { Knex } from 'knex';
import { SUBGRAPH_NAMES, loadConfig, type DatabaseConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db.js';
import { close, listen } from './http.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { resolveSecrets, type Secrets } from './secrets.js';
import { createSubgraphService, type SubgraphDefinition, type SubgraphSettings } from './subgraph.js';

export interface StartSubgraphOptions {
  database: DatabaseConfig;
  host: string;
  port: number;
  settings: SubgraphSettings;
  secrets: Secrets;
  logLevel?: string;
  includeStacktrace?: boolean;
}

/** A running subgraph service. */
export interface RunningSubgraph {
  url: string;
  port: number;
  db: Knex;
  metrics: Metrics;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Opens the database, migrates it, builds the service and listens. Used by each
 * subgraph's `index.ts` and by the test harness, so both run the same start-up.
 */
export async function startSubgraph<Loaders>(
  definition: SubgraphDefinition<Loaders>,
  options: StartSubgraphOptions,
): Promise<RunningSubgraph> {
  const { name } = definition;
  const logger = createLogger(name, options.logLevel);
  const metrics = createMetrics(name);
  const db = openDatabase(options.database, { onStatement: () => metrics.sqlStatements.inc({ subgraph: name }) });
  await migrateToLatest(db, name, definition.migrations, options.database);
  const service = await createSubgraphService({
    definition,
    db,
    settings: options.settings,
    metrics,
    logger,
    secrets: options.secrets,
    includeStacktrace: options.includeStacktrace,
  });
  const port = await listen(service.server, options.port, options.host);
  const url = `http://${options.host}:${port}/graphql`;
  return {
    url,
    port,
    db,
    metrics,
    logger,
    async stop() {
      await close(service.server);
      await service.stop();
      await db.destroy();
    },
  };
}

/** Entry point of a subgraph process: configuration from the environment, clean stop on signals. */
export async function runSubgraph<Loaders>(definition: SubgraphDefinition<Loaders>): Promise<void> {
  const config = loadConfig();
  const own = config.subgraphs[definition.name];
  const running = await startSubgraph(definition, {
    database: own.database,
    host: own.host,
    port: own.port,
    settings: {
      suppressionK: config.suppressionK,
      maxPageSize: config.maxPageSize,
      cacheMaxAge: config.cacheMaxAge,
      peerUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, config.subgraphs[name].url])),
      requestTimeoutMs: config.requestTimeoutMs,
      maxAnswerBytes: config.maxAnswerBytes,
    },
    secrets: resolveSecrets(config),
    logLevel: config.logLevel,
    includeStacktrace: config.env === 'development',
  });
  running.logger.info({ url: running.url }, `${definition.name} subgraph ready`);
  const shutdown = (signal: string) => {
    running.logger.info({ signal }, 'stopping');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
