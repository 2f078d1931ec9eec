/**
 * `npm run bench:worst`: the worst operations we know that pass the gateway's limits, fired at
 * the stack in production mode (four subgraph processes and the gateway, as `npm start` runs
 * them, on a freshly seeded SQLite folder), then each process's peak resident memory (VmHWM)
 * and whether it is still alive. Also prints the size of the largest legitimate answers, which
 * MAX_ANSWER_BYTES must leave room for. Figures go to docs/security.md ("Bounded work").
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { SUBGRAPH_NAMES, loadConfig } from '../lib/config.js';
import { prepareDatabase } from '../seeds/prepare.js';
import { generateOperations } from '../test/operations.js';
import { CITY_REPORT } from '../test/queries.js';
import { describeMachine } from './machine.js';
import { startCommonsGateway, startSubgraphs, type CommonSettings } from './services.js';
import { ROOT, stopAll, type Service } from './stack.js';

/** Peak resident memory of a process so far (VmHWM), MiB; NaN where /proc is missing. */
function peakMiB(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

const alive = (service: Service) => service.child.exitCode === null && service.child.signalCode === null;

/** `a { b { a { ... leaf } } }`, `depth` levels of two alternating list fields. */
function alternating(depth: number, a: string, b: string, leaf: string): string {
  let selection = leaf;
  for (let level = depth; level > 0; level--) selection = `${level % 2 ? a : b} { ${selection} }`;
  return selection;
}

const aliased = (count: number, field: string) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

/** The operations of issue 11, and a page of every city with every field, 15 times over. */
const WORST = {
  'league bomb (15 × depth 11)': aliased(
    15,
    `league(id: "eurocities") { ${alternating(9, 'members', 'leagues', 'id')} }`,
  ),
  'deployment fan-out (15 × depth 11)': aliased(
    15,
    `application(id: "muniride") { ${alternating(9, 'deployments', 'application', 'id')} }`,
  ),
};

const CITY_FIELDS = `id name countryCode population populationYear populationSource latitude longitude
  leagues { id name } pledges { id amountEur } adaptations { id title status }
  platformCooperatives { id name sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses utilizationRate } }
  sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { uses utilizationRate avoidedKgCO2e }
  footprint(year: 2025) { embodiedKgCO2e netKgCO2e }`;

async function post(url: string, query: string, variables: Record<string, unknown> = {}) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
  const codes = [...new Set((body.errors ?? []).map((error) => error.extensions?.code))].join(',');
  return {
    status: response.status,
    bytes: Buffer.byteLength(text),
    ms: Math.round(performance.now() - started),
    codes,
  };
}

const runDir = path.join(ROOT, 'bench', '.tmp', 'worst-case');
fs.rmSync(runDir, { recursive: true, force: true });
const dataDir = path.join(runDir, 'data');
const config = loadConfig({ DATA_DIR: dataDir });
console.log(`Seeding ${path.relative(ROOT, dataDir)} ...`);
for (const name of SUBGRAPH_NAMES) await prepareDatabase(name, config.subgraphs[name].database, { seed: config.seed });

const settings: CommonSettings = {
  secrets: {
    authSecret: crypto.randomBytes(24).toString('hex'),
    subgraphSecret: crypto.randomBytes(24).toString('hex'),
  },
  logLevel: 'warn',
  verbose: false,
  gatewayNodeArgs: [],
};
try {
  const { services, urls } = await startSubgraphs({ dataDir }, settings);
  const gateway = await startCommonsGateway({ name: 'gateway', subgraphs: urls, settings, rateLimitPerMinute: 0 });
  const all = [...services, gateway];
  const idle = Object.fromEntries(all.map((service) => [service.name, peakMiB(service.child.pid)]));

  console.log('\nLargest legitimate answers:');
  const legit = {
    'cities(first: 100), every field': [
      `query($n: Int) { cities(first: $n) { nodes { ${CITY_FIELDS} } } }`,
      { n: 100 },
    ],
    'CityReport, Barcelona': [CITY_REPORT, { id: 'barcelona', from: '2025-01-01', to: '2025-12-31', year: 2025 }],
    'emissionFactors(first: 100)': [
      `{ emissionFactors(first: 100) { nodes { id category name unit kgCO2ePerUnit source license year notes } } }`,
      {},
    ],
  } as const;
  for (const [label, [query, variables]] of Object.entries(legit)) {
    const result = await post(gateway.url, query, variables);
    console.log(`  ${label.padEnd(40)} ${String(result.bytes).padStart(9)} bytes ${result.codes}`);
  }
  const catalog = await fetch(gateway.url.replace(/\/graphql$/, '/catalog.ttl'));
  console.log(
    `  ${'/catalog.ttl (pages of 100)'.padEnd(40)} ${String((await catalog.text()).length).padStart(9)} bytes`,
  );

  console.log('\nWorst operations (one at a time, then four at once):');
  const sdl = await (await fetch(gateway.url.replace(/\/graphql$/, '/schema.graphql'))).text();
  const limits = config.gateway.limits;
  const generated = generateOperations(
    buildSchema(sdl),
    { maxDepth: limits.maxDepth, maxAliases: limits.maxAliases, maxTokens: limits.maxTokens, maxPageSize: 100 },
    {},
    20261207,
    30,
  );
  const operations: [string, string, Record<string, unknown>][] = [
    ...Object.entries(WORST).map(([label, query]) => [label, query, {}] as [string, string, Record<string, unknown>]),
    [
      `15 × cities(first: $n = 100), every field`,
      aliased(15, `cities(first: $n) { nodes { ${CITY_FIELDS} } }`).replace('{', 'query($n: Int) {'),
      { n: 100 },
    ],
    ...generated.map(
      (op) => [`generated ${op.name}`, op.query, op.variables] as [string, string, Record<string, unknown>],
    ),
  ];
  for (const [label, query, variables] of operations) {
    const result = await post(gateway.url, query, variables);
    if (!label.startsWith('generated'))
      console.log(
        `  ${label.padEnd(44)} ${result.status} ${String(result.ms).padStart(6)} ms ${String(result.bytes).padStart(9)} bytes ${result.codes}`,
      );
  }
  console.log(`  (and ${generated.length} generated operations)`);
  const sequential = Object.fromEntries(all.map((service) => [service.name, peakMiB(service.child.pid)]));
  const burst = await Promise.all(
    Object.values(WORST).flatMap((query) => [post(gateway.url, query), post(gateway.url, query)]),
  );
  console.log(
    `  four at once: ${burst.map((result) => `${result.status} ${result.ms} ms ${result.codes}`).join('; ')}`,
  );

  console.log('\nPeak resident memory (VmHWM), MiB: idle, after one operation at a time, after four at once:');
  console.log(`  ${'process'.padEnd(12)} ${'idle'.padStart(6)} ${'one'.padStart(6)} ${'four'.padStart(6)}  alive`);
  for (const service of all) {
    const healthy = alive(service) && (await fetch(service.url.replace(/\/graphql$/, '/health'))).ok;
    console.log(
      `  ${service.name.padEnd(12)} ${idle[service.name]!.toFixed(0).padStart(6)} ${sequential[service.name]!.toFixed(0).padStart(6)} ${peakMiB(service.child.pid).toFixed(0).padStart(6)}  ${healthy ? 'yes' : 'NO'}`,
    );
  }
  const machine = describeMachine();
  console.log(
    `\nMachine: ${machine.cpuModel}, ${machine.cpuCount} CPUs (${machine.availableParallelism} available), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`,
  );
} finally {
  await stopAll();
}
