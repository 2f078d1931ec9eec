/**
 * Runs one of scripts/*.ts as `npm run <script>` does, in a child process with the environment
 * given (and without the secrets of the test's own environment, so a script resolves them as a
 * newcomer's terminal would: from DATA_DIR).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The exit code and output of `scripts/<script>.ts <args>` with DATA_DIR and NODE_ENV set and
 * the secrets and the variables named in `unset` removed.
 */
export function runScript(
  script: string,
  dataDir: string,
  args: readonly string[],
  { nodeEnv = 'development', unset = [] as readonly string[] } = {},
) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: nodeEnv };
  for (const variable of ['AUTH_SECRET', 'SUBGRAPH_SECRET', ...unset]) delete env[variable];
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
