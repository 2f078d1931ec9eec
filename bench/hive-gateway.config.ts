/**
 * Hive Gateway (MIT) serving our committed supergraph over the same subgraphs as our gateway,
 * for the benchmark's side-by-side figures. The bench starts it with
 * `hive-gateway supergraph schema/supergraph.graphql -c bench/hive-gateway.config.ts` and passes
 * the subgraph URLs, the shared gateway secret and (for the cache scenarios) Redis through the
 * environment. The limits match our gateway's defaults where Hive has a built-in equivalent,
 * demand control included: Hive's `demandControl` reads the same @cost/@listSize of the same
 * supergraph and refuses over the same budget (MAX_COST, lib/config.ts's default unless set),
 * with the same code, COST_ESTIMATED_TOO_EXPENSIVE. It estimates per subgraph fetch, not per
 * operation: see docs/security.md, "Demand control", for how its figure differs from ours.
 *
 * BENCH_HIVE_PLANNER=rust (the bench's `hive-rust` target) swaps Hive's JavaScript query planner
 * for the Rust one of @graphql-hive/router-runtime, plugged in as `unifiedGraphHandler`; every
 * other setting stays the same, so the two Hive targets differ only in how they plan and execute.
 */
import { defineConfig, type UnifiedGraphHandler } from '@graphql-hive/gateway';
import { loadConfig } from '../lib/config.js';

const SUBGRAPHS = ['league', 'depository', 'coop', 'production'] as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bench/hive-gateway.config.ts: ${name} must be set`);
  return value;
}

const secret = required('BENCH_SUBGRAPH_SECRET');
const redisUrl = process.env.BENCH_REDIS_URL;
const cacheTtlSeconds = Number(process.env.BENCH_CACHE_TTL_SECONDS ?? 60);
const { maxCost } = loadConfig({ MAX_COST: process.env.MAX_COST }).gateway.limits;
const planner = process.env.BENCH_HIVE_PLANNER ?? 'js';
if (planner !== 'js' && planner !== 'rust')
  throw new Error(`bench/hive-gateway.config.ts: BENCH_HIVE_PLANNER must be js or rust, got "${planner}"`);

/** The Rust planner's handler, loaded only for the `hive-rust` target so the JS-planner process never holds it. */
async function rustPlanner(): Promise<{ unifiedGraphHandler?: UnifiedGraphHandler }> {
  if (planner !== 'rust') return {};
  const { unifiedGraphHandler } = await import('@graphql-hive/router-runtime');
  return { unifiedGraphHandler };
}

export const gatewayConfig = defineConfig({
  ...(await rustPlanner()),
  // Every subgraph fetch goes to the bench's subgraph and proves itself as our gateway does.
  transportEntries: Object.fromEntries(
    SUBGRAPHS.map((name) => [
      name,
      { location: required(`BENCH_${name.toUpperCase()}_URL`), headers: [['x-gateway-secret', secret]] },
    ]),
  ),
  // The caller's token, for writes, as our gateway forwards it (Hive Gateway adds a request id itself).
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
  logging: 'warn',
  graphiql: false,
  landingPage: false,
  maxDepth: 12,
  maxTokens: 3000,
  blockFieldSuggestions: true,
  // Lists without @listSize count as one item (Hive's default); every list of ours has one, and
  // a default here would also multiply each `_entities` fetch by it.
  demandControl: { maxCost, includeExtensionMetadata: false },
  // The shared response cache of the cache scenarios: public reads, one entry per operation and
  // variables, as long as our subgraphs' default max-age; keys under the prefix the bench flushes,
  // one prefix per planner so neither Hive target is ever served the other's entries.
  ...(redisUrl
    ? {
        cache: { type: 'redis' as const, url: redisUrl, keyPrefix: `commons-rc:hive-${planner}:`, lazyConnect: false },
        responseCaching: { session: () => null, ttl: cacheTtlSeconds * 1000 },
      }
    : {}),
});
