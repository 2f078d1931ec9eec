/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [--top N]`: the functions and packages that took
 * the most CPU in a V8 profile (as written by `npm run bench -- --cpu-prof DIR`), by self time,
 * so a benchmark's bottleneck can be read without a browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: an npm package, the project itself, or Node/V8. */
function origin(url: string): string {
  if (!url) return '(native / V8)';
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const rest = url.slice(inModules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node core';
  return `project ${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}`;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const top = Number(values.top);
for (const file of positionals) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  // Idle time is waiting, not work: leave it out so the shares are shares of CPU time.
  for (const [id, node] of byId) if (node.callFrame.functionName === '(idle)') selfMicros.delete(id);
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = origin(url);
    const key = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
    origins.set(where, (origins.get(where) ?? 0) + micros);
  }
  const show = (title: string, entries: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [key, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`);
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s of CPU sampled (idle left out)`);
  show('self time by origin', origins);
  show('self time by function', functions);
}
