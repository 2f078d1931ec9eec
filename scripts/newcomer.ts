/**
 * A newcomer's first hour, scripted on a fresh clone (run by .ci/run after `npm test`):
 *
 *   1. `git clone` of this commit into a temporary folder, `npm ci` there (timed);
 *   2. `npm start` on free ports (GATEWAY_PORT and <SUBGRAPH>_PORT), until `/ready` says ready
 *      and the output names the gateway; every URL it prints opens;
 *   3. the README's examples as written (read from README.md, so a README that drifts fails):
 *      each GraphQL example answers its documented answer, by POST and by GET; each shell
 *      example runs in the clone and its write is answered;
 *   4. every import of the official samples in STANDARDS_DIR that docs/open-data.md documents;
 *   5. every link the graph publishes (the exports' record URLs, the catalogue, the GBFS feeds,
 *      the dashboard's pages) opens with a plain GET and shows its record;
 *   6. Ctrl-C: SIGINT to the process group, and every process is gone, every port closed.
 *
 * Exits 1 naming the step and what failed. Options (environment):
 *   STANDARDS_DIR        the official samples; default ../shared/standards beside the checkout.
 *                        Absent: step 4 is skipped with a warning, or fails when CI is set.
 *   NEWCOMER_REUSE_INSTALL=<checkout>  development shortcut: link that checkout's node_modules
 *                        and web/dist instead of `npm ci` (refused when CI is set).
 *   NEWCOMER_KEEP=1      keep the temporary folder (its path is printed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gatewayUrls, unopened } from './newcomer/links.js';
import { README_ORIGIN, commandBlocks, graphqlExamples, readmeBlocks } from './newcomer/readme.js';
import { sampleImports } from './newcomer/samples.js';
import {
  controlC,
  freePorts,
  killGroup,
  mustRun,
  newcomerEnv,
  npmStart,
  run,
  waitForReady,
  type RunningStart,
} from './newcomer/stack.js';

const source = path.resolve(import.meta.dirname, '..');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs one step, printing its name, time and what it says; a failure names the step. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  process.stdout.write(`newcomer: ${name} ... `);
  try {
    const result = await body();
    const said = typeof result === 'string' ? `: ${result}` : '';
    console.log(`ok (${seconds(performance.now() - started)})${said}`);
    return result;
  } catch (error) {
    console.log('FAILED');
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/** The first place two JSON values differ, as a path with both values, or null. */
function firstDifference(actual: unknown, expected: unknown, at = '$'): string | null {
  if (isDeepStrictEqual(actual, expected)) return null;
  if (typeof actual === 'object' && typeof expected === 'object' && actual && expected) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const key of keys) {
      const found = firstDifference((actual as any)[key], (expected as any)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at}: answered ${JSON.stringify(actual)}, README says ${JSON.stringify(expected)}`;
}

async function clone(work: string): Promise<string> {
  const commit = (await mustRun('git', ['rev-parse', 'HEAD'], source, process.env)).stdout.trim();
  const dirty = (await mustRun('git', ['status', '--porcelain'], source, process.env)).stdout.trim();
  if (dirty) console.warn(`\nnewcomer: uncommitted changes in ${source} are not part of this run (commit ${commit})`);
  const target = path.join(work, 'commons-graph');
  await mustRun('git', ['clone', '--quiet', '--no-checkout', source, target], work, process.env);
  await mustRun('git', ['checkout', '--quiet', '--detach', commit], target, process.env);
  return target;
}

async function install(target: string, env: NodeJS.ProcessEnv): Promise<string> {
  const reuse = process.env.NEWCOMER_REUSE_INSTALL;
  if (reuse) {
    if (process.env.CI) fail('NEWCOMER_REUSE_INSTALL is a development shortcut; CI runs the real npm ci');
    for (const dir of ['node_modules', path.join('web', 'dist')])
      fs.symlinkSync(path.resolve(reuse, dir), path.join(target, dir));
    return `linked node_modules and web/dist of ${reuse} (development shortcut, no npm ci)`;
  }
  const started = performance.now();
  const { stdout, stderr } = await mustRun('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], target, env);
  const warnings = `${stdout}\n${stderr}`.split('\n').filter((line) => /^npm warn/i.test(line)).length;
  return `npm ci --prefer-offline took ${seconds(performance.now() - started)}, ${warnings} warning lines`;
}

/** Each GraphQL example of the README, by POST and by GET, answers its documented answer. */
async function readmeQueries(target: string, base: string): Promise<string> {
  const examples = graphqlExamples(readmeBlocks(target));
  if (examples.length === 0) fail('README.md has no graphql example');
  for (const { query, variables, answer } of examples) {
    const post = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    // GET as the README describes it: the query in the URL, with the preflight header.
    const url = new URL(`${base}/graphql`);
    url.searchParams.set('query', query);
    if (variables) url.searchParams.set('variables', JSON.stringify(variables));
    const get = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
    for (const [method, response] of [
      ['POST', post],
      ['GET', get],
    ] as const) {
      const body = (await response.json()) as { errors?: unknown };
      if (response.status !== 200 || body.errors) fail(`${method} ${name}: ${response.status} ${JSON.stringify(body)}`);
      const difference = answer === undefined ? null : firstDifference(body, answer);
      if (difference) fail(`${method} ${name} differs from the README's answer at ${difference}`);
    }
  }
  return `${examples.length} by POST and GET`;
}

