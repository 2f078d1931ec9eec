/**
 * Declared routes: every HTTP service (the gateway, each subgraph) serves exactly the routes of
 * its table, matched against the request path after it is normalised once, here. Nothing else
 * exists: an undeclared path is 404, a declared path asked with another method is 405.
 */
import type http from 'node:http';

/** What a route is given besides the request: the normalised path, its pattern's groups and the query. */
export interface RouteMatch {
  /** The normalised path (percent-decoded once, `.` segments dropped). */
  path: string;
  /** The groups of the route's pattern, decoded; empty for an exact path. */
  params: readonly string[];
  /** The raw query string, `?` included, or ''. */
  search: string;
}

/** One declared route: where, for which methods, and what serves it. */
export interface RequestHandler {
  /** An exact normalised path, or an anchored pattern whose groups become `params`. */
  path: string | RegExp;
  /** Methods served (default GET and HEAD); others are answered 405 with Allow. */
  methods?: readonly string[];
  /** Narrows the route to some requests (browsers navigating to /graphql); the others go on to the next route. */
  when?: (req: http.IncomingMessage, match: RouteMatch) => boolean;
  /** Writes the whole answer. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, match: RouteMatch): Promise<void>;
}

/** Methods of a route that does not name its own. */
export const READ_METHODS: readonly string[] = ['GET', 'HEAD'];

/** A request target's path and query, or null when the target cannot name a route. */
export interface Target {
  path: string;
  search: string;
}

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

/**
 * Normalises a request target (origin-form `/a/b?q`, or absolute-form `http://host/a/b?q`) for
 * route matching: each segment is percent-decoded exactly once and `.` segments are dropped.
 * Refused (null) are targets no client that resolves its URLs sends and that only serve to slip
 * past a prefix: a `..` segment (raw or encoded), an encoded `/` or `\`, a NUL, a malformed
 * escape, and any other form (`*`).
 */
export function normaliseTarget(target: string): Target | null {
  const origin = target.startsWith('/') ? target : target.replace(ABSOLUTE_FORM, '');
  if (!origin.startsWith('/')) return origin === '' && target !== '' ? { path: '/', search: '' } : null;
  const end = origin.search(/[?#]/);
  const rawPath = end === -1 ? origin : origin.slice(0, end);
  const search = end === -1 || origin[end] === '#' ? '' : origin.slice(end).split('#')[0]!;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '..' || /[/\\\0]/.test(segment)) return null;
    if (segment !== '.') segments.push(segment);
  }
  return { path: `/${segments.join('/')}`, search };
}

/**
 * The label of a route in metrics and logs: its path template. An exact route is its path
 * (`/graphql`, `/catalog.ttl`); a pattern route is the literal start of its pattern followed by
 * `*` (`/cities/*`, `/gbfs/*`, `/data/*`), so one scheme names them all and the label set stays
 * small whatever paths clients ask for.
 */
export function routeLabel(route: Pick<RequestHandler, 'path'>): string {
  if (typeof route.path === 'string') return route.path;
  const source = route.path.source.replace(/^\^/, '');
  let literal = /^(?:\\[/.-]|[A-Za-z0-9/_-])*/.exec(source)![0];
  // A quantifier after the literal start makes its last character optional: not part of the template.
  if (/^[?*+{]/.test(source.slice(literal.length))) literal = literal.replace(/(?:\\.|.)$/, '');
  return `${literal.replace(/\\(.)/g, '$1')}*`;
}

/** The route's groups when it matches `path`, else null. */
function paramsOf(route: RequestHandler, path: string): readonly string[] | null {
  if (typeof route.path === 'string') return route.path === path ? [] : null;
  const match = route.path.exec(path);
  return match ? match.slice(1).map((group) => group ?? '') : null;
}

/** The outcome of matching a request against a table. */
export type Found =
  | { kind: 'route'; route: RequestHandler; match: RouteMatch }
  | { kind: 'method'; allow: readonly string[] }
  | { kind: 'none' };

/** The first route of the table that serves this path and method; else the methods the path has, or none. */
export function findRoute(table: readonly RequestHandler[], req: http.IncomingMessage, target: Target): Found {
  const method = req.method ?? 'GET';
  const allow = new Set<string>();
  for (const route of table) {
    const params = paramsOf(route, target.path);
    if (!params) continue;
    const match = { path: target.path, params, search: target.search };
    if (route.when && !route.when(req, match)) continue;
    const methods = route.methods ?? READ_METHODS;
    if (methods.includes(method)) return { kind: 'route', route, match };
    for (const allowed of methods) allow.add(allowed);
  }
  return allow.size > 0 ? { kind: 'method', allow: [...allow] } : { kind: 'none' };
}

/**
 * Serves a request from a table: the matching route's `routeLabel` once it has answered, a 405 (label
 * `method`) for a declared path asked with another method, or null, having written nothing, when
 * no route has the path (or the target cannot name one).
 */
export async function dispatch(
  table: readonly RequestHandler[],
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<string | null> {
  const target = normaliseTarget(req.url ?? '/');
  const found = target ? findRoute(table, req, target) : ({ kind: 'none' } as const);
  if (found.kind === 'none') return null;
  if (found.kind === 'method') {
    const allow = found.allow.join(', ');
    res.statusCode = 405;
    res.setHeader('allow', allow);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: `${req.method} is not allowed here; use ${allow}.` }));
    return 'method';
  }
  await found.route.serve(req, res, found.match);
  return routeLabel(found.route);
}
