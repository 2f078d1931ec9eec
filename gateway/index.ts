import fs from 'node:fs';
import { SUBGRAPH_NAMES } from '../lib/config.js';
import { loadConfig } from '../lib/config.js';
import { close, listen } from '../lib/http.js';
import { createLogger } from '../lib/logger.js';
import { createMetrics } from '../lib/metrics.js';
import { stopOnSignals } from '../lib/run-subgraph.js';
import { resolveSecrets } from '../lib/secrets.js';
import { createGateway } from './server.js';

const config = loadConfig();
const logger = createLogger('gateway', config.logLevel, { development: config.env === 'development' });
const gateway = await createGateway({
  supergraphSdl: fs.readFileSync(config.gateway.supergraphPath, 'utf8'),
  subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, config.subgraphs[name].url])) as Record<
    (typeof SUBGRAPH_NAMES)[number],
    string
  >,
  subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
  limits: config.gateway.limits,
  introspection: config.gateway.introspection,
  explorer: config.gateway.explorer,
  redisUrl: config.gateway.redisUrl,
  readyDetails: config.gateway.readyDetails,
  production: config.env === 'production',
  logger,
  metrics: createMetrics('gateway'),
  secrets: resolveSecrets(config),
  includeStacktrace: config.env === 'development',
  catalog: config.catalog,
});
const port = await listen(gateway.server, config.gateway.port, config.host);
stopOnSignals(logger, () => Promise.all([close(gateway.server), gateway.stop()]));
logger.info({ url: `http://${config.host}:${port}/graphql` }, 'gateway ready');
