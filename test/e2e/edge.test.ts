/**
 * The gateway's edge in production mode, over HTTP: a token is verified before a large body is
 * read, JSON nested too deep is refused before it is parsed, only declared routes exist (after
 * the path is normalised once), each CSV has one URL, published links ignore the Host header,
 * /ready tells anonymous callers only up or down, and odd request shapes get a 4xx, never a 500.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JSON_DEPTH } from '../../lib/json-depth.js';
import { bearer, startTestStack, type TestStack } from '../harness.js';

/** Redis on, as in a deployment with the response cache: the deep-variable 500 needed it. */
const REDIS_URL = 'redis://127.0.0.1:6379';

let stack: TestStack;
let base: string;
let port: number;
beforeAll(async () => {
  stack = await startTestStack({ production: true, redisUrl: REDIS_URL });
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  port = Number(new URL(base).port);
});
afterAll(() => stack?.stop());

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A request sent exactly as written (fetch would normalise the path and refuse a Host header). */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
/** Apollo's CSRF prevention wants this on a GET. */
const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const SMALL_QUERY = '{ leagues { totalCount } }';

/** The sum of a metric's samples whose labels include all of `labels`, read over HTTP. */
async function sample(metricsUrl: string, name: string, labels: string[]): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const rejected = (reason: string) =>
  sample(`${base}/metrics`, 'commons_rejected_requests_total', [`reason="${reason}"`]);

/** JSON text of `depth` arrays inside one another. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A body of `bytes` bytes: an operation whose unused variable is an array nested as deep as the bytes allow. */
function deepBody(bytes: number): string {
  const head = `{"query":"${SMALL_QUERY}","variables":{"v":`;
  const depth = Math.floor((bytes - head.length - 2) / 2);
  return `${head}${nested(depth)}}}`;
}

describe('token before body', () => {
  it('answers Bearer junk 401 before the client has finished sending a 3.8 MB body', async () => {
    const size = 3_800_000;
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/graphql',
          headers: { ...JSON_TYPE, authorization: 'Bearer junk', 'content-length': String(size) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      // Only the first 64 KB of the promised 3.8 MB: a server that waits for the body never answers.
      req.write('['.repeat(65_536));
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text).errors[0]).toMatchObject({
      message: 'Token is not valid.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses Bearer junk with a whole 3.8 MB deeply nested body as 401, counted, without scanning it', async () => {
    const [unauthenticated, tooDeep] = [await rejected('unauthenticated'), await rejected('json_too_deep')];
    const answer = await send('POST', '/graphql', { ...JSON_TYPE, authorization: 'Bearer junk' }, deepBody(3_800_000));
    expect(answer.status).toBe(401);
    expect(await rejected('unauthenticated')).toBe(unauthenticated + 1);
    expect(await rejected('json_too_deep')).toBe(tooDeep);
  });

  it('gives a verified token the write limit, and still refuses its body nested too deep, before parsing', async () => {
    const token = await bearer('coop-operator', 'muniride-gent');
    const large = JSON.stringify({ query: SMALL_QUERY, variables: { pad: 'x'.repeat(1_000_000) } });
    const allowed = await send('POST', '/graphql', { ...JSON_TYPE, ...token }, large);
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.text).data.leagues.totalCount).toBeGreaterThan(0);

    const anonymous = await send('POST', '/graphql', JSON_TYPE, large);
    expect(anonymous.status).toBe(413);

    const deep = await send('POST', '/graphql', { ...JSON_TYPE, ...token }, deepBody(3_800_000));
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text).errors[0].message).toMatch(/nests JSON deeper than 64 levels/);
  });
});

