import type { Migration } from '../../../../lib/db.js';
import * as initial from './0001_initial.js';

/** Every migration of the coop database, by name; applied in name order. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
};
