import { prepareTemplates } from './harness.js';

/** Seeds the template databases once, before any test file runs. */
export default async function setup(): Promise<void> {
  await prepareTemplates(true);
}
