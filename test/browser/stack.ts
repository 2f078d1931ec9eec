/**
 * What the browser tests need: the built pages, a stack that serves them with the gateway, and
 * Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { isBuildCurrent } from '../../web/build.js';
import { startTestStack, type TestStack } from '../harness.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Screenshots and other things a run leaves for people to look at (git-ignored). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '..', '.artifacts');

/** Null when Chromium can be started, else why not. */
export function chromiumUnavailable(): string | null {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return null;
  } catch {
    return `${CHROMIUM_PATH} is not installed (Debian package chromium: apt-get install -y chromium)`;
  }
}

/**
 * Headless Chromium with the flags that keep it off the network (field-notes.md): without
 * them it tries Google's hosts at every start, which a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** Rebuilds web/dist when a source changed since the last build (`npm install` builds it once). */
export function ensureWebBuilt(): void {
  if (isBuildCurrent()) return;
  execFileSync(process.execPath, ['--import', 'tsx', 'web/build.ts'], {
    cwd: path.resolve(import.meta.dirname, '..', '..'),
    stdio: 'inherit',
  });
}

export interface WebStack {
  /** http://127.0.0.1:<port>, where the pages and /graphql are. */
  baseUrl: string;
  stack: TestStack;
  stop(): Promise<void>;
}

/** The seeded test stack; its gateway serves the explorer and the dashboard. */
export async function startWebStack(): Promise<WebStack> {
  const stack = await startTestStack();
  return { baseUrl: stack.gatewayUrl.replace(/\/graphql$/, ''), stack, stop: () => stack.stop() };
}