describe('JSON depth', () => {
  it('accepts variables nested to the bound and refuses one level more, in a body and in a GET', async () => {
    const variables = (depth: number) => `{"v":${nested(depth - 2)}}`;
    const at = `{"query":"${SMALL_QUERY}","variables":${variables(DEFAULT_MAX_JSON_DEPTH)}}`;
    expect(JSON.parse((await send('POST', '/graphql', JSON_TYPE, at)).text).data.leagues.totalCount).toBeGreaterThan(0);
    const before = await rejected('json_too_deep');
    const over = `{"query":"${SMALL_QUERY}","variables":${variables(DEFAULT_MAX_JSON_DEPTH + 1)}}`;
    const refused = await send('POST', '/graphql', JSON_TYPE, over);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0]).toMatchObject({
      message: 'The request body nests JSON deeper than 64 levels.',
      extensions: { code: 'BAD_REQUEST' },
    });
    // Brackets inside strings are text, not nesting.
    const inString = JSON.stringify({ query: SMALL_QUERY, variables: { v: '['.repeat(500) } });
    expect((await send('POST', '/graphql', JSON_TYPE, inString)).status).toBe(200);

    const query = encodeURIComponent(SMALL_QUERY);
    for (const name of ['variables', 'extensions']) {
      const get = await send(
        'GET',
        `/graphql?query=${query}&${name}=${encodeURIComponent(`{"v":${nested(200)}}`)}`,
        PREFLIGHT,
      );
      expect(get.status, name).toBe(400);
      expect(JSON.parse(get.text).errors[0].message).toBe(`The ${name} parameter nests JSON deeper than 64 levels.`);
    }
    expect(await rejected('json_too_deep')).toBe(before + 3);
  });

  it('with Redis on, answers an unused variable nested 5,000 deep 400, not 500', async () => {
    const body = `{"query":"${SMALL_QUERY}","variables":{"unused":${nested(5000)}}}`;
    const answer = await send('POST', '/graphql', JSON_TYPE, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).errors[0].message).toMatch(/deeper than 64/);
    expect((await send('POST', '/graphql', JSON_TYPE, JSON.stringify({ query: SMALL_QUERY }))).status).toBe(200);
  });
});

