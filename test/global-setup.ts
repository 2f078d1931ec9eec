import fs from 'node:fs';
import path from 'node:path';

/**
 * Seeds the template databases once per run, in a folder of this run's own, before any test
 * file runs; removes it afterwards.
 */
export default async function setup(): Promise<() => void> {
  const dir = path.resolve(import.meta.dirname, '.tmp', `run-${process.pid}`);
  process.env.COMMONS_TEST_TEMPLATE_DIR = dir;
  const { prepareTemplates } = await import('./harness.js');
  await prepareTemplates(true);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
