/**
 * The newcomer's terminal: a fresh clone, its install, and `npm start` run as a terminal runs it
 * (its own process group, as a terminal's foreground job), on free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SUBGRAPH_NAMES } from '../../lib/config.js';

/** The result of one command run to its end. */
export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and gives its exit and output (never throws for a non-zero exit). */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a command that must succeed; throws with its output otherwise. */
export async function mustRun(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  const outcome = await run(command, args, cwd, env);
  if (outcome.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited ${outcome.code ?? outcome.signal}:\n${outcome.stdout}${outcome.stderr}`,
    );
  return outcome;
}

/**
 * The environment of a newcomer's terminal: this one without the project's own settings (so
 * `npm start` runs on its defaults, in the clone's `data/`), with the given ports.
 */
export function newcomerEnv(ports: Record<string, number>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const setting =
    /^(NODE_ENV|HOST|DATA_DIR|SEED|LOG_LEVEL|REDIS_URL|PUBLIC_BASE_URL|SUPERGRAPH_PATH|AUTH_SECRET|SUBGRAPH_SECRET|(\w+_)?DATABASE_URL|\w+_PORT|(LEAGUE|DEPOSITORY|COOP|PRODUCTION)_URL)$/;
  for (const name of Object.keys(env)) if (setting.test(name)) delete env[name];
  for (const [name, port] of Object.entries(ports)) env[`${name.toUpperCase()}_PORT`] = String(port);
  return env;
}

/** Five ports free at this moment, for the gateway and the four subgraphs (the documented `<NAME>_PORT`). */
export async function freePorts(): Promise<Record<'gateway' | (typeof SUBGRAPH_NAMES)[number], number>> {
  const servers = await Promise.all(
    ['gateway', ...SUBGRAPH_NAMES].map(
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  const [gateway, ...subgraphs] = ports as [number, ...number[]];
  return { gateway, ...Object.fromEntries(SUBGRAPH_NAMES.map((name, index) => [name, subgraphs[index]!])) } as Awaited<
    ReturnType<typeof freePorts>
  >;
}

/** `npm start` in its own process group, its output in a log file. */
export interface RunningStart {
  child: ChildProcess;
  log: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function npmStart(clone: string, env: NodeJS.ProcessEnv, log: string): RunningStart {
  const out = fs.openSync(log, 'w');
  // The output goes straight to a file: a pipe nobody reads while a step runs would fill and stall the stack.
  const child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, log, exited };
}

/**
 * Waits until `/ready` says ready and `npm start` has printed where to go (a line of its own, not
 * a service's log line, naming the gateway); gives what it printed itself.
 */
export async function waitForReady(start: RunningStart, base: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void start.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const own = fs
      .readFileSync(start.log, 'utf8')
      .split('\n')
      .filter((line) => !/^\[\w+\] /.test(line))
      .join('\n');
    if (own.includes(`${base}/`) && (await readyStatus(base)) === 'ready') return own;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `npm start ${exited ? 'exited' : `did not print ${base}/ with /ready ready within ${timeoutMs / 1000} s`}`,
  );
}

async function readyStatus(base: string): Promise<unknown> {
  try {
    return ((await (await fetch(`${base}/ready`)).json()) as { status?: unknown }).status;
  } catch {
    return undefined;
  }
}

/** Each live process (Linux /proc, zombies left out) with its parent and process group. */
function liveProcesses(): { pid: number; ppid: number; pgrp: number }[] {
  const processes: { pid: number; ppid: number; pgrp: number }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(path.join('/proc', entry, 'stat'), 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') processes.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // the process ended while being read
    }
  }
  return processes;
}

/**
 * The live processes of a process group and all their descendants: `npm start` runs each service
 * in a process group of its own (so only the launcher gets Ctrl-C and stops each child once), so
 * the group alone would miss them.
 */
function processTree(pgid: number): number[] {
  const processes = liveProcesses();
  const tree = new Set(processes.filter((p) => p.pgrp === pgid).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of processes)
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return [...tree];
}

/** Which of these processes are still alive (and not zombies). */
function stillAlive(pids: readonly number[]): number[] {
  const live = new Set(liveProcesses().map((p) => p.pid));
  return pids.filter((pid) => live.has(pid));
}

/** Whether something accepts connections on a port of this machine. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Ctrl-C as a terminal sends it (SIGINT to the whole foreground process group), then waits for
 * `npm start` to exit and every process of the group to be gone. Returns what is still alive or
 * listening (empty: everything stopped), and kills it so nothing outlives the run.
 */
export async function controlC(start: RunningStart, ports: readonly number[], timeoutMs: number): Promise<string[]> {
  const pgid = start.child.pid!;
  const before = processTree(pgid);
  process.kill(-pgid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  await Promise.race([start.exited, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  while (Date.now() < deadline && stillAlive(before).length > 0)
    await new Promise((resolve) => setTimeout(resolve, 200));
  const alive = stillAlive(before);
  const left = alive.map((pid) => `process ${pid} (${commandOf(pid)}) still running`);
  for (const port of ports) if (await listening(port)) left.push(`port ${port} still listening`);
  if (left.length > 0) killAll(pgid, alive);
  if (before.length < 7)
    left.push(`only ${before.length} processes before Ctrl-C (npm, its shell, tsx, start and five services expected)`);
  return left;
}

/** Kills whatever is left of a process group and its descendants (after a failure). */
export function killGroup(pgid: number): void {
  killAll(pgid, processTree(pgid));
}

function killAll(pgid: number, pids: readonly number[]): void {
  for (const target of [-pgid, ...pids]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '?';
  }
}
