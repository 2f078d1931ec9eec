/** The one rule set of lib/validate.ts, rule by rule, and the field paths its refusals name. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadInputError } from '../../lib/errors.js';
import {
  amount,
  int,
  isoDate,
  isoInstant,
  key,
  number,
  oneOf,
  parseInput,
  slug,
  text,
  url,
} from '../../lib/validate.js';

const ok = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe('lib/validate.ts rules', () => {
  it('text: trims, counts code points, refuses blank, over-long, control characters and lone surrogates', () => {
    expect(text(5).parse('  héllo \n')).toBe('héllo');
    expect(text(2).parse('서울')).toBe('서울');
    expect(text(1).parse('😀')).toBe('😀'); // a surrogate pair is one character of text
    expect(ok(text(10), 'a\tb\nc\r')).toBe(true);
    for (const bad of ['', ' \t\n', 'abcdef', 'a\u0000b', 'a\u0007', 'a\u007f', 'a\ud800', '\udc00b']) {
      expect(ok(text(5), bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('key: the same rules, verbatim, refusing surrounding whitespace instead of trimming it', () => {
    expect(key(8).parse('m-17')).toBe('m-17');
    for (const bad of [' m-17', 'm-17 ', '', 'm\u0000', 'm\ud83d']) expect(ok(key(8), bad)).toBe(false);
  });

  it('slug, numbers, dates, instants, URLs and enums', () => {
    expect(ok(slug(), 'muniride-gent')).toBe(true);
    for (const bad of ['Gent', 'a--b', '-a', 'a_b', 'x'.repeat(65), 'gent\u0000']) expect(ok(slug(), bad)).toBe(false);
    expect([1, 1.5, 3].map((v) => ok(int(1, 3), v))).toEqual([true, false, true]);
    expect([0, 2000, 2000.5, Infinity, NaN].map((v) => ok(number(0, 2000), v))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect([0.01, 0, 1.005, 11].map((v) => ok(amount(10), v))).toEqual([true, false, false, false]);
    const days = isoDate('2000-01-01', () => '2026-01-01');
    expect(['2025-02-28', '2025-02-29', '1999-12-31', '2026-01-02'].map((v) => ok(days, v))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(isoInstant().parse('2025-03-01T09:00:00+01:00')).toBe('2025-03-01T08:00:00.000Z');
    expect(ok(isoInstant(), '2025-03-01T09:00:00')).toBe(false);
    expect(
      ['https://example.org/a', 'http://x.test', 'ftp://x.test', 'https://u:p@x.test', 'x'].map((v) => ok(url(), v)),
    ).toEqual([true, true, false, false, false]);
    expect([ok(oneOf(['A', 'B']), 'A'), ok(oneOf(['A', 'B']), 'C')]).toEqual([true, false]);
  });

  it('parseInput names the path of the first problem and never echoes the value', () => {
    const schema = z.object({ events: z.array(z.object({ memberRef: key(8) })) });
    const secret = 'm\u0000secret';
    try {
      parseInput(schema, { events: [{ memberRef: 'ok' }, { memberRef: secret }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as BadInputError).extensions.argumentName).toBe('input.events[1].memberRef');
      expect((error as BadInputError).message).toMatch(/^Argument "input\.events\[1\]\.memberRef": must be plain text/);
      expect((error as BadInputError).message).not.toContain('secret');
    }
  });
});
