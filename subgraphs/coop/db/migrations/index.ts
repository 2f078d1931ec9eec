import type { Migration } from '../../../../lib/db.js';
import * as initial from './0001_initial.js';
import * as partitionUsageEvents from './0002_partition_usage_events.js';
import * as memberYears from './0003_member_years.js';
import * as gbfs from './0004_gbfs.js';
import * as gbfsOperationalFeed from './0005_gbfs_operational_feed.js';
import * as useOverlapIndex from './0006_use_overlap_index.js';
import * as usageHours from './0007_usage_hours.js';
import * as usageEventKeys from './0008_usage_event_keys.js';

/** Every migration of the coop database, by name; applied in name order. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_partition_usage_events': partitionUsageEvents,
  '0003_member_years': memberYears,
  '0004_gbfs': gbfs,
  '0005_gbfs_operational_feed': gbfsOperationalFeed,
  '0006_use_overlap_index': useOverlapIndex,
  '0007_usage_hours': usageHours,
  '0008_usage_event_keys': usageEventKeys,
};
