import { describe, expect, it } from 'vitest';
import { addParts, assetAvailability, emptyParts, serviceDays, toStats } from '../../subgraphs/coop/sharing.js';

const period = { from: '2025-03-01', to: '2025-03-31' };

describe('asset availability', () => {
  it('counts the days an asset is in service within the period, both ends included', () => {
    expect(serviceDays({ commissioned_on: '2024-01-01', decommissioned_on: null }, period)).toBe(31);
    expect(serviceDays({ commissioned_on: '2025-03-10', decommissioned_on: null }, period)).toBe(22);
    expect(serviceDays({ commissioned_on: '2024-01-01', decommissioned_on: '2025-03-05' }, period)).toBe(5);
    expect(serviceDays({ commissioned_on: '2025-04-01', decommissioned_on: null }, period)).toBe(0);
    expect(serviceDays({ commissioned_on: '2024-01-01', decommissioned_on: '2025-02-28' }, period)).toBe(0);
  });

  it('offers 24 asset-hours a day and counts only assets in service', () => {
    const assets = [
      { commissioned_on: '2024-01-01', decommissioned_on: null },
      { commissioned_on: '2025-03-31', decommissioned_on: null },
      { commissioned_on: '2025-05-01', decommissioned_on: null },
    ];
    expect(assetAvailability(assets, period)).toEqual({ assets: 2, assetHours: (31 + 1) * 24 });
  });
});

describe('public figures', () => {
  const busy = {
    ...emptyParts(period),
    bins: 3,
    visibleBins: 2,
    assets: 4,
    assetHours: 400,
    uses: 20,
    activeMembers: 10,
    hoursInUse: 50,
    km: 120,
    nights: 0,
    avoidedKg: 9,
  };

  it('derives the ratios from the sums', () => {
    const stats = toStats(busy, 5);
    expect(stats).toMatchObject({
      uses: 20,
      activeMembers: 10,
      hoursInUse: 50,
      kmShared: 120,
      avoidedKgCO2e: 9,
      suppressed: false,
    });
    expect(stats.utilizationRate).toBeCloseTo(50 / 400);
    expect(stats.usersPerAsset).toBeCloseTo(10 / 4);
    expect(stats.suppressionThreshold).toBe(5);
  });

  it('withholds every member-derived figure when all activity lies in hidden bins', () => {
    const stats = toStats(
      { ...busy, visibleBins: 0, uses: 0, activeMembers: 0, hoursInUse: 0, km: 0, avoidedKg: 0 },
      5,
    );
    expect(stats).toMatchObject({
      suppressed: true,
      uses: null,
      activeMembers: null,
      hoursInUse: null,
      utilizationRate: null,
      usersPerAsset: null,
      kmShared: null,
      nightsShared: null,
      avoidedKgCO2e: null,
    });
    expect(stats.assets).toBe(4);
    expect(stats.assetHours).toBe(400);
  });

  it('is not suppressed when there was no activity at all, and has no ratio without assets', () => {
    const stats = toStats(emptyParts(period), 5);
    expect(stats).toMatchObject({ suppressed: false, uses: 0, utilizationRate: null, usersPerAsset: null });
  });

  it('adds parts of the same period field by field', () => {
    const total = addParts(period, [busy, busy]);
    expect(total).toMatchObject({
      bins: 6,
      visibleBins: 4,
      assets: 8,
      assetHours: 800,
      uses: 40,
      activeMembers: 20,
      km: 240,
      avoidedKg: 18,
    });
  });
});
