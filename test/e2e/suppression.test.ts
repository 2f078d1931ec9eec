/**
 * Rule 1 of the privacy model (docs/methodology.md), kept from version 1.0. Suppression must survive subtraction: every shown figure equals the sum of the visible
 * figures it splits into, by co-op and by cutting the period at any day, so no hidden bin
 * can be recovered as a difference of two answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cities } from '../../seeds/data/cities.js';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import { addDays } from '../../lib/dates.js';
import { SETTINGS, startTestStack, type TestStack } from '../harness.js';
import { SHARING_SPLIT } from '../queries.js';
import { close, loadRawData, recompute, type RawData } from '../recompute.js';

/** Figures that add up across co-ops of a city. */
const BY_COOP = [
  'assets',
  'assetHours',
  'uses',
  'memberDays',
  'activeMembers',
  'hoursInUse',
  'kmShared',
  'nightsShared',
  'avoidedKgCO2e',
];
/** Figures that add up across a period cut at a day (distinct members do not). */
const BY_DAY = ['uses', 'memberDays', 'hoursInUse', 'kmShared', 'nightsShared', 'avoidedKgCO2e'];

type Figures = Record<string, number | null | boolean>;
const value = (figures: Figures, field: string) => (figures[field] as number | null) ?? 0;

let stack: TestStack;
let raw: RawData;
const citiesWithCoops = cities.filter((city) => platformCooperatives.some((coop) => coop.cityId === city.id));

beforeAll(async () => {
  stack = await startTestStack();
  raw = await loadRawData(stack.subgraphs.coop.db);
});
afterAll(() => stack?.stop());

async function sharing(id: string, from: string, to: string): Promise<{ city: Figures; coops: Figures[] }> {
  const { data, errors } = await stack.query(SHARING_SPLIT, { id, from, to });
  expect(errors).toBeUndefined();
  return { city: data.city.sharing, coops: data.city.platformCooperatives.map((c: { sharing: Figures }) => c.sharing) };
}

describe('suppression over co-op-day bins', () => {
  it('is exercised by the seed data: some bins are hidden, some co-ops suppressed for a whole year', () => {
    const all = platformCooperatives.map((coop) => coop.id);
    const year = recompute(raw, all, '2025-01-01', '2025-12-31', SETTINGS.suppressionK);
    expect(year.hiddenUses).toBeGreaterThan(0);
    const suppressed = all.filter(
      (id) => recompute(raw, [id], '2025-01-01', '2025-12-31', SETTINGS.suppressionK).suppressed,
    );
    expect(suppressed.length).toBeGreaterThan(0);
  });

  it.each(['2025-01-01|2025-12-31', '2025-03-01|2025-03-31', '2025-06-10|2025-09-20'])(
    'a city figure equals the sum of its co-ops visible figures (%s)',
    async (period) => {
      const [from, to] = period.split('|') as [string, string];
      for (const city of citiesWithCoops) {
        const { city: total, coops } = await sharing(city.id, from, to);
        for (const field of BY_COOP) {
          const sum = coops.reduce((acc, coop) => acc + value(coop, field), 0);
          expect(close(value(total, field), sum), `${city.id} ${field}`).toBe(true);
        }
      }
    },
  );

  it('a period figure equals the sum of its visible parts cut at any day', async () => {
    const from = '2025-01-01';
    const to = '2025-12-31';
    const cuts = ['2025-01-02', '2025-02-14', '2025-05-01', '2025-07-19', '2025-09-30', '2025-12-31'];
    for (const city of citiesWithCoops) {
      const whole = await sharing(city.id, from, to);
      for (const cut of cuts) {
        const [before, after] = await Promise.all([
          sharing(city.id, from, addDays(cut, -1)),
          sharing(city.id, cut, to),
        ]);
        for (const field of BY_DAY) {
          expect(
            close(value(whole.city, field), value(before.city, field) + value(after.city, field)),
            `${city.id} ${field} @${cut}`,
          ).toBe(true);
          whole.coops.forEach((coop, i) => {
            const parts = value(before.coops[i]!, field) + value(after.coops[i]!, field);
            expect(close(value(coop, field), parts), `${city.id} co-op ${i} ${field} @${cut}`).toBe(true);
          });
        }
      }
    }
  });

  it('shows aggregates with no visible bin as suppressed, with null member-derived figures', async () => {
    const small = platformCooperatives.filter((coop) => coop.profile === 'small');
    expect(small.length).toBeGreaterThan(0);
    const query = `query($id: ID!) { platformCooperative(id: $id) {
      sharing(period: { from: "2025-01-01", to: "2025-12-31" }) { assets uses activeMembers kmShared utilizationRate suppressed suppressionThreshold }
    } }`;
    for (const coop of small) {
      const expected = recompute(raw, [coop.id], '2025-01-01', '2025-12-31', SETTINGS.suppressionK);
      const { data } = await stack.query(query, { id: coop.id });
      const figures = data.platformCooperative.sharing;
      expect(figures.suppressed).toBe(expected.suppressed);
      expect(figures.suppressionThreshold).toBe(SETTINGS.suppressionK);
      expect(figures.assets).toBe(expected.assets);
      if (expected.suppressed) {
        expect(figures).toMatchObject({ uses: null, activeMembers: null, kmShared: null, utilizationRate: null });
      } else {
        expect(figures).toMatchObject({ uses: expected.uses, activeMembers: expected.activeMembers });
      }
    }
  });
});
