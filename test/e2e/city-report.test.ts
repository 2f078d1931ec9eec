import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adaptations } from '../../seeds/data/applications.js';
import { cities } from '../../seeds/data/cities.js';
import { leagues } from '../../seeds/data/leagues.js';
import { platformCooperatives } from '../../seeds/data/platform-cooperatives.js';
import { ids, SETTINGS, startTestStack, type TestStack } from '../harness.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';
import { close, loadRawData, recompute, type RawData } from '../recompute.js';

let stack: TestStack;
let raw: RawData;

beforeAll(async () => {
  stack = await startTestStack();
  raw = await loadRawData(stack.subgraphs.coop.db);
});
afterAll(() => stack?.stop());

/** The expected value of a ratio figure: null when there is nothing to divide by. */
const expectRatio = (actual: number | null, numerator: number, denominator: number) =>
  denominator > 0 ? expect(close(actual, numerator / denominator)).toBe(true) : expect(actual).toBeNull();

describe('the city report through the gateway', () => {
  it.each(cities.map((city) => city.id))('fills every layer for %s in one request', async (id) => {
    const { data, errors } = await stack.query(CITY_REPORT, { id, ...REPORT_PERIOD });
    expect(errors).toBeUndefined();
    const city = data.city;
    const seed = cities.find((c) => c.id === id)!;

    // league
    expect(city).toMatchObject({ id, name: seed.name, countryCode: seed.countryCode, population: seed.population });
    expect(ids(city.leagues)).toEqual(
      leagues
        .filter((l) => l.memberCityIds.includes(id))
        .map((l) => l.id)
        .sort(),
    );
    // depository
    expect(ids(city.adaptations)).toEqual(
      adaptations
        .filter((a) => a.cityId === id)
        .map((a) => a.id)
        .sort(),
    );
    for (const adaptation of city.adaptations) expect(adaptation.application.name).toEqual(expect.any(String));
    // coop, with the depository and league behind each co-op's application
    const coopIds = platformCooperatives
      .filter((c) => c.cityId === id)
      .map((c) => c.id)
      .sort();
    expect(ids(city.platformCooperatives)).toEqual(coopIds);
    for (const coop of city.platformCooperatives) {
      expect(coop.application).toMatchObject({
        id: expect.any(String),
        name: expect.any(String),
        license: expect.any(String),
      });
      const expected = recompute(raw, [coop.id], REPORT_PERIOD.from, REPORT_PERIOD.to, SETTINGS.suppressionK);
      expect(coop.sharing.suppressed).toBe(expected.suppressed);
      expect(coop.sharing.assets).toBe(expected.assets);
      if (!expected.suppressed) {
        expect(coop.sharing.uses).toBe(expected.uses);
        expect(coop.sharing.activeMembers).toBe(expected.activeMembers);
        expect(close(coop.sharing.kmShared, expected.kmShared)).toBe(true);
        expect(coop.sharing.nightsShared).toBe(expected.nightsShared);
        expect(close(coop.sharing.avoidedKgCO2e, expected.avoidedKgCO2e)).toBe(true);
        expectRatio(coop.sharing.utilizationRate, expected.hoursInUse, expected.assetHours);
        if (expected.activeMembers === null) expect(coop.sharing.usersPerAsset).toBeNull();
        else expectRatio(coop.sharing.usersPerAsset, expected.activeMembers, expected.assets);
      } else {
        expect(coop.sharing).toMatchObject({
          uses: null,
          activeMembers: null,
          usersPerAsset: null,
          kmShared: null,
          avoidedKgCO2e: null,
        });
      }
    }
    const expectedCity = recompute(raw, coopIds, REPORT_PERIOD.from, REPORT_PERIOD.to, SETTINGS.suppressionK);
    expect(city.sharing.suppressed).toBe(expectedCity.suppressed);
    if (!expectedCity.suppressed) {
      expect(city.sharing.uses).toBe(expectedCity.uses);
      expect(close(city.sharing.avoidedKgCO2e, expectedCity.avoidedKgCO2e)).toBe(true);
      expectRatio(city.sharing.utilizationRate, expectedCity.hoursInUse, expectedCity.assetHours);
    }
    // production, joined with the coop's avoided emissions for the same calendar year
    const footprint = city.footprint;
    expect(footprint.methodology).toMatch(/^commons-footprint\//);
    expect(footprint.embodiedKgCO2e).toBeGreaterThanOrEqual(0);
    // A year with no visible bin is absent from annualSharing, exactly like a year with no use.
    if (expectedCity.suppressed) {
      expect(footprint.avoidedKgCO2e).toBe(0);
    } else {
      expect(close(footprint.avoidedKgCO2e, expectedCity.avoidedKgCO2e)).toBe(true);
      expect(close(footprint.netKgCO2e, footprint.embodiedKgCO2e - footprint.avoidedKgCO2e)).toBe(true);
      expect(close(footprint.perCapitaKgCO2e, footprint.netKgCO2e / seed.population)).toBe(true);
    }
  });

  it('returns null, not an error, for an unknown city', async () => {
    const { data, errors } = await stack.query(CITY_REPORT, { id: 'atlantis', ...REPORT_PERIOD });
    expect(errors).toBeUndefined();
    expect(data.city).toBeNull();
  });

  it('includes embodied emissions for some city in some year', async () => {
    const years = [2023, 2024, 2025];
    const query = `query($id: ID!, $year: Int!) { city(id: $id) { footprint(year: $year) { embodiedKgCO2e } } }`;
    let total = 0;
    for (const city of cities) {
      for (const year of years) {
        const { data } = await stack.query(query, { id: city.id, year });
        total += data.city.footprint.embodiedKgCO2e;
      }
    }
    expect(total).toBeGreaterThan(0);
  });
});
