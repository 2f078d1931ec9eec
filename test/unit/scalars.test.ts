/**
 * The calendar and instant checks of lib/scalars.ts, which the DateTime and Date scalars and the
 * ingest's checks run tens of thousands of times per batch without building a Date, against a
 * reference that does: every day of 400 years plus every impossible day-of-month, and instants
 * in every accepted spelling.
 */
import { describe, expect, it } from 'vitest';
import { canonicalInstant, isIsoDate, parseIsoInstant } from '../../lib/scalars.js';
import { createRandom } from '../../seeds/prng.js';

/** The reference: a date is real when Date reads it back unchanged. */
const realByDate = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('isIsoDate', () => {
  it('agrees with Date on every month and day number of a 400-year cycle, and a few odd years', () => {
    const years = [...Array.from({ length: 401 }, (_, i) => 1800 + i), 0, 4, 100, 9999];
    let checked = 0;
    for (const year of years)
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          expect(isIsoDate(value), value).toBe(realByDate(value));
          checked++;
        }
    expect(checked).toBe(years.length * 14 * 33);
  });

  it('refuses other spellings', () => {
    for (const value of ['2025-3-01', '2025-03-1', '25-03-01', '2025-03-01 ', '+02025-03-01', '2025/03/01', ''])
      expect(isIsoDate(value), value).toBe(false);
  });
});

describe('canonicalInstant', () => {
  it('gives what Date gives for random instants in every accepted spelling', () => {
    const random = createRandom(20261207);
    for (let i = 0; i < 20_000; i++) {
      const ms = random.int(Date.UTC(1900, 0, 1), Date.UTC(2100, 0, 1));
      const iso = new Date(ms).toISOString();
      const offsetMinutes = random.pick([0, 60, -300, 330, 840, -720]);
      const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60), 2)}:${pad(Math.abs(offsetMinutes) % 60, 2)}`;
      const fraction = random.pick(['', '.5', '.123', '.123456', '.123456789']);
      for (const value of [iso, `${iso.slice(0, 19)}Z`, `${local}${fraction}${offset}`]) {
        expect(canonicalInstant(value), value).toBe(parseIsoInstant(value)!.toISOString());
        expect(canonicalInstant(value), value).toBe(new Date(value).toISOString());
      }
    }
  });

  it('refuses an impossible day or time even in the canonical shape', () => {
    for (const value of [
      '2025-02-29T00:00:00.000Z',
      '2024-02-30T00:00:00.000Z',
      '2025-04-31T12:00:00.000Z',
      '2025-13-01T00:00:00.000Z',
      '2025-00-10T00:00:00.000Z',
      '2025-03-01T24:00:00.000Z',
      '2025-03-01T23:60:00.000Z',
      '2025-03-01T23:59:60.000Z',
      '2025-03-01T08:00:00.00ZZ',
      '2025-03-01T08:00:00.000z',
      '2025-03-01T08:00:00',
      '2025-03-01T08:00Z',
    ])
      expect(canonicalInstant(value), value).toBeNull();
    expect(canonicalInstant('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
  });
});
