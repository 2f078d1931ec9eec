/** The edge's pure parts: the JSON depth scan and the path normalisation routes are matched on. */
import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from '../../lib/json-depth.js';
import { normaliseTarget } from '../../lib/routes.js';
import { createRandom } from '../../seeds/prng.js';

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects inside one another, up to the bound and one past it', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('[[],[],[],[]]', 2)).toBe(false);
    expect(jsonNestsDeeperThan('1', 0)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'say \\"[[[[\\" and \\\\' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"\\\\"}[[[', 2)).toBe(true);
  });

  it('agrees with a character-by-character scan on random text of quotes, backslashes and brackets', () => {
    const random = createRandom(7);
    const byCharacter = (text: string, maxDepth: number) => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') {
          if (++depth > maxDepth) return true;
        } else if (c === '}' || c === ']') depth--;
      }
      return false;
    };
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: random.int(0, 24) }, () =>
        random.pick(['"', '\\', '[', ']', '{', '}', 'a', ':']),
      ).join('');
      const maxDepth = random.int(0, 3);
      expect(jsonNestsDeeperThan(text, maxDepth), text).toBe(byCharacter(text, maxDepth));
    }
  });

  it('leaves malformed text to the parser', () => {
    expect(jsonNestsDeeperThan(']]]]{', 1)).toBe(false);
    expect(jsonNestsDeeperThan('"unterminated [[[[', 1)).toBe(false);
  });
});

describe('normaliseTarget', () => {
  it.each([
    ['/graphql', '/graphql', ''],
    ['/graphql?query=%7B%7D', '/graphql', '?query=%7B%7D'],
    ['/%67raphql', '/graphql', ''],
    ['/./health', '/health', ''],
    ['/data/cities/gent/2025/sharing.csv#x', '/data/cities/gent/2025/sharing.csv', ''],
    ['http://any.host/health?x=1', '/health', '?x=1'],
    ['http://any.host', '/', ''],
    ['/%2568ealth', '/%68ealth', ''],
  ])('%s is %s', (target, path, search) => {
    expect(normaliseTarget(target)).toEqual({ path, search });
  });

  it.each([
    '/gbfs/../metrics',
    '/gbfs/%2e%2e/metrics',
    '/gbfs/.%2E/metrics',
    '/gbfs/a%2fb/gbfs.json',
    '/gbfs/a%5cb/gbfs.json',
    '/a%00b',
    '/%zz',
    '*',
    'mailto:x',
  ])('refuses %s', (target) => {
    expect(normaliseTarget(target)).toBeNull();
  });
});
