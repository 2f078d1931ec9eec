/**
 * A service process stops cleanly on SIGINT or SIGTERM: it logs "stopping" once and exits 0,
 * even when the signal comes twice (Ctrl-C in a terminal, then the launcher's SIGTERM). Apollo
 * Server's and tsx's own signal handlers used to kill it mid-stop or leave it waiting.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-stop-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Starts `entry` in production mode (JSON logs), signals it once ready, and gives its exit code and log. */
async function stopAfterReady(entry: string, signals: NodeJS.Signals[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      LEAGUE_PORT: '0',
      AUTH_SECRET: 'a'.repeat(48),
      SUBGRAPH_SECRET: 'b'.repeat(48),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: { msg: string }[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for await (const line of readline.createInterface({ input: child.stdout! })) {
    lines.push(JSON.parse(line));
    if (lines.at(-1)!.msg.endsWith('ready')) for (const signal of signals) child.kill(signal);
  }
  return { code: await exited, messages: lines.map((line) => line.msg) };
}

describe('stopping a service process', () => {
  it('logs "stopping" once and exits 0 on SIGTERM', async () => {
    const { code, messages } = await stopAfterReady('subgraphs/league/index.ts', ['SIGTERM']);
    expect(code).toBe(0);
    expect(messages.filter((msg) => msg === 'stopping')).toHaveLength(1);
  }, 60_000);

  it('stops once when SIGINT and SIGTERM both arrive', async () => {
    const { code, messages } = await stopAfterReady('subgraphs/league/index.ts', ['SIGINT', 'SIGTERM']);
    expect(code).toBe(0);
    expect(messages.filter((msg) => msg === 'stopping')).toHaveLength(1);
  }, 60_000);
});