describe('operations the gateway cannot plan', () => {
  it.each([
    [
      'two operations without operationName',
      { query: `query A ${SMALL_QUERY} query B ${SMALL_QUERY}` },
      /2 operations/,
    ],
    [
      'an operationName the document lacks',
      { query: `query A ${SMALL_QUERY}`, operationName: 'B' },
      /no operation named "B"/,
    ],
    ['a subscription', { query: 'subscription { leagues { totalCount } }' }, /subscriptions/],
  ])('answers %s 400 with the reason', async (_name, body, reason) => {
    const answer = await send('POST', '/graphql', JSON_TYPE, JSON.stringify(body));
    expect(answer.status).toBe(400);
    const [error] = JSON.parse(answer.text).errors;
    expect(error.message).toMatch(reason);
    expect(error.extensions.code).toBe('BAD_REQUEST');
  });

  it('still runs the named one of two operations', async () => {
    const body = { query: `query A ${SMALL_QUERY} query B { cities(first: 1) { totalCount } }`, operationName: 'B' };
    const answer = await send('POST', '/graphql', JSON_TYPE, JSON.stringify(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.cities.totalCount).toBeGreaterThan(0);
  });
});

describe('odd request shapes get a 4xx, never a 500', () => {
  const query = encodeURIComponent(SMALL_QUERY);
  it.each([
    ['HEAD /graphql', () => send('HEAD', '/graphql', PREFLIGHT)],
    ['PUT /graphql', () => send('PUT', '/graphql', JSON_TYPE, '{}')],
    ['OPTIONS *', () => send('OPTIONS', '*')],
    ['an empty body', () => send('POST', '/graphql', JSON_TYPE, '')],
    ['a body of null', () => send('POST', '/graphql', JSON_TYPE, 'null')],
    ['query not a string', () => send('POST', '/graphql', JSON_TYPE, '{"query":{"a":1}}')],
    ['variables an array', () => send('POST', '/graphql', JSON_TYPE, `{"query":"${SMALL_QUERY}","variables":[1]}`)],
    ['extensions a string', () => send('POST', '/graphql', JSON_TYPE, `{"query":"${SMALL_QUERY}","extensions":"x"}`)],
    [
      'non-UTF-8 bytes',
      () =>
        send(
          'POST',
          '/graphql',
          JSON_TYPE,
          Buffer.concat([Buffer.from('{"query":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
        ),
    ],
    ['a GET with junk variables', () => send('GET', `/graphql?query=${query}&variables=junk`, PREFLIGHT)],
    ['a GET with two queries', () => send('GET', '/graphql?query=a&query=b', PREFLIGHT)],
    ['a GET of a mutation', () => send('GET', `/graphql?query=${encodeURIComponent('mutation { x }')}`, PREFLIGHT)],
    ['a header of 20 KB', () => send('POST', '/graphql', { ...JSON_TYPE, 'x-big': 'a'.repeat(20_000) }, '{}')],
    ['a malformed escape in the path', () => send('GET', '/%zz')],
  ])('%s', async (_name, request) => {
    const { status } = await request();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });
});

describe('routes declared once', () => {
  /** Requests coop's /metrics has answered, read from coop itself (this read counts from the next one). */
  const coopMetricsReads = () =>
    sample(stack.subgraphs.coop.url.replace(/\/graphql$/, '/metrics'), 'commons_http_request_duration_seconds_count', [
      'route="/metrics"',
    ]);

  it('never lets a /gbfs/ path leave its prefix, so coop never sees it with the secret', async () => {
    const before = await coopMetricsReads();
    for (const path of [
      '/gbfs/../metrics',
      '/gbfs/%2e%2e/metrics',
      '/gbfs/%2E%2E/metrics',
      '/gbfs/muniride-gent/%2e%2e/%2e%2e/metrics',
      '/gbfs/muniride-gent/..%2f..%2fmetrics',
      '/gbfs/%2fmetrics',
      '/gbfs/muniride-gent/gbfs.json/../../../metrics',
      '/gbfs/muniride-gent%2f..%2f..%2fmetrics/gbfs.json',
    ]) {
      const answer = await send('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.text, path).not.toMatch(/process_cpu|commons_/);
    }
    // Only the read above reached coop's /metrics.
    expect(await coopMetricsReads()).toBe(before + 1);
  });

  it('matches after decoding once: an escaped letter is the same path, a double escape is not', async () => {
    expect((await send('GET', '/%68ealth')).status).toBe(200);
    expect((await send('GET', '/./health')).status).toBe(200);
    expect((await send('GET', '/%2568ealth')).status).toBe(404);
    expect((await send('GET', '/health/')).status).toBe(404);
    expect((await send('GET', '//health')).status).toBe(404);
    expect((await send('GET', '/nothing-here')).status).toBe(404);
  });

  it('gives each CSV one URL: other spellings of the year or the city are 404', async () => {
    expect((await send('GET', '/data/cities/gent/2025/sharing.csv')).status).toBe(200);
    for (const path of [
      '/data/cities/gent/02025/sharing.csv',
      '/data/cities/gent/2025.0/sharing.csv',
      '/data/cities/gent/0x7E9/sharing.csv',
      '/data/cities/gent/2025e0/footprint.csv',
      '/data/cities/gent/+2025/footprint.csv',
      '/data/cities/GENT/2025/sharing.csv',
      '/data/cities/gent/2025/sharing.csv/',
    ]) {
      expect((await send('GET', path)).status, path).toBe(404);
    }
  });

  it('builds GBFS discovery links from its own address, not the Host header the caller sent', async () => {
    const answer = await send('GET', '/gbfs/muniride-gent/gbfs.json', { host: 'evil.example' });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toMatch(/public/);
    const urls: string[] = JSON.parse(answer.text).data.feeds.map((feed: { url: string }) => feed.url);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith(`${base}/gbfs/muniride-gent/`), url).toBe(true);
    expect(answer.text).not.toContain('evil.example');
  });

  it('tells anonymous callers on /ready only whether each subgraph is up', async () => {
    const answer = await send('GET', '/ready');
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body).toEqual({
      status: 'ready',
      supergraph: true,
      subgraphs: { league: { up: true }, depository: { up: true }, coop: { up: true }, production: { up: true } },
    });
    expect(answer.text).not.toContain('127.0.0.1');
  });
});

describe('/ready with READY_DETAILS', () => {
  it('names each subgraph URL and latency when the operator asks for it', async () => {
    const detailed = await startTestStack({ production: true, readyDetails: true });
    try {
      const body = (await (await fetch(detailed.gatewayUrl.replace(/\/graphql$/, '/ready'))).json()) as any;
      expect(body.subgraphs.coop).toMatchObject({ up: true, url: detailed.subgraphs.coop.url });
    } finally {
      await detailed.stop();
    }
  });
});