/**
 * The README's command blocks: installing and starting is what this run does, `npm test` is
 * .ci/run's own step, and every other block is run as written in the clone's shell (the
 * README's address replaced by this stack's), twice: a documented write answers every event,
 * and again as duplicates, since writes are idempotent by id.
 */
async function readmeCommands(target: string, base: string, env: NodeJS.ProcessEnv): Promise<string> {
  let ran = 0;
  for (const block of commandBlocks(readmeBlocks(target))) {
    const text = block.text.trim();
    if (text === 'npm install && npm start' || text === 'npm test') continue;
    if (!text.includes(README_ORIGIN)) fail(`README example does not use ${README_ORIGIN}: ${text.split('\n')[0]}`);
    const script = text.replaceAll(README_ORIGIN, base);
    for (const round of ['first', 'again']) {
      const { stdout, stderr, code } = await run('bash', ['-euo', 'pipefail', '-c', script], target, env);
      const answer = JSON.parse(stdout || 'null') as { data?: Record<string, any>; errors?: unknown } | null;
      if (code !== 0 || !answer?.data || answer.errors)
        fail(`the example "${text.split('\n')[0]}" (${round}) exited ${code}: ${stdout}${stderr}`);
      const results = Object.values(answer.data).flatMap((field) => field?.results ?? []) as { status: string }[];
      const expected = round === 'first' ? 'ACCEPTED' : 'DUPLICATE';
      const wrong = results.filter((result) => result.status.toUpperCase() !== expected);
      if (wrong.length > 0) fail(`the example "${text.split('\n')[0]}" (${round}): ${JSON.stringify(wrong)}`);
    }
    ran += 1;
  }
  if (ran === 0) fail('README.md shows no shell example to run');
  return `${ran} run twice`;
}

/** Every documented import of the official samples, with its documented exit code and report. */
async function officialSamples(target: string, env: NodeJS.ProcessEnv): Promise<string> {
  const standards = process.env.STANDARDS_DIR ?? path.resolve(source, '..', 'shared', 'standards');
  if (!fs.existsSync(standards)) {
    const where = `${standards} is absent (set STANDARDS_DIR; see README)`;
    if (process.env.CI) fail(`CI requires the official samples: ${where}`);
    return `SKIPPED: ${where}`;
  }
  const imports = sampleImports(standards, fs.readFileSync(path.join(target, 'docs', 'open-data.md'), 'utf8'));
  // Each kind writes its own subgraph's database: the kinds run side by side, each in order.
  const kinds = [...new Set(imports.map(({ args }) => args[0]))];
  await Promise.all(
    kinds.map(async (kind) => {
      for (const { args, exit, says } of imports.filter(({ args }) => args[0] === kind)) {
        const { code, stdout, stderr } = await run('npm', ['run', 'import', '--', ...args], target, env);
        const output = `${stdout}${stderr}`;
        if (code !== exit || !says.test(output))
          fail(`npm run import -- ${args.join(' ')}: exit ${code} (documented ${exit}), expected ${says}:\n${output}`);
      }
    }),
  );
  return `${imports.length} imports as documented`;
}

