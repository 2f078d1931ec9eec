/**
 * `npm run seed:synthetic -- --cities 500 --coops 5000 --assets 100000 --events 10000000
 * [--seed N] [--batch 5000] [--append]`: grows the databases the usual configuration selects
 * (DATA_DIR SQLite files, or DATABASE_URL PostgreSQL schemas) by one deterministic synthetic
 * batch (seeds/synthetic.ts), migrating and seeding them first if needed.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { SUBGRAPH_NAMES, loadConfig } from '../lib/config.js';
import { openDatabase } from '../lib/db.js';
import { prepareDatabase } from '../seeds/prepare.js';
import { growSynthetic, type SyntheticPhase } from '../seeds/synthetic.js';

const USAGE =
  'usage: npm run seed:synthetic -- [--cities 500] [--coops 5000] [--assets 100000] [--events 10000000] [--seed N] [--batch 5000] [--append]';

/** A whole number flag, at least `min`; exits with the usage line when it is not one. */
function count(values: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const raw = values[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    console.error(`--${name} must be a whole number of at least ${min}, got "${String(raw)}"\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

const LABELS: Record<SyntheticPhase, string> = {
  plan: 'cities, co-ops, assets',
  events: 'usage events',
  bins: 'bins (co-ops)',
  analyze: 'statistics',
};

type Progress = { update(phase: SyntheticPhase, done: number, total: number): void; stop(): void };

/** One progress bar per phase, with rate and ETA, redrawn in place on a terminal. */
function progressBars(): Progress {
  const bars = new cliProgress.MultiBar(
    {
      format: '  {phase} [{bar}] {percentage}% | {value}/{total} | {speed}/s | ETA {eta_formatted}',
      hideCursor: true,
      stream: process.stdout,
      etaBuffer: 50,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const open = new Map<SyntheticPhase, { bar: cliProgress.SingleBar; started: number }>();
  return {
    update(phase, done, total) {
      let entry = open.get(phase);
      if (!entry) {
        entry = {
          bar: bars.create(total, 0, { phase: LABELS[phase].padEnd(22), speed: 0 }),
          started: performance.now(),
        };
        open.set(phase, entry);
      }
      const seconds = (performance.now() - entry.started) / 1000;
      entry.bar.update(done, { speed: seconds > 0 ? Math.round(done / seconds).toLocaleString('en') : 0 });
    },
    stop: () => bars.stop(),
  };
}

/**
 * Where nothing can be redrawn (CI, a log file): a plain line per phase every few seconds
 * with the same figures, and one when the phase completes.
 */
function progressLines(everyMs = 5000): Progress {
  const phases = new Map<SyntheticPhase, { started: number; printed: number }>();
  return {
    update(phase, done, total) {
      const now = performance.now();
      let entry = phases.get(phase);
      if (!entry) phases.set(phase, (entry = { started: now, printed: now }));
      if (now - entry.printed < everyMs && done < total) return;
      entry.printed = now;
      const rate = done / Math.max(0.001, (now - entry.started) / 1000);
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      console.log(
        `  ${LABELS[phase]}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${percent}%), ` +
          `${Math.round(rate).toLocaleString('en')}/s, ETA ${eta} s`,
      );
    },
    stop() {},
  };
}

/** The command line, or the usage line and exit code 2 when it cannot be parsed (unknown flag, missing value). */
function readArguments() {
  try {
    return parseArgs({
      options: {
        cities: { type: 'string' },
        coops: { type: 'string' },
        assets: { type: 'string' },
        events: { type: 'string' },
        seed: { type: 'string' },
        batch: { type: 'string' },
        append: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = readArguments();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const config = loadConfig();
const options = {
  cities: count(values, 'cities', 500, 1),
  coops: count(values, 'coops', 5000, 1),
  assets: count(values, 'assets', 100_000, 1),
  events: count(values, 'events', 10_000_000, 0),
  seed: count(values, 'seed', config.seed, 0),
  batch: count(values, 'batch', 5000, 1),
  append: values.append,
};

for (const name of SUBGRAPH_NAMES) {
  const result = await prepareDatabase(name, config.subgraphs[name].database, { seed: config.seed });
  console.log(`  ${name.padEnd(11)} ${result.seeded ? 'migrated and seeded' : 'migrated (data kept)'}`);
}
const league = openDatabase(config.subgraphs.league.database);
const coop = openDatabase(config.subgraphs.coop.database);
const bars = process.stdout.isTTY ? progressBars() : progressLines();
const started = performance.now();
try {
  const summary = await growSynthetic(league, coop, { ...options, onProgress: bars.update });
  bars.stop();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `  added ${summary.cities} cities, ${summary.coops} co-ops, ${summary.assets} assets and ` +
      `${summary.events.toLocaleString('en')} usage events (seed ${options.seed}) in ${seconds(performance.now() - started)}: ` +
      Object.entries(summary.milliseconds)
        .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
        .join(', '),
  );
} catch (error) {
  bars.stop();
  console.error(`  ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await Promise.all([league.destroy(), coop.destroy()]);
}
