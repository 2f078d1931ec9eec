/**
 * The gateway's DCAT-AP 3 catalogue and the CSV files it describes:
 *
 *   GET /catalog.ttl, /catalog.jsonld   the catalogue (/catalog picks one by Accept)
 *   GET /schema.graphql                 the public API's SDL, the DataService's endpoint description
 *   GET /data/applications.csv, /data/emission-factors.csv
 *   GET /data/cities/<cityId>/<year>/sharing.csv, .../footprint.csv
 *
 * Everything is built from public GraphQL operations run through the gateway's own request
 * pipeline (`executeOperation`: the same validation, limits and subgraph timeouts as a client's
 * request, without a loopback HTTP hop), so a file holds exactly what the graph answers, with
 * suppression applied. Built files are kept for `maxAgeSeconds` and served with that
 * Cache-Control and a strong ETag; concurrent requests for the same file share one build. When
 * part of the graph does not answer, the file answers 503 rather than a partial copy: a harvester
 * that saw a dataset disappear would delete it.
 */
import type http from 'node:http';
import { printSchema, type GraphQLSchema } from 'graphql';
import type { CatalogSettings } from '../../lib/config.js';
import {
  assignedRequestId,
  heldFile,
  publishedBaseUrl,
  sendHeldFile,
  sendNoStoreText,
  type HeldFile,
  type Refusal,
  type RequestHandler,
  type RouteMatch,
} from '../../lib/http.js';
import { toDay } from '../../lib/dates.js';
import type { Logger } from '../../lib/logger.js';
import { buildCatalog, paths } from './build.js';
import { applicationsCsv, emissionFactorsCsv, footprintCsv, sharingCsv } from './csv.js';
import {
  CatalogUnavailableError,
  loadFootprint,
  loadIndex,
  loadSharing,
  type CatalogIndex,
  type Execute,
} from './data.js';
import { toJsonLd, toTurtle } from './serialize.js';

export { CatalogUnavailableError, type Execute } from './data.js';

export interface CatalogOptions {
  settings: CatalogSettings;
  /** Runs an operation through the gateway; the request id ties its subgraph fetches to the file request. */
  executorFor: (requestId: string) => Execute;
  /** The gateway's API schema once loaded (for /schema.graphql). */
  schema: () => GraphQLSchema | undefined;
  /** The gateway's rate limit: building a file costs subgraph work, so file requests count like /graphql ones. */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
  logger?: Logger;
  /** The clock; tests may fix it. */
  now?: () => Date;
}

const TURTLE = 'text/turtle; charset=utf-8';
const JSON_LD = 'application/ld+json';
const CSV = 'text/csv; charset=utf-8; header=present';
const RETRY_AFTER_SECONDS = 30;

/**
 * A city's file: a slug id and a year as the catalogue writes it (four digits, no leading zero),
 * so each file has one URL and is built and cached under that one key; `02025`, `2025.0` or
 * `0x7E9` name no route.
 */
const CITY_FILE = /^\/data\/cities\/([a-z0-9]+(?:-[a-z0-9]+)*)\/([1-9]\d{3})\/(sharing|footprint)\.csv$/;

/**
 * Builds each key once per `maxAgeSeconds` and shares a build in progress; a failed build is
 * forgotten at once so the next request tries again.
 */
class BuildCache<V> {
  private readonly entries = new Map<string, { expires: number; value: Promise<V> }>();

  constructor(private readonly maxAgeMs: number) {}

  get(key: string, build: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.expires > now) return cached.value;
    for (const [old, entry] of this.entries) if (entry.expires <= now) this.entries.delete(old);
    const value = build();
    // A build in progress is shared even with maxAge 0; it expires once settled.
    const entry = { expires: Number.POSITIVE_INFINITY, value };
    this.entries.set(key, entry);
    value.then(
      () => (entry.expires = Date.now() + this.maxAgeMs),
      () => this.entries.delete(key),
    );
    return value;
  }
}

/** Open data: any web page may read a file of the catalogue (no credentials are involved). */
const OPEN_TO_ALL = { 'access-control-allow-origin': '*' };

/** JSON-LD when the client asks for it (and not for Turtle), else Turtle. */
function prefersJsonLd(req: http.IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /application\/(ld\+)?json/.test(accept) && !/text\/turtle/.test(accept);
}

