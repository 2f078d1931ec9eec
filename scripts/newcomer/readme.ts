/**
 * The README's examples, read from its text (never copied), so an edit to the README is what
 * the newcomer run (scripts/newcomer.ts) and test/e2e/newcomer.test.ts try.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FencedBlock {
  /** The language after the opening fence, '' when none. */
  lang: string;
  text: string;
}

/** The fenced blocks of a Markdown file, in order. */
export function fencedBlocks(file: string): FencedBlock[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1]!, text: match[2]! }));
}

export const readmeBlocks = (root: string) => fencedBlocks(path.join(root, 'README.md'));

/** The origin every README example uses: the default gateway address. */
export const README_ORIGIN = 'http://127.0.0.1:4000';

/** A GraphQL example with the variables and the documented answer that follow it, if any. */
export interface GraphqlExample {
  query: string;
  variables?: Record<string, unknown>;
  answer?: unknown;
}

/**
 * Every `graphql` block, each with the first JSON block after it that has no `data` key (its
 * variables) and the first that has one (its documented answer), before the next `graphql` block.
 */
export function graphqlExamples(blocks: readonly FencedBlock[]): GraphqlExample[] {
  const examples: GraphqlExample[] = [];
  for (const block of blocks) {
    if (block.lang === 'graphql') examples.push({ query: block.text });
    const example = examples.at(-1);
    if (block.lang !== 'json' || !example) continue;
    const json = JSON.parse(block.text) as Record<string, unknown>;
    if ('data' in json) example.answer ??= json;
    else example.variables ??= json;
  }
  return examples;
}

/** Blocks that are commands to type (shell or no language, first line a command). */
export function commandBlocks(blocks: readonly FencedBlock[]): FencedBlock[] {
  return blocks.filter(
    (block) =>
      ['', 'sh', 'bash', 'shell'].includes(block.lang) && /^(?:(?:npm|npx|curl|node|git)\b|[A-Z_]+=)/.test(block.text),
  );
}
