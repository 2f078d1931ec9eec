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
  /** Readable log lines, routine requests at debug (development); JSON otherwise. */
  developmentLogs?: boolean;
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
  const logger = createLogger(name, options.logLevel, { development: options.developmentLogs });
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
    developmentLogs: config.env === 'development',
    includeStacktrace: config.env === 'development',
  });
  stopOnSignals(running.logger, running.stop);
  running.logger.info({ url: running.url }, `${definition.name} subgraph ready`);
}

/**
 * Stops the process once on the first SIGINT or SIGTERM: logs "stopping" once, runs `stop`,
 * exits 0 (1 if the stop failed). A second signal while stopping is ignored. Call it once the
 * service has started (after Apollo Server has installed its own handlers, which it replaces).
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<unknown>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Apollo Server installs its own handlers (stop, then re-raise the signal), and so does
    // tsx; with them the process either dies mid-stop or waits on Apollo's re-raise forever.
    // This process's stop is this one: the only handler.
    process.removeAllListeners(signal);
    process.on(signal, shutdown);
  }
}
