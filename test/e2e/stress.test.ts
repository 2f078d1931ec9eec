/**
 * Generated-operation stress test: operations built from the composed schema within the
 * gateway's limits (the deepest, widest and most aliased the generator makes, `first` at its
 * maximum through a variable) against the seeded stack in production mode. Each one is refused
 * (an HTTP 400, or GraphQL errors that all carry a code) or answered, within a stated time and
 * size; afterwards every subgraph still answers /health and the city report still works.
 * Deterministic (seeded), bounded in count and in total time.
 */
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { dataOf, startTestStack, type TestStack } from '../harness.js';
import { generateOperations, type GeneratedOperation, type IdPools } from '../operations.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';

const SEED = 20261207;
const COUNT = 90;
/** Operations are sent until this much time has gone by; the rest are left out (and counted). */
const RUN_BUDGET_MS = 45_000;
/** The stack's bounds: each operation's deadline and largest answer. */
const REQUEST_TIMEOUT_MS = 1500;
const MAX_ANSWER_BYTES = 500_000;
/**
 * The time bound stated for each operation: its deadline, plus the time a subgraph in this same
 * process takes to wind down a stopped request (the stack shares one event loop here).
 */
const ANSWER_WITHIN_MS = REQUEST_TIMEOUT_MS + 8_500;
/** Answer bytes: the limit and the JSON envelope around the data (errors, extensions). */
const ANSWER_AT_MOST_BYTES = MAX_ANSWER_BYTES + 4_000;

interface Outcome {
  operation: GeneratedOperation;
  status: number;
  bytes: number;
  ms: number;
  codes: (string | undefined)[];
  refused: boolean;
}

/** Ids by type, read through the graph, for the generated lookups. */
async function idPools(stack: TestStack): Promise<IdPools> {
  const lists: Record<string, string> = {
    City: 'cities',
    League: 'leagues',
    ProtocolCooperative: 'protocolCooperatives',
    CommonsApplication: 'applications',
    PlatformCooperative: 'platformCooperatives',
    OpenCooperative: 'openCooperatives',
    OpenDesign: 'openDesigns',
  };
  const query = `{ ${Object.values(lists)
    .map((field) => `${field}(first: 5) { nodes { id } }`)
    .join(' ')} }`;
  const data = dataOf(await stack.query(query));
  return Object.fromEntries(
    Object.entries(lists).map(([type, field]) => [type, data[field].nodes.map((node: { id: string }) => node.id)]),
  );
}

async function send(stack: TestStack, operation: GeneratedOperation): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const body = JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  const codes = (body.errors ?? []).map((error) => error.extensions?.code);
  const refused = response.status === 400 || (body.errors !== undefined && body.data === null);
  return { operation, status: response.status, bytes: Buffer.byteLength(text), ms, codes, refused };
}

describe('generated operations within the limits', () => {
  let stack: TestStack;
  const outcomes: Outcome[] = [];
  let generated: GeneratedOperation[] = [];
  beforeAll(async () => {
    stack = await startTestStack({
      production: true,
      subgraphTimeoutMs: REQUEST_TIMEOUT_MS,
      limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxAnswerBytes: MAX_ANSWER_BYTES },
      settings: { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxAnswerBytes: MAX_ANSWER_BYTES },
    });
    const sdl = await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/schema.graphql'))).text();
    const limits = loadConfig({}).gateway.limits;
    generated = generateOperations(
      buildSchema(sdl),
      { maxDepth: limits.maxDepth, maxAliases: limits.maxAliases, maxTokens: limits.maxTokens, maxPageSize: 100 },
      await idPools(stack),
      SEED,
      COUNT,
    );
    const started = performance.now();
    for (const operation of generated) {
      if (performance.now() - started > RUN_BUDGET_MS) break;
      outcomes.push(await send(stack, operation));
    }
    const refused = outcomes.filter((outcome) => outcome.refused).length;
    const byCode = new Map<string, number>();
    for (const outcome of outcomes.filter((o) => o.refused))
      byCode.set(String(outcome.codes[0]), (byCode.get(String(outcome.codes[0])) ?? 0) + 1);
    const codes = [...byCode].map(([code, n]) => `${n} ${code}`).join(', ');
    console.info(
      `stress: ${generated.length} generated, ${outcomes.length} sent, ${refused} refused, ` +
        `${outcomes.length - refused} answered (${outcomes.filter((o) => !o.refused && o.codes.length).length} with some fields cut); ` +
        `slowest ${Math.round(Math.max(...outcomes.map((o) => o.ms)))} ms, ` +
        `largest ${Math.max(...outcomes.map((o) => o.bytes))} bytes; refusals: ${codes || 'none'}`,
    );
  }, 120_000);
  afterAll(() => stack?.stop());

  it('sends most of the generated operations within the run budget', () => {
    expect(generated).toHaveLength(COUNT);
    expect(outcomes.length).toBeGreaterThanOrEqual(COUNT / 2);
  });

  it('refuses each one with a 400 or coded errors, or answers it, never a 500', () => {
    for (const outcome of outcomes) {
      expect([200, 400], outcome.operation.name).toContain(outcome.status);
      for (const code of outcome.codes) expect(code, outcome.operation.name).toMatch(/^[A-Z_]+$/);
    }
  });

  it(`answers each within ${ANSWER_WITHIN_MS} ms and ${ANSWER_AT_MOST_BYTES} bytes`, () => {
    for (const outcome of outcomes) {
      expect(outcome.bytes, outcome.operation.name).toBeLessThanOrEqual(ANSWER_AT_MOST_BYTES);
      expect(outcome.ms, outcome.operation.name).toBeLessThanOrEqual(ANSWER_WITHIN_MS);
    }
  });

  it('leaves every subgraph answering /health and the city report whole', async () => {
    for (const subgraph of Object.values(stack.subgraphs)) {
      const health = await fetch(subgraph.url.replace(/\/graphql$/, '/health'));
      expect(health.status, subgraph.name).toBe(200);
    }
    const report = dataOf(await stack.query(CITY_REPORT, { id: 'gent', ...REPORT_PERIOD }));
    expect(report.city.id).toBe('gent');
  });
});
