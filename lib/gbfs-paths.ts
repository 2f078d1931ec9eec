/**
 * Where the GBFS feeds live, for both ends of the proxy: the gateway serves exactly these paths
 * and forwards them to the coop subgraph, which serves exactly the same; nothing else under
 * /gbfs/ is forwarded.
 */

/** The feeds the coop subgraph publishes, by GBFS file name; `gbfs` is the discovery file. */
export const GBFS_FEEDS = [
  'gbfs',
  'gbfs_versions',
  'system_information',
  'vehicle_types',
  'station_information',
  'station_status',
] as const;
export type GbfsFeed = (typeof GBFS_FEEDS)[number];

/** `/gbfs/<co-op id>/<feed>.json` on the normalised path: a slug id and one of GBFS_FEEDS. */
export const GBFS_FEED_PATH = new RegExp(`^/gbfs/([a-z0-9]+(?:-[a-z0-9]+)*)/(${GBFS_FEEDS.join('|')})\\.json$`);

/** Any other path under /gbfs/, answered 404 with the list of feeds. */
export const GBFS_OTHER_PATH = /^\/gbfs(?:\/.*)?$/;

/** The 404 message for a path under /gbfs/ that names no feed. */
export const noGbfsFeed = (path: string) =>
  `No GBFS feed at ${path}: feeds are /gbfs/<co-op id>/{${GBFS_FEEDS.join(',')}}.json`;

/** The header in which the gateway tells the coop subgraph its public base URL, for the URLs inside GBFS feeds. */
export const GBFS_BASE_URL_HEADER = 'x-gbfs-base-url';
