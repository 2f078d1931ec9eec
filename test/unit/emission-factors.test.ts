/**
 * The emission-factor table's provenance, checked from the seed data: every row names its
 * source, licence and year, and is either traced (where in the publication, the value as
 * published, the copy it was read in, and a published value that converts to ours) or an
 * estimate that says what was searched. No row calls itself illustrative any more.
 */
import { describe, expect, it } from 'vitest';
import { PRIVATE_CAR_FACTOR, SHARED_MODE_FACTOR } from '../../seeds/coop.js';
import { emissionFactors } from '../../seeds/data/emission-factors.js';
import type { EmissionFactorSeed } from '../../seeds/data/types.js';

const traced = emissionFactors.filter((factor) => !factor.estimate);
const estimates = emissionFactors.filter((factor) => factor.estimate);

/**
 * Our kgCO2ePerUnit recomputed from `publishedValue`: the published numbers (a sum when the
 * publication splits the value into parts), divided by 1000 when published per tonne for a
 * per-kg factor.
 */
function fromPublished(factor: EmissionFactorSeed): number {
  const value = factor.publishedValue!;
  const [numbers] = value.split(/\s+kg CO2e/);
  const sum = numbers!.split('+').reduce((total, part) => total + Number(part.trim()), 0);
  return /per tonne$/.test(value) && factor.unit === 'kg' ? sum / 1000 : sum;
}

describe('emission factor provenance', () => {
  it('gives every row a source, licence and year, and a boolean estimate flag', () => {
    for (const factor of emissionFactors) {
      expect(factor.source.trim(), factor.id).not.toBe('');
      expect(factor.license.trim(), factor.id).not.toBe('');
      expect(Number.isInteger(factor.year), factor.id).toBe(true);
      expect(typeof factor.estimate, factor.id).toBe('boolean');
    }
  });

  it('traces every non-estimate row to a place in the publication and a copy the authors read', () => {
    expect(traced.length).toBeGreaterThan(0);
    for (const factor of traced) {
      expect(factor.sourceReference?.trim(), factor.id).toBeTruthy();
      expect(factor.publishedValue, factor.id).toMatch(/^[\d.]+( \+ [\d.]+)* kg CO2e per /);
      // A repository copy is named with its full commit, so the reference cannot drift.
      expect(factor.tracedIn, factor.id).toMatch(/github\.com\/[\w.-]+\/[\w.-]+.*commit [0-9a-f]{40}.*\.\w+/);
    }
  });

  it('converts every published value to our value exactly (per tonne → per kg, parts summed)', () => {
    for (const factor of traced) {
      expect(fromPublished(factor), factor.id).toBeCloseTo(factor.kgCO2ePerUnit, 12);
    }
  });

  it('keeps every untraced row as an estimate that says what was searched, with no trace fields', () => {
    for (const factor of estimates) {
      expect([factor.sourceReference, factor.publishedValue, factor.tracedIn], factor.id).toEqual([null, null, null]);
      expect(factor.notes, factor.id).toMatch(/Estimate/);
      expect(factor.notes, factor.id).toMatch(/[Ss]earched/);
    }
  });

  it('has no row whose notes call it illustrative', () => {
    for (const factor of emissionFactors) expect(factor.notes, factor.id).not.toMatch(/illustrative/i);
  });

  // Footprint.estimatedFactors names the estimates behind embodied emissions only; that is
  // complete because the avoided side is priced with these factors, which must stay traced.
  it('prices avoided emissions with traced factors only', () => {
    const avoidedSide = [PRIVATE_CAR_FACTOR, ...Object.values(SHARED_MODE_FACTOR)];
    for (const id of avoidedSide) {
      expect(emissionFactors.find((factor) => factor.id === id)?.estimate, id).toBe(false);
    }
  });
});
