/** The machine a benchmark ran on, as recorded beside its figures. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './stack.js';

export interface MachineDescription {
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  /** What this process may use (cgroup quota or affinity), which can be fewer than cpuCount. */
  availableParallelism: number;
  memoryGiB: number;
  node: string;
  packages: Record<string, string>;
}

function osName(): string {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1] ?? os.type();
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

/** The installed version of a package, read from its package.json. */
function installedVersion(name: string): string {
  try {
    const file = path.join(ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    os: osName(),
    kernel: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    packages: Object.fromEntries(
      [
        '@apollo/gateway',
        '@apollo/server',
        '@graphql-hive/gateway',
        '@graphql-hive/router-runtime',
        '@graphql-hive/router-query-planner',
        'autocannon',
        'graphql',
        'better-sqlite3',
        'pg',
        'ioredis',
      ].map((name) => [name, installedVersion(name)]),
    ),
  };
}
