/**
 * One public JSON document per record, at a readable URL a browser or curl opens with a plain GET:
 *
 *   GET /data/applications/<id>.json   GET /data/adaptations/<id>.json   GET /data/designs/<id>.json
 *   GET /data/cities/<id>.json          GET /data/protocol-cooperatives/<id>.json
 *
 * These are the URLs exports write where a standard demands one the graph has no other for
 * (`recordUrl` in lib/interop.ts). A GraphQL GET URL would not do: the CSRF rule refuses a
 * GET without a preflight header, so a link to one is a 400 in a browser. Each document is the
 * answer of a fixed public operation run through the gateway's own pipeline (as the catalogue's
 * files are), rate-limited like them; the id must be a slug, so each record has one URL.
 */
import type http from 'node:http';
import {
  assignedRequestId,
  matchesEtag,
  sendJson,
  strongEtag,
  type Refusal,
  type RequestHandler,
  type RouteMatch,
} from '../lib/http.js';
import { RECORD_PATH, RECORD_SELECTION, recordFieldOfFolder, type RecordField } from '../lib/interop.js';
import type { Logger } from '../lib/logger.js';
import { CatalogUnavailableError, type Execute } from './catalog/data.js';

export interface RecordOptions {
  /** Runs an operation through the gateway; the request id ties its subgraph fetches to the request. */
  executorFor: (requestId: string) => Execute;
  /** The gateway's rate limit: a document costs subgraph work, so it counts like a /graphql request. */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
  /** Seconds a client may keep a document. */
  maxAgeSeconds: number;
  logger?: Logger;
}

const RETRY_AFTER_SECONDS = 30;

/** Records are read by people in a browser: pretty-printed. */
const INDENT = 2;

/** The fixed operation that reads one record of a kind. */
const operationOf = (field: RecordField) =>
  `query Record($id: ID!) { ${field}(id: $id) { ${RECORD_SELECTION[field]} } }`;

/** Declares the record document route. */
export function createRecordHandler(options: RecordOptions): RequestHandler[] {
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, { params }: RouteMatch) => {
    const refusal = await options.admit?.(req);
    if (refusal) return sendJson(res, refusal.status, { error: refusal.message }, refusal.headers, INDENT);
    const [folder, id] = params as [string, string];
    const field = recordFieldOfFolder(folder)!;
    const requestId = assignedRequestId(req, res);
    let data: Record<string, unknown>;
    try {
      data = await options.executorFor(requestId)<Record<string, unknown>>(operationOf(field), { id });
    } catch (error) {
      if (!(error instanceof CatalogUnavailableError)) throw error;
      options.logger?.warn({ err: error, folder, id }, 'record document unavailable');
      return sendJson(
        res,
        503,
        { error: `This record cannot be read now because part of the graph did not answer (${error.message}).` },
        { 'retry-after': String(RETRY_AFTER_SECONDS), 'cache-control': 'no-store' },
        INDENT,
      );
    }
    const record = data[field];
    if (!record) {
      return sendJson(res, 404, { error: `No ${field} has the id "${id}".` }, { 'cache-control': 'no-store' }, INDENT);
    }
    const body = Buffer.from(`${JSON.stringify(record, null, INDENT)}\n`, 'utf8');
    const etag = strongEtag(body);
    res.setHeader('etag', etag);
    res.setHeader('cache-control', `public, max-age=${options.maxAgeSeconds}`);
    // Open data: any web page may read it (no credentials are involved).
    res.setHeader('access-control-allow-origin', '*');
    if (matchesEtag(req, etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return [{ path: RECORD_PATH, serve }];
}
