/**
 * The COPY text format the synthetic generator's PostgreSQL writer sends: every character COPY
 * reads as syntax is escaped, null is `\N`, and a NUL byte (which no PostgreSQL text value can
 * hold) is refused. test/engines/copy-text.test.ts sends the same values through a real COPY.
 */
import { describe, expect, it } from 'vitest';
import { copyRow, copyValue } from '../../seeds/synthetic/copy-text.js';

describe('COPY text escaping', () => {
  it('leaves ordinary text and numbers as they are', () => {
    expect(copyValue('synthetic-coop-00001:17')).toBe('synthetic-coop-00001:17');
    expect(copyValue('Zürich ✓')).toBe('Zürich ✓');
    expect(copyValue('')).toBe('');
    expect(copyValue(12.5)).toBe('12.5');
    expect(copyValue(0)).toBe('0');
  });

  it('escapes backslash, tab, newline and carriage return', () => {
    expect(copyValue('a\tb')).toBe('a\\tb');
    expect(copyValue('one\ntwo')).toBe('one\\ntwo');
    expect(copyValue('one\r\ntwo')).toBe('one\\r\\ntwo');
    expect(copyValue('C:\\path\\')).toBe('C:\\\\path\\\\');
    expect(copyValue('\\\t\n\r')).toBe('\\\\\\t\\n\\r');
  });

  it('writes null as \\N and keeps the text "\\N" and the end marker "\\." apart from it', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue('\\.')).toBe('\\\\.');
  });

  it('refuses a NUL byte', () => {
    expect(() => copyValue('before\0after')).toThrow(/NUL/);
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(copyRow(['a\tb', null, 3, 'x\ny'])).toBe('a\\tb\t\\N\t3\tx\\ny\n');
  });
});