/**
 * Every link the graph publishes: the record URLs in the exports (written as a newcomer runs
 * them, default base URL), the catalogue's URLs, each GBFS discovery file's feeds, the
 * dashboard's page of every city.
 */
async function publishedLinks(target: string, base: string, env: NodeJS.ProcessEnv, work: string): Promise<string> {
  const exportsDir = path.join(work, 'exports');
  const texts: string[] = [];
  await Promise.all(
    ['publiccode', 'okh', 'gbfs'].map((kind) =>
      mustRun('npm', ['run', 'export', '--', kind, '--all', '--out', path.join(exportsDir, kind)], target, env),
    ),
  );
  for (const name of fs.readdirSync(exportsDir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(exportsDir, name);
    if (fs.statSync(file).isFile()) texts.push(fs.readFileSync(file, 'utf8'));
  }
  for (const catalogue of ['catalog.ttl', 'catalog.jsonld'])
    texts.push(await (await fetch(`${base}/${catalogue}`)).text());
  const graph = (await (
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ cities(first: 100) { nodes { id } } }' }),
    })
  ).json()) as { data: { cities: { nodes: { id: string }[] } } };
  const pages = [`${base}/`, ...graph.data.cities.nodes.map((city) => `${base}/cities/${city.id}`)];
  const urls = [...new Set([...gatewayUrls(texts.join('\n'), base), ...pages])];
  const feeds = urls.filter((url) => url.endsWith('/gbfs.json'));
  for (const feed of feeds) urls.push(...gatewayUrls(await (await fetch(feed)).text(), base));
  const all = [...new Set(urls)].sort();
  const kinds = ['/data/applications/', '/data/designs/', '/data/cities/', '/gbfs/', '/cities/', '.csv'];
  const absent = kinds.filter((kind) => !all.some((url) => url.includes(kind)));
  if (absent.length > 0) fail(`no published link contains ${absent.join(', ')}`);
  const failures = await unopened(all, base);
  if (failures.length > 0) fail(`${failures.length} of ${all.length} links did not open:\n  ${failures.join('\n  ')}`);
  return `${all.length} links`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newcomer-'));
  let start: RunningStart | undefined;
  try {
    const target = await step('git clone', () => clone(work));
    const ports = await freePorts();
    const env = newcomerEnv(ports);
    const base = `http://127.0.0.1:${ports.gateway}`;
    await step('install', () => install(target, env));
    start = npmStart(target, env, path.join(work, 'npm-start.log'));
    let banner = '';
    await step(`npm start (gateway on ${ports.gateway})`, async () => {
      banner = await waitForReady(start!, base, 180_000);
    });
    const up = banner.split('\n').find((line) => / is up\b/.test(line));
    if (up) console.log(`           ${up.trim()}`);
    await step('every URL npm start prints opens', async () => {
      const printed = gatewayUrls(banner, base);
      if (printed.length === 0) fail('npm start printed no URL of the gateway');
      const failures = await unopened(printed, base);
      if (failures.length > 0) fail(failures.join('; '));
      return `${printed.length} URLs`;
    });
    await step("the README's GraphQL examples answer as documented", () => readmeQueries(target, base));
    await step("the README's shell examples", () => readmeCommands(target, base, env));
    await step('the official samples', () => officialSamples(target, env));
    await step('every published link', () => publishedLinks(target, base, env, work));
    const running = start;
    start = undefined;
    await step('Ctrl-C stops every process', async () => {
      const left = await controlC(running, Object.values(ports), 30_000);
      if (left.length > 0) fail(left.join('; '));
    });
    const kept = process.env.NEWCOMER_KEEP ? `; kept ${work}` : '';
    console.log(`newcomer: passed in ${seconds(performance.now() - started)}${kept}`);
  } catch (error) {
    console.error(`\nnewcomer: FAILED at ${(error as Error).message}`);
    const log = path.join(work, 'npm-start.log');
    if (fs.existsSync(log)) console.error(`--- last lines of npm start ---\n${tail(fs.readFileSync(log, 'utf8'), 40)}`);
    if (start?.child.pid) killGroup(start.child.pid);
    process.exitCode = 1;
  } finally {
    if (!process.env.NEWCOMER_KEEP) fs.rmSync(work, { recursive: true, force: true });
  }
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

await main();
