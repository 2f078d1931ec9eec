import type { Migration } from '../../../../lib/db.js';
import * as initial from './0001_initial.js';
import * as publiccode from './0002_publiccode.js';
import * as illustrativeAdaptations from './0003_illustrative_adaptations.js';

/** Every migration of the depository database, by name; applied in name order. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_publiccode': publiccode,
  '0003_illustrative_adaptations': illustrativeAdaptations,
};
