import type { Migration } from '../../../../lib/db.js';
import * as initial from './0001_initial.js';
import * as illustrativePledges from './0002_illustrative_pledges.js';

/** Every migration of the league database, by name; applied in name order. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_illustrative_pledges': illustrativePledges,
};
