/** The benchmark's record: one JSON file per run, and the table printed at the end. */
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import type { LoadFigures } from './load.js';
import type { MachineDescription } from './machine.js';

/** One measured run of one scenario against one gateway (or straight against a subgraph). */
export interface RunRecord extends LoadFigures {
  scenario: string;
  title: string;
  /** `commons` (our gateway), `hive`, `hive-rust` (Rust query planner), or `league` for the direct subgraph run. */
  target: string;
  instances: number;
  dataSet: string;
  repeat: number;
  sqlStatementsPerOp: number;
  subgraphRequestsPerOp: number;
  /** CPU milliseconds per successful request, by process group (NaN where not measurable). */
  cpuMsPerOp: { gateway: number; subgraphs: number; loader: number };
  /** The machine's 1-minute load average when the run ended: above the CPU count, others competed for the cores. */
  loadAverage: number;
  notes: string[];
}

export interface BenchRecord {
  startedAt: string;
  command: string;
  machine: MachineDescription;
  settings: Record<string, unknown>;
  dataSets: { label: string; source: string; cities: number }[];
  notes: string[];
  runs: RunRecord[];
}

/** The median run by requests/s of each (scenario, target, data set), in first-run order. */
export function medians(runs: RunRecord[]): RunRecord[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.dataSet}|${run.scenario}|${run.target}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  });
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** The Hive targets our gateway is compared with, each in its own column. */
const RIVALS = ['hive', 'hive-rust'] as const;

/**
 * Our standing against one rival in the same scenario and data set: ours ÷ theirs in requests/s,
 * our p99 minus theirs, and both gateways' CPU ms per request (ours / theirs).
 */
function standing(ours: RunRecord, theirs: RunRecord | undefined): string {
  if (ours.target !== 'commons' || !theirs) return '';
  return (
    `${fixed(ours.requestsPerSecond / theirs.requestsPerSecond, 2)}× rps, ` +
    `p99 ${fixed(ours.latencyMs.p99 - theirs.latencyMs.p99, 0)} ms, ` +
    `CPU ${fixed(ours.cpuMsPerOp.gateway, 2)}/${fixed(theirs.cpuMsPerOp.gateway, 2)}`
  );
}

/** A plain-text table of the median runs, with our standing against each Hive target per scenario. */
export function table(runs: RunRecord[]): string {
  const rows = medians(runs);
  const header = [
    'data',
    'scenario',
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'err/non2xx/mism',
    'SQL/op',
    'fetch/op',
    'gw CPU ms/op',
    ...RIVALS.map((rival) => `vs ${rival}`),
  ];
  const lines: string[][] = [header];
  for (const row of rows) {
    const rival = (target: string) =>
      rows.find((r) => r.dataSet === row.dataSet && r.scenario === row.scenario && r.target === target);
    lines.push([
      row.dataSet,
      row.scenario,
      row.instances > 1 ? `${row.target} ×${row.instances}` : row.target,
      fixed(row.requestsPerSecond),
      fixed(row.latencyMs.p50, 0),
      fixed(row.latencyMs.p99, 0),
      fixed(row.latencyMs.max, 0),
      `${row.errors}/${row.non2xx}/${row.mismatches}`,
      fixed(row.sqlStatementsPerOp, 2),
      fixed(row.subgraphRequestsPerOp, 2),
      fixed(row.cpuMsPerOp.gateway, 2),
      ...RIVALS.map((target) => standing(row, rival(target))),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  const numeric = new Set([3, 4, 5, 6, 8, 9, 10]);
  return lines
    .map((line, n) =>
      line
        .map((cell, i) => (numeric.has(i) && n > 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Writes the record as formatted JSON (the repository's Prettier settings) and returns its path. */
export async function save(record: BenchRecord, outDir: string, label: string): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${record.startedAt.slice(0, 10)}-${label}.json`);
  const options = (await prettier.resolveConfig(file)) ?? {};
  // NaN (a CPU figure not measurable) is not JSON: record it as null.
  const text = JSON.stringify(record, (_key, value) => (Number.isNaN(value) ? null : value));
  fs.writeFileSync(file, await prettier.format(text, { ...options, parser: 'json' }));
  return file;
}
