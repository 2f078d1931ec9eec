import { describe, expect, it } from 'vitest';
import {
  addParts,
  assetAvailability,
  cellOf,
  emptyParts,
  publishCells,
  serviceDays,
  toStats,
} from '../../subgraphs/coop/sharing.js';

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
    visibleBins: 2,
    assets: 4,
    assetHours: 400,
    uses: 20,
    memberDays: 14,
    cellMembers: 10,
    hoursInUse: 50,
    km: 120,
    nights: 0,
    avoidedKg: 9,
  };

  it('derives the ratios from the sums', () => {
    const stats = toStats(busy, 5);
    expect(stats).toMatchObject({
      uses: 20,
      memberDays: 14,
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
      { ...busy, visibleBins: 0, uses: 0, memberDays: 0, cellMembers: 0, hoursInUse: 0, km: 0, avoidedKg: 0 },
      5,
    );
    expect(stats).toMatchObject({
      suppressed: true,
      uses: null,
      memberDays: null,
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

  it('shows the hours a visible use carries into a period without a visible bin, so hours add up over cuts', () => {
    const carried = { ...emptyParts(period), assets: 4, assetHours: 400, hoursInUse: 30 };
    expect(toStats(carried, 5)).toMatchObject({
      suppressed: true,
      uses: null,
      memberDays: null,
      nightsShared: null,
      hoursInUse: 30,
      utilizationRate: 30 / 400,
    });
  });

  it('answers a period with no activity exactly like one whose activity is all hidden (rule 2)', () => {
    const hidden = { ...emptyParts(period), assets: 4, assetHours: 400 };
    expect(toStats(hidden, 5)).toEqual(toStats({ ...hidden }, 5));
    expect(toStats(emptyParts(period), 5)).toMatchObject({
      suppressed: true,
      uses: null,
      utilizationRate: null,
      usersPerAsset: null,
    });
  });

  it('publishes distinct members only for a calendar month or year (rule 3)', () => {
    expect(toStats(busy, 5).activeMembers).toBe(10);
    for (const other of [
      { from: '2025-03-01', to: '2025-03-30' },
      { from: '2025-03-02', to: '2025-03-31' },
      { from: '2025-01-01', to: '2025-06-30' },
      { from: '2025-03-01', to: '2025-04-30' },
    ]) {
      expect(toStats({ ...busy, period: other }, 5)).toMatchObject({ activeMembers: null, usersPerAsset: null });
    }
  });

  it('knows the calendar cells, leap years included', () => {
    expect(cellOf({ from: '2025-01-01', to: '2025-12-31' })).toEqual({ year: 2025, month: null });
    expect(cellOf({ from: '2024-02-01', to: '2024-02-29' })).toEqual({ year: 2024, month: 2 });
    expect(cellOf({ from: '2025-02-01', to: '2025-02-28' })).toEqual({ year: 2025, month: 2 });
    expect(cellOf({ from: '2025-02-01', to: '2025-02-29' })).toBeNull();
    expect(cellOf({ from: '2025-01-01', to: '2025-01-31' })).toEqual({ year: 2025, month: 1 });
    expect(cellOf({ from: '2024-12-01', to: '2025-12-31' })).toBeNull();
  });

  it('withholds small cells and months within 1 to k − 1 of their year', () => {
    const months = [0, 4, 5, 12, 9, 10, 11, 13, 8, 0, 0, 0];
    expect(publishCells(13, months, 5)).toEqual({
      year: 13,
      months: [null, null, 5, null, null, null, null, 13, 8, null, null, null],
    });
    expect(publishCells(4, [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 5).year).toBeNull();
  });

  it('adds parts of the same period field by field', () => {
    const total = addParts(period, [busy, busy]);
    expect(total).toMatchObject({
      visibleBins: 4,
      assets: 8,
      assetHours: 800,
      uses: 40,
      memberDays: 28,
      cellMembers: 20,
      km: 240,
      avoidedKg: 18,
    });
  });
});
