import { describe, expect, it } from 'vitest';
import {
  MAX_YEAR,
  METHODOLOGY,
  MIN_YEAR,
  avoidedInYear,
  designMassKg,
  footprint,
  isFootprintYear,
  kgCO2ePerPassengerKm,
  lineKgCO2e,
  unitEmbodiedKgCO2e,
} from '../../subgraphs/production/footprint.js';

describe('unitEmbodiedKgCO2e', () => {
  const design = {
    manufacturingEnergyKwh: 50,
    transportKm: 400,
    billOfMaterials: [
      { massKg: 20, kgCO2ePerKg: 2 },
      { massKg: 5, kgCO2ePerKg: 10 },
    ],
  };

  it('adds materials, manufacturing energy and transport of the total mass in tonne-km', () => {
    // materials 20×2 + 5×10 = 90; energy 50×0.3 = 15; transport (25/1000)×400×0.1 = 1
    expect(unitEmbodiedKgCO2e(design, 0.3, 0.1)).toBeCloseTo(106, 10);
  });

  it('is the materials alone when energy and freight are free', () => {
    expect(unitEmbodiedKgCO2e(design, 0, 0)).toBeCloseTo(90, 10);
  });

  it('grows linearly with the electricity and freight factors', () => {
    const base = unitEmbodiedKgCO2e(design, 0, 0);
    expect(unitEmbodiedKgCO2e(design, 1, 0) - base).toBeCloseTo(design.manufacturingEnergyKwh, 10);
    expect(unitEmbodiedKgCO2e(design, 0, 1) - base).toBeCloseTo((25 / 1000) * design.transportKm, 10);
  });

  it('is zero for an empty design', () => {
    expect(unitEmbodiedKgCO2e({ manufacturingEnergyKwh: 0, transportKm: 100, billOfMaterials: [] }, 0.5, 0.1)).toBe(0);
  });
});

describe('bill-of-materials helpers', () => {
  it('prices a line as mass × factor', () => {
    expect(lineKgCO2e({ massKg: 3.5, kgCO2ePerKg: 2 })).toBe(7);
  });

  it('sums the mass of a unit', () => {
    expect(designMassKg([{ massKg: 1.5 }, { massKg: 2.5 }])).toBe(4);
    expect(designMassKg([])).toBe(0);
  });
});

describe('kgCO2ePerPassengerKm', () => {
  const transport = { category: 'PASSENGER_TRANSPORT', kgCO2ePerUnit: 0.16 };

  it('divides a per-vehicle-km factor by its occupancy', () => {
    expect(kgCO2ePerPassengerKm({ ...transport, unit: 'vehicle-km', occupancy: 1.6 })).toBeCloseTo(0.1, 10);
  });

  it('keeps a per-passenger-km factor as is', () => {
    expect(kgCO2ePerPassengerKm({ ...transport, unit: 'passenger-km', occupancy: null })).toBe(0.16);
  });

  it('is null for a per-vehicle-km factor without a usable occupancy', () => {
    expect(kgCO2ePerPassengerKm({ ...transport, unit: 'vehicle-km', occupancy: null })).toBeNull();
    expect(kgCO2ePerPassengerKm({ ...transport, unit: 'vehicle-km', occupancy: 0 })).toBeNull();
  });

  it('is null for factors that are not passenger transport', () => {
    expect(
      kgCO2ePerPassengerKm({ category: 'FREIGHT', unit: 'tonne-km', kgCO2ePerUnit: 0.1, occupancy: null }),
    ).toBeNull();
    expect(kgCO2ePerPassengerKm({ category: 'ELECTRICITY', unit: 'kWh', kgCO2ePerUnit: 0.2, occupancy: 2 })).toBeNull();
  });
});

describe('avoidedInYear', () => {
  const sharing = [
    { year: 2024, avoidedKgCO2e: 120 },
    { year: 2025, avoidedKgCO2e: null },
  ];

  it('is unknown (null) when no sharing figures were given', () => {
    expect(avoidedInYear(null, 2024)).toBeNull();
    expect(avoidedInYear(undefined, 2024)).toBeNull();
  });

  it('is the figure of the year', () => {
    expect(avoidedInYear(sharing, 2024)).toBe(120);
  });

  it('is null when the year is suppressed', () => {
    expect(avoidedInYear(sharing, 2025)).toBeNull();
  });

  it('is 0 when the year records no sharing', () => {
    expect(avoidedInYear(sharing, 2023)).toBe(0);
    expect(avoidedInYear([], 2024)).toBe(0);
  });
});

describe('footprint', () => {
  it('nets avoided against embodied emissions and divides by population', () => {
    const result = footprint({
      year: 2024,
      embodiedKgCO2e: 1000,
      population: 200,
      annualSharing: [{ year: 2024, avoidedKgCO2e: 400 }],
    });
    expect(result).toEqual({
      year: 2024,
      embodiedKgCO2e: 1000,
      avoidedKgCO2e: 400,
      netKgCO2e: 600,
      perCapitaKgCO2e: 3,
      methodology: METHODOLOGY,
    });
  });

  it('may be negative when sharing avoids more than was built', () => {
    const result = footprint({
      year: 2024,
      embodiedKgCO2e: 100,
      population: 10,
      annualSharing: [{ year: 2024, avoidedKgCO2e: 300 }],
    });
    expect(result.netKgCO2e).toBe(-200);
    expect(result.perCapitaKgCO2e).toBe(-20);
  });

  it('counts a year without sharing as nothing avoided', () => {
    const result = footprint({
      year: 2023,
      embodiedKgCO2e: 50,
      population: 5,
      annualSharing: [{ year: 2024, avoidedKgCO2e: 9 }],
    });
    expect(result).toMatchObject({ avoidedKgCO2e: 0, netKgCO2e: 50, perCapitaKgCO2e: 10 });
  });

  it('leaves avoided, net and per capita null when sharing is unknown or suppressed', () => {
    for (const annualSharing of [null, [{ year: 2024, avoidedKgCO2e: null }]]) {
      const result = footprint({ year: 2024, embodiedKgCO2e: 50, population: 5, annualSharing });
      expect(result).toMatchObject({ embodiedKgCO2e: 50, avoidedKgCO2e: null, netKgCO2e: null, perCapitaKgCO2e: null });
    }
  });

  it('leaves per capita null without a population', () => {
    const result = footprint({ year: 2024, embodiedKgCO2e: 50, population: undefined, annualSharing: [] });
    expect(result).toMatchObject({ netKgCO2e: 50, perCapitaKgCO2e: null });
  });

  it('names the method', () => {
    expect(METHODOLOGY).toBe('commons-footprint/1.1');
  });
});

describe('isFootprintYear', () => {
  it('accepts integers in the documented range', () => {
    expect(isFootprintYear(MIN_YEAR)).toBe(true);
    expect(isFootprintYear(2025)).toBe(true);
    expect(isFootprintYear(MAX_YEAR)).toBe(true);
  });

  it('rejects years outside the range and fractions', () => {
    expect(isFootprintYear(MIN_YEAR - 1)).toBe(false);
    expect(isFootprintYear(MAX_YEAR + 1)).toBe(false);
    expect(isFootprintYear(2024.5)).toBe(false);
  });
});
