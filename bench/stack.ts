/**
 * Starting and stopping the processes a benchmark measures: the four subgraphs, our gateway
 * and Hive Gateway, each a separate Node process on a loopback port, as `npm start` runs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const HOST = '127.0.0.1';

/** A port nobody listens on right now (the kernel's choice), on the loopback address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One process the benchmark started; `stop` ends it (and waits), however it was started. */
export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines it printed, for the error message when it dies. */
  recent: string[];
  stop(): Promise<void>;
}

const running = new Set<Service>();

export interface SpawnOptions {
  name: string;
  /** Node arguments before the entry (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  entry: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  url: string;
  /** Print everything the process writes (otherwise only kept for failures). */
  verbose?: boolean;
}

/** Starts one Node process from the repository root; its output is kept, not shown, unless verbose. */
export function spawnService(options: SpawnOptions): Service {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (options.verbose) console.log(`    [${options.name}] ${line}`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: Service = {
    name: options.name,
    url: options.url,
    child,
    recent,
    async stop() {
      running.delete(service);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    },
  };
  running.add(service);
  return service;
}

/** Stops every process still running, e.g. on Ctrl-C or after a failure. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((service) => service.stop()));
}

/** Polls `url` until `isReady(response)` holds, the process dies, or the time is up. */
export async function waitFor(
  service: Service,
  url: string,
  isReady: (response: Response) => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`${service.name} exited while starting:\n      ${service.recent.join('\n      ')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (await isReady(response)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${service.name} was not ready at ${url} within ${timeoutMs / 1000} s:\n      ${service.recent.join('\n      ')}`,
  );
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) a process and all its descendants have used so far; Linux only, else NaN. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return NaN;
  clockTicks ??= 100; // USER_HZ is 100 on every Linux architecture Node supports
  let total = 0;
  for (const id of [pid, ...descendants(pid)]) {
    try {
      // Fields after the command name (which may contain spaces) start at index 2 (state).
      const stat = fs.readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / clockTicks;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    try {
      const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ').map(Number) : []) found.push(child, ...descendants(child));
    } catch {
      // task ended
    }
  }
  return found;
}

/** Resident memory of a process and its descendants in MiB (Linux), else NaN. */
export function residentMiB(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return NaN;
  let kib = 0;
  for (const id of [pid, ...descendants(pid)]) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kib / 1024;
}
