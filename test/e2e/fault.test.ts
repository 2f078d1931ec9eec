/**
 * A real subgraph process that dies or hangs mid-load costs only its own fields: the rest of
 * the answer arrives within the subgraph timeout, with errors naming the missing subgraph,
 * and full answers return without restarting the gateway once the process is back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../gateway/server.js';
import { loadConfig, type SubgraphName } from '../../lib/config.js';
import { close, listen } from '../../lib/http.js';
import { createLogger } from '../../lib/logger.js';
import { createMetrics } from '../../lib/metrics.js';
import { SUPERGRAPH_FILE } from '../../schema/compose.js';
import { copyTemplate, postGraphQL, SECRETS, startTestSubgraph, type TestSubgraph } from '../harness.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';

const TIMEOUT_MS = 1000;
const root = path.resolve(import.meta.dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The coop subgraph as its own process, exactly as `npm start` runs it. */
function spawnCoop(port: number, filename: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'subgraphs/coop/index.ts'], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      COOP_PORT: String(port),
      COOP_DATABASE_URL: `sqlite:${filename}`,
      AUTH_SECRET: SECRETS.authSecret,
      SUBGRAPH_SECRET: SECRETS.subgraphSecret,
      LOG_LEVEL: 'silent',
    },
  });
}

/**
 * Waits until the spawned coop answers its /health as coop. Between `freePort` and the child's
 * bind another test's server may take the port: then /health answers as another subgraph (the
 * gateway was once pointed at it) or the child exits on EADDRINUSE; either way this says false.
 */
async function coopIsUp(port: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.ok) return ((await response.json()) as { subgraph?: string }).subgraph === 'coop';
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Spawns the coop on a free port, trying another port if that one was taken meanwhile. */
async function startCoop(filename: string): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawnCoop(port, filename);
    if (await coopIsUp(port, child)) return { child, port };
    child.kill('SIGKILL');
  }
  throw new Error('the coop process never came up on a free port');
}

let coop: ChildProcess;
let coopPort: number;
let coopDb: string;
let others: TestSubgraph[];
let gateway: Awaited<ReturnType<typeof createGateway>>;
let gatewayUrl: string;
/** The same subgraphs behind a gateway in production mode, which masks internal errors. */
let productionGateway: Awaited<ReturnType<typeof createGateway>>;
let productionUrl: string;

beforeAll(async () => {
  coopDb = copyTemplate('coop');
  ({ child: coop, port: coopPort } = await startCoop(coopDb));
  others = await Promise.all((['league', 'depository', 'production'] as const).map((name) => startTestSubgraph(name)));
  const urls = Object.fromEntries(others.map((sg) => [sg.name, sg.url])) as Record<SubgraphName, string>;
  urls.coop = `http://127.0.0.1:${coopPort}/graphql`;
  const makeGateway = (production: boolean) =>
    createGateway({
      supergraphSdl: fs.readFileSync(SUPERGRAPH_FILE, 'utf8'),
      subgraphUrls: urls,
      subgraphTimeoutMs: TIMEOUT_MS,
      limits: loadConfig({}).gateway.limits,
      introspection: true,
      production,
      logger: createLogger('gateway', 'silent'),
      metrics: createMetrics('gateway'),
      secrets: SECRETS,
    });
  gateway = await makeGateway(false);
  gatewayUrl = `http://127.0.0.1:${await listen(gateway.server, 0, '127.0.0.1')}/graphql`;
  productionGateway = await makeGateway(true);
  productionUrl = `http://127.0.0.1:${await listen(productionGateway.server, 0, '127.0.0.1')}/graphql`;
}, 60_000);

afterAll(async () => {
  coop?.kill('SIGKILL');
  for (const g of [gateway, productionGateway]) if (g) await Promise.all([close(g.server), g.stop()]);
  await Promise.all(others.map((sg) => sg.stop()));
  fs.rmSync(path.dirname(coopDb), { recursive: true, force: true });
});

