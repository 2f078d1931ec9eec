/**
 * The `route` label of /metrics and of request logs follows one scheme on every service: the
 * path template: the label a request is counted under is its route's path, or a pattern's
 * literal start followed by `*`.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { GBFS_FEED_PATH, GBFS_OTHER_PATH } from '../../lib/gbfs-paths.js';
import { RECORD_PATH } from '../../lib/interop.js';
import { dispatch, routeLabel, type RequestHandler } from '../../lib/routes.js';

/** A request for `url` answered by `table`, and the label dispatch gives it. */
async function labelOf(table: RequestHandler[], url: string): Promise<string | null> {
  const req = Object.assign(new http.IncomingMessage(null as never), { url, method: 'GET' });
  const res = new http.ServerResponse(req);
  return dispatch(table, req, res);
}

const served: RequestHandler['serve'] = async (_req, res) => void res.end();

describe('route labels', () => {
  it('labels an exact route with its path', async () => {
    const table: RequestHandler[] = [
      { path: '/catalog.ttl', serve: served },
      { path: '/graphql', serve: served },
    ];
    expect(await labelOf(table, '/catalog.ttl')).toBe('/catalog.ttl');
    expect(await labelOf(table, '/graphql')).toBe('/graphql');
  });

  it('labels a pattern route with its literal start and *', async () => {
    const table: RequestHandler[] = [{ path: /^\/cities\/([a-z]+)\/?$/, serve: served }];
    expect(await labelOf(table, '/cities/gent')).toBe('/cities/*');
    expect(routeLabel({ path: GBFS_FEED_PATH })).toBe('/gbfs/*');
    expect(routeLabel({ path: GBFS_OTHER_PATH })).toBe('/gbfs*');
    expect(routeLabel({ path: RECORD_PATH })).toBe('/data/*');
    expect(routeLabel({ path: /^\/assets\/.+$/ })).toBe('/assets/*');
  });

  it('leaves out a character a quantifier makes optional', () => {
    expect(routeLabel({ path: /^\/items?$/ })).toBe('/item*');
  });
});
