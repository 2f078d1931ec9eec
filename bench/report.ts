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
  /** `commons` (our gateway), `hive`, or `league` for the direct subgraph run. */
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

/** A plain-text table of the median runs, with our standing against Hive Gateway per scenario. */
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
    'vs hive',
  ];
  const lines: string[][] = [header];
  for (const row of rows) {
    const hive = rows.find((r) => r.dataSet === row.dataSet && r.scenario === row.scenario && r.target === 'hive');
    const standing =
      row.target === 'commons' && hive
        ? `${fixed(row.requestsPerSecond / hive.requestsPerSecond, 2)}× rps, p99 ${fixed(row.latencyMs.p99 - hive.latencyMs.p99, 0)} ms`
        : '';
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
      standing,
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