const report = (url = gatewayUrl) => postGraphQL(url, CITY_REPORT, { id: 'gent', ...REPORT_PERIOD });

/** Production runs with the coop-owned assets they delivered (all 6 seeded co-ops, within the cost budget). */
const RUN_ASSETS = `{ openCooperatives(first: 20) { nodes { productionRuns { id units assets { id kind } } } } }`;

/** Asserts that the errors name the coop subgraph with the public code and no address of it. */
function expectUnavailableCoop(answer: Awaited<ReturnType<typeof report>>, cause: RegExp) {
  const coopErrors = (answer.errors ?? []).filter((error) => error.extensions?.serviceName === 'coop');
  expect(coopErrors.length).toBeGreaterThan(0);
  for (const error of coopErrors) {
    expect(error.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(error.message).toMatch(cause);
    expect(error.message).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b/);
  }
}

/** Asserts an answer without the coop layer: everything else there, coop fields null, errors naming coop. */
function expectDegraded(answer: Awaited<ReturnType<typeof report>>) {
  expect(answer.data.city).toMatchObject({ id: 'gent', population: expect.any(Number) });
  expect(answer.data.city.leagues.length).toBeGreaterThan(0);
  expect(answer.data.city.adaptations.length).toBeGreaterThan(0);
  expect(answer.data.city.platformCooperatives).toBeNull();
  expect(answer.data.city.sharing).toBeNull();
  expect(JSON.stringify(answer.errors)).toMatch(/coop/);
}

describe('a subgraph process failing under load', () => {
  it('answers in full while the process is up', async () => {
    const answer = await report();
    expect(answer.errors).toBeUndefined();
    expect(answer.data.city.platformCooperatives.length).toBeGreaterThan(0);
    const runs = await postGraphQL(gatewayUrl, RUN_ASSETS);
    expect(runs.errors).toBeUndefined();
    for (const co of runs.data.openCooperatives.nodes)
      for (const run of co.productionRuns) expect(run.assets).toHaveLength(run.units);
  });

  it('loses only the coop fields when the process is killed mid-load, then recovers when it is back', async () => {
    const load = Array.from({ length: 40 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 10)).then(() => report()),
    );
    setTimeout(() => coop.kill('SIGKILL'), 150);
    const answers = await Promise.all(load);
    for (const answer of answers) {
      if (answer.errors) expectDegraded(answer);
      else expect(answer.data.city.platformCooperatives.length).toBeGreaterThan(0);
    }
    expectDegraded(await report());
    // A list of coop entities inside another subgraph's answer costs only itself.
    const runs = await postGraphQL(gatewayUrl, RUN_ASSETS);
    const allRuns = runs.data.openCooperatives.nodes.flatMap((co: { productionRuns: unknown[] }) => co.productionRuns);
    expect(allRuns.length).toBeGreaterThan(0);
    for (const run of allRuns) expect(run).toEqual({ id: expect.any(String), units: expect.any(Number), assets: null });
    // Production mode masks internal errors, but still says which part is missing and why.
    const masked = await report(productionUrl);
    expectDegraded(masked);
    expectUnavailableCoop(masked, /^Subgraph "coop" is unavailable: connection refused$/);

    coop = spawnCoop(coopPort, coopDb);
    expect(await coopIsUp(coopPort, coop)).toBe(true);
    const recovered = await report();
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.city.platformCooperatives.length).toBeGreaterThan(0);
  });

  it('bounds a hung process by the subgraph timeout, then recovers when it resumes', async () => {
    coop.kill('SIGSTOP');
    try {
      // Without the bound this request would never return; the error says the bound cut it.
      const answer = await report();
      expectDegraded(answer);
      expectUnavailableCoop(answer, new RegExp(`no answer within ${TIMEOUT_MS} ms$`));
    } finally {
      coop.kill('SIGCONT');
    }
    const recovered = await report();
    expect(recovered.errors).toBeUndefined();
  });
});
