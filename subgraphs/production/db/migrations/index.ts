import type { Migration } from '../../../../lib/db.js';
import * as initial from './0001_initial.js';
import * as okh from './0002_okh.js';
import * as illustrativeDesigns from './0003_illustrative_designs.js';
import * as consent from './0004_consent.js';
import * as factorEstimates from './0005_factor_estimates.js';

/** Every migration of the production database, by name; applied in name order. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_okh': okh,
  '0003_illustrative_designs': illustrativeDesigns,
  '0004_consent': consent,
  '0005_factor_estimates': factorEstimates,
};
