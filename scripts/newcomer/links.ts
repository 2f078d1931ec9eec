/**
 * The links the graph publishes, opened as a browser's address bar or curl opens them: a plain
 * GET, no preflight header, no token. Shared by test/e2e/published-links.test.ts (on the test
 * harness) and the fresh-clone newcomer run (scripts/newcomer.ts, on `npm start`).
 */

/** Every http(s) URL in a text that points under the gateway at `base`, once each, sorted. */
export function gatewayUrls(text: string, base: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'<>)\]},`\\]+/g) ?? [];
  return [
    ...new Set(found.map((url) => url.replace(/[.,;:]+$/, '')).filter((url) => url.startsWith(`${base}/`))),
  ].sort();
}

/**
 * A plain GET of one URL. The API endpoint (`/graphql`, the catalogue's DataService
 * endpointURL) is fetched as a browser navigates to it, which opens the explorer; API clients
 * POST to it.
 */
function plainGet(url: string, base: string): Promise<Response> {
  const headers = url === `${base}/graphql` ? { accept: 'text/html', 'sec-fetch-mode': 'navigate' } : undefined;
  return fetch(url, { redirect: 'manual', headers });
}

const RECORD_DOCUMENT = /\/data\/(?:applications|adaptations|designs|cities|protocol-cooperatives)\/([^/]+)\.json$/;

/**
 * What is wrong with an answer that came back 200, or null: a record document must be JSON of
 * the record its URL names, a GBFS feed a GBFS document, a CSV file a header and a page HTML.
 */
function contentProblem(url: string, type: string, body: string): string | null {
  const path = new URL(url).pathname;
  const record = RECORD_DOCUMENT.exec(path);
  if (record) {
    if (!type.startsWith('application/json')) return `a record document answered ${type}`;
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return id === decodeURIComponent(record[1]!) ? null : `shows the record ${JSON.stringify(id)}`;
  }
  if (path.startsWith('/gbfs/')) {
    const feed = JSON.parse(body) as { version?: unknown; data?: unknown };
    return typeof feed.version === 'string' && typeof feed.data === 'object' ? null : 'is not a GBFS document';
  }
  if (path.endsWith('.csv')) return /^[^\n]+,[^\n]+\n/.test(body) ? null : 'is a CSV file without a header line';
  if (path === '/' || path.startsWith('/cities/') || path === '/graphql')
    return type.startsWith('text/html') ? null : `a page answered ${type}`;
  return body.length > 0 ? null : 'answered an empty body';
}

/**
 * Opens each URL with a plain GET; returns, for each that did not answer 200 with its record,
 * the status (or the problem) and the URL. Empty: every link opens.
 */
export async function unopened(urls: readonly string[], base: string): Promise<string[]> {
  const failures: string[] = [];
  for (const url of urls) {
    const answer = await plainGet(url, base);
    const body = await answer.text();
    if (answer.status !== 200) {
      failures.push(`${answer.status} ${url}`);
      continue;
    }
    let problem: string | null;
    try {
      problem = contentProblem(url, answer.headers.get('content-type') ?? '', body);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem) failures.push(`200 ${url}: ${problem}`);
  }
  return failures;
}