/** Declares the routes of the catalogue, the schema and the CSV files. */
export function createCatalogHandler(options: CatalogOptions): RequestHandler[] {
  const { settings } = options;
  const now = options.now ?? (() => new Date());
  const issued = settings.issued ?? toDay(now());
  const maxAgeMs = settings.maxAgeSeconds * 1000;
  const indexCache = new BuildCache<CatalogIndex>(maxAgeMs);
  const fileCache = new BuildCache<HeldFile>(maxAgeMs);
  /** A built file, kept by clients and caches as long as the catalogue keeps it. */
  const fileOf = (text: string, contentType: string) =>
    heldFile(Buffer.from(text, 'utf8'), contentType, `public, max-age=${settings.maxAgeSeconds}`);

  const index = (requestId: string) =>
    indexCache.get('index', () => loadIndex(options.executorFor(requestId), settings.pageSize));

  const catalogFile = (base: string, format: 'ttl' | 'jsonld', requestId: string) =>
    fileCache.get(`catalog.${format}|${base}`, async () => {
      const quads = buildCatalog(await index(requestId), { base, settings, issued, today: toDay(now()) });
      return format === 'ttl' ? fileOf(await toTurtle(quads), TURTLE) : fileOf(toJsonLd(quads), JSON_LD);
    });

  /** The CSV file at a path, or null when no dataset has that path. */
  const csvFile = async (path: string, requestId: string): Promise<HeldFile | null> => {
    if (path === paths.applications || path === paths.emissionFactors) {
      return fileCache.get(path, async () => {
        const { applications, emissionFactors } = await index(requestId);
        return fileOf(
          path === paths.applications ? applicationsCsv(applications) : emissionFactorsCsv(emissionFactors),
          CSV,
        );
      });
    }
    const match = CITY_FILE.exec(path);
    if (!match) return null;
    const [, cityId, yearText, kind] = match as unknown as [string, string, string, 'sharing' | 'footprint'];
    const year = Number(yearText);
    const city = (await index(requestId)).cities.find((entry) => entry.id === cityId);
    const years = kind === 'sharing' ? city?.sharingYears : city?.footprintYears;
    if (!years?.includes(year)) return null;
    return fileCache.get(path, async () => {
      const execute = options.executorFor(requestId);
      const text =
        kind === 'sharing'
          ? sharingCsv(await loadSharing(execute, settings.pageSize, cityId, year))
          : footprintCsv(cityId, await loadFootprint(execute, cityId, year));
      return fileOf(text, CSV);
    });
  };

  const schemaFile = () => {
    const schema = options.schema();
    return schema ? fileOf(`${printSchema(schema)}\n`, 'text/plain; charset=utf-8') : undefined;
  };

  /** The API schema, the DataService's endpoint description. */
  const serveSchema = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const file = schemaFile();
    if (file) sendHeldFile(req, res, file, OPEN_TO_ALL);
    else
      sendNoStoreText(res, 503, 'The schema is not loaded yet.', {
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      });
  };

  /** The catalogue, in the format its path names (or, at /catalog, the one Accept prefers). */
  const serveCatalog = async (req: http.IncomingMessage, res: http.ServerResponse, { path }: RouteMatch) => {
    const format = path === '/catalog.jsonld' || (path === '/catalog' && prefersJsonLd(req)) ? 'jsonld' : 'ttl';
    const base = publishedBaseUrl(req, settings.publicBaseUrl);
    const file = await catalogFile(base, format, assignedRequestId(req, res));
    sendHeldFile(req, res, file, { ...OPEN_TO_ALL, ...(path === '/catalog' ? { vary: 'accept' } : {}) });
  };

  /** A CSV file, or 404 for a city or year without data. */
  const serveCsv = async (req: http.IncomingMessage, res: http.ServerResponse, { path }: RouteMatch) => {
    const file = await csvFile(path, assignedRequestId(req, res));
    if (!file)
      return sendNoStoreText(res, 404, `No dataset file at ${path}. The catalogue at /catalog.ttl lists every file.`);
    const name = path.slice('/data/'.length).replaceAll('/', '-');
    sendHeldFile(req, res, file, { ...OPEN_TO_ALL, 'content-disposition': `inline; filename="${name}"` });
  };

  /**
   * Admits a request (the rate limit: building a file costs subgraph work), serves it, and
   * answers 503 when part of the graph cannot build the file.
   */
  const admitted =
    (serve: (req: http.IncomingMessage, res: http.ServerResponse, match: RouteMatch) => Promise<void>) =>
    async (req: http.IncomingMessage, res: http.ServerResponse, match: RouteMatch): Promise<void> => {
      const refusal = await options.admit?.(req);
      if (refusal) return sendNoStoreText(res, refusal.status, refusal.message, { headers: refusal.headers });
      try {
        await serve(req, res, match);
      } catch (error) {
        if (!(error instanceof CatalogUnavailableError)) throw error;
        options.logger?.warn({ err: error, path: match.path }, 'catalogue file unavailable');
        sendNoStoreText(
          res,
          503,
          `This file cannot be built now because part of the graph did not answer (${error.message}). ` +
            'Nothing partial is published: retry later, and keep any copy harvested before.',
          { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
        );
      }
    };

  return [
    { path: paths.schema, serve: admitted(serveSchema) },
    ...['/catalog', '/catalog.ttl', '/catalog.jsonld'].map((path) => ({
      path,
      serve: admitted(serveCatalog),
    })),
    ...[paths.applications, paths.emissionFactors, CITY_FILE].map((path) => ({
      path,
      serve: admitted(serveCsv),
    })),
  ];
}
