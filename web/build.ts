/**
 * Builds the explorer and the dashboard into web/dist and writes a gzip copy beside every
 * compressible file, so the gateway never compresses at request time. Runs at install time
 * (`prepare`, so `npm install` / `npm ci` build it) and as `npm run build:web`.
 *
 * An install without devDependencies has no Vite: the build says so and exits 0, and the
 * gateway then answers its pages with 503 and the command that builds them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

export const WEB_DIR = import.meta.dirname;
export const DIST_DIR = path.join(WEB_DIR, 'dist');
/** What the build reads: a change to any of these makes web/dist stale. */
const SOURCES = ['index.html', 'graphiql.html', 'vite.config.ts', 'src', 'public'];
/** Pages the gateway needs; their presence means the build completed. */
const PAGES = ['index.html', 'graphiql.html'];
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.map', '.txt', '.ttf']);

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** True when web/dist holds both pages, built after the last change to any source. */
export function isBuildCurrent(): boolean {
  const built = PAGES.map((page) => fs.statSync(path.join(DIST_DIR, page), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  const sources = Math.max(...SOURCES.map((source) => newestMtime(path.join(WEB_DIR, source))));
  return Math.min(...built) >= sources;
}

/** Writes `<file>.gz` beside every compressible file of at least 1 KiB that gzip makes smaller. */
function compressTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) compressTree(file);
    else if (COMPRESSIBLE.has(path.extname(entry.name))) {
      const content = fs.readFileSync(file);
      if (content.length < 1024) continue;
      const gzipped = zlib.gzipSync(content, { level: 9 });
      if (gzipped.length < content.length) fs.writeFileSync(`${file}.gz`, gzipped);
    }
  }
}

/** Builds web/dist with Vite (vite.config.ts), then compresses it. */
export async function buildWeb(): Promise<void> {
  // Vite takes NODE_ENV over the mode, and a build started from a test run inherits `test`:
  // React would then ship its development build. The pages are always a production build.
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB_DIR, 'vite.config.ts') });
  compressTree(DIST_DIR);
}

async function main(): Promise<void> {
  const started = performance.now();
  try {
    await import('vite');
  } catch {
    console.warn('web: Vite is not installed (devDependencies omitted?): the explorer and dashboard were not built.');
    console.warn('web: install with devDependencies, then run `npm run build:web`.');
    return;
  }
  await buildWeb();
  console.log(
    `web: explorer and dashboard built into web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
