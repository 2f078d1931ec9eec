/**
 * The front end's pure parts, without a browser: the explorer's example is the README's
 * CityReport, month periods cover the year exactly, a suppressed figure never reads as a number,
 * the year the city page opens on, the city search, the figures per asset kind and the
 * utilisation split by kind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { countText, filterCities, searchKey } from '../../web/src/dashboard/cityFilter.js';
import { applies, kindsOf } from '../../web/src/dashboard/kinds.js';
import { utilisationByKind } from '../../web/src/dashboard/utilisation.js';
import { defaultYear, yearFromSearch, yearOptions } from '../../web/src/dashboard/years.js';
import { figureState, figureText, FORMATS } from '../../web/src/format.js';
import { cities } from '../../seeds/data/cities.js';
import {
  CITY_REPORT as EXPLORER_EXAMPLE,
  CITY_REPORT_VARIABLES,
  CITY_YEAR,
  MONTH_KEYS,
  monthPeriods,
  yearPeriod,
} from '../../web/src/queries.js';
import { REPORT_PERIOD } from '../queries.js';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the explorer example', () => {
  it("is the README's CityReport with the README's variables", () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const readmeReport = /```graphql\n(query CityReport[\s\S]*?)```/.exec(readme)?.[1];
    expect(readmeReport).toBeDefined();
    expect(squash(EXPLORER_EXAMPLE)).toBe(squash(readmeReport!));
    expect(CITY_REPORT_VARIABLES).toEqual({ id: 'gent', ...REPORT_PERIOD });
  });
});

describe('the built pages', () => {
  it('keep the html tag gateway/web.ts marks when the explorer is off', () => {
    const html = fs.readFileSync(path.resolve(import.meta.dirname, '../../web/index.html'), 'utf8');
    expect(html).toContain('<html lang="en">');
  });
});

describe('the city page query', () => {
  it("stays within the gateway's alias limit", () => {
    const aliases = CITY_YEAR.match(/\b\w+:\s*sharing\(/g) ?? [];
    expect(aliases).toHaveLength(12);
    expect(aliases.length).toBeLessThanOrEqual(loadConfig({}).gateway.limits.maxAliases);
  });
});

describe('month periods', () => {
  it.each([2023, 2024, 2100])('cover %i day by day, with no gap or overlap', (year) => {
    const months = monthPeriods(year);
    expect(Object.keys(months)).toEqual([...MONTH_KEYS]);
    const periods = MONTH_KEYS.map((key) => months[key]);
    expect(periods[0]!.from).toBe(yearPeriod(year).from);
    expect(periods[11]!.to).toBe(yearPeriod(year).to);
    for (let i = 1; i < periods.length; i++) {
      const dayAfter = new Date(`${periods[i - 1]!.to}T00:00:00Z`);
      dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
      expect(periods[i]!.from).toBe(dayAfter.toISOString().slice(0, 10));
    }
  });

  it('knows leap years', () => {
    expect(monthPeriods(2024).feb).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthPeriods(2100).feb).toEqual({ from: '2100-02-01', to: '2100-02-28' });
  });
});

describe('figures', () => {
  it('writes a figure without visible activity as "no data", never as a number, whatever the value', () => {
    for (const value of [null, 0, 12]) {
      expect(figureText(value, true, 'count')).toBe('no data');
      expect(figureState(value, true)).toBe('suppressed');
    }
  });

  it('writes 0 as 0 and a null that is not suppressed as a dash', () => {
    expect(figureText(0, false, 'count')).toBe('0');
    expect(figureText(0, false, 'kg')).toBe('0 kg');
    expect(figureText(null, false, 'rate')).toBe('—');
    expect(figureState(null, false)).toBe('none');
  });

  it('writes each kind of figure in one fixed locale', () => {
    expect(FORMATS.count(7231)).toBe('7,231');
    expect(FORMATS.rate(0.12212085093220701)).toBe('12.2%');
    expect(FORMATS.ratio(8.333333333333334)).toBe('8.33');
    expect(FORMATS.km(47057.3)).toBe('47,057.3 km');
    expect(FORMATS.kg(4701.750825)).toBe('4,701.8 kg');
    expect(FORMATS.kg(-0.017466225932516316)).toBe('-0.0175 kg');
    expect(FORMATS.eur(25000)).toBe('€25,000');
  });
});

describe('the year a city page opens on', () => {
  const now = new Date('2026-11-24T12:00:00Z');

  it('is the newest year with usage, else the last complete year', () => {
    expect(defaultYear([2023, 2025, 2024], now)).toBe(2025);
    expect(defaultYear([], now)).toBe(2025);
  });

  it('can be chosen in the URL', () => {
    expect(yearFromSearch('?year=2024')).toBe(2024);
    for (const search of ['', '?year=', '?year=24', '?year=1999', '?year=2024x', '?year=3000']) {
      expect(yearFromSearch(search), search).toBeNull();
    }
  });

  it('offers the years since the first usage or four years back, newest first', () => {
    expect(yearOptions([2025], 2025, now)).toEqual([2026, 2025, 2024, 2023, 2022]);
    expect(yearOptions([2019, 2025], 2025, now)).toEqual([2026, 2025, 2024, 2023, 2022, 2021, 2020, 2019]);
    expect(yearOptions([], 2030, now)[0]).toBe(2030);
  });
});

describe('the city search', () => {
  const seeded = cities.map(({ id, name }) => ({ id, name }));
  const found = (typed: string) => filterCities(seeded, typed).map((city) => city.id);

  it('ignores accents and case, and matches names and ids', () => {
    for (const typed of ['Valencia', 'vale', 'VALÈNCIA', 'València', 'valència'])
      expect(found(typed), typed).toContain('valencia');
    for (const typed of ['gent', 'Gent', 'Ghent']) expect(found(typed), typed).toContain('gent');
    for (const typed of ['København', 'kobenhavn', 'copenhagen']) expect(found(typed), typed).toEqual(['kobenhavn']);
    expect(searchKey('  Ærø Straße ')).toBe('aero strasse');
    expect(found('atlantis')).toEqual([]);
  });

  it('orders by name, not by id', () => {
    const names = filterCities(seeded, '').map((city) => city.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(names.indexOf('Copenhagen')).toBeLessThan(names.indexOf('Genoa'));
  });

  it('counts what the filter shows', () => {
    expect(countText(16, 16, 16, false)).toBe('16 cities');
    expect(countText(1, 16, 16, true)).toBe('1 of 16 cities');
    expect(countText(0, 100, 250, true)).toBe('0 of 100 cities (100 of 250 loaded)');
  });
});

describe('figures by asset kind', () => {
  it('shows kilometres and avoided emissions for vehicles, nights for homes and rooms, all when unknown', () => {
    expect(applies('kmShared', ['TOOL'])).toBe(false);
    expect(applies('avoidedKgCO2e', ['HOME'])).toBe(false);
    expect(applies('nightsShared', ['BIKE', 'E_BIKE'])).toBe(false);
    expect(applies('kmShared', ['CARGO_BIKE'])).toBe(true);
    expect(applies('nightsShared', ['ROOM'])).toBe(true);
    expect(applies('kmShared', null)).toBe(true);
  });

  it("reads a co-op's kinds from its per-kind counts; a missing count makes them unknown", () => {
    const none = { totalCount: 0 };
    const counts = {
      car: none,
      eBike: { totalCount: 3 },
      bike: none,
      cargoBike: none,
      home: none,
      room: none,
      tool: none,
    };
    expect(kindsOf(counts)).toEqual(['E_BIKE']);
    expect(kindsOf({ ...counts, tool: null })).toBeNull();
  });
});

describe('the utilisation split by kind', () => {
  const tools = { kinds: ['TOOL'] as const, sharing: { assetHours: 100, hoursInUse: 46 } };
  const bikes = { kinds: ['BIKE'] as const, sharing: { assetHours: 1000, hoursInUse: 10 } };

  it('gives each group its own rate when the co-ops add up to the city', () => {
    expect(utilisationByKind([tools, bikes], 1100)).toEqual([
      { key: 'TOOL', label: 'tools', rate: 0.46 },
      { key: 'BIKE', label: 'bikes', rate: 0.01 },
    ]);
  });

  it('has no data for a group without visible use, and no split when it would not add up', () => {
    const quiet = { ...bikes, sharing: { assetHours: 1000, hoursInUse: null } };
    expect(utilisationByKind([tools, quiet], 1100)?.[1]?.rate).toBeNull();
    expect(utilisationByKind([tools, bikes], 5000)).toBeNull();
    expect(utilisationByKind([tools, { ...bikes, kinds: null }], 1100)).toBeNull();
    expect(utilisationByKind([tools], 100)).toBeNull();
  });
});
