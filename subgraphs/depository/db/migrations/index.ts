import type { Migration } from '../../../../lib/db.js';
import * as initial from './0001_initial.js';
import * as publiccode from './0002_publiccode.js';

/** Every migration of the depository database, by name; applied in name order. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_publiccode': publiccode,
};
