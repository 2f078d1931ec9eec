/**
 * The DCAT-AP 3 catalogue at the gateway (/catalog.ttl, /catalog.jsonld) and its CSV files,
 * fetched over HTTP from a running stack: valid against the official DCAT-AP 3.0.1 SHACL shapes
 * (read in place from ../shared/standards, skipped with a warning when absent), the same
 * triples in both serialisations, every file URL answering, and every CSV row equal to what the
 * graph answers to the test's own queries, suppression included.
 */
import fs from 'node:fs';
import net from 'node:net';
import jsonld from 'jsonld';
import { DataFactory, Parser, Store, Writer, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, loadConfig, type SubgraphName } from '../../lib/config.js';
import { createGateway, type Gateway } from '../../gateway/server.js';
import { close, listen } from '../../lib/http.js';
import { createLogger } from '../../lib/logger.js';
import { createMetrics } from '../../lib/metrics.js';
import { SUPERGRAPH_FILE } from '../../schema/compose.js';
import { csvField, toCsv } from '../../gateway/catalog/csv.js';
import { SECRETS, dataOf, startTestStack, type TestStack } from '../harness.js';
import { standardsAbsent, standardsFile } from '../interop/helpers.js';

const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  sh: 'http://www.w3.org/ns/shacl#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
};
const RDF_TYPE = `${NS.rdf}type`;

const absent = standardsAbsent('dcat-ap');

let stack: TestStack;
let base: string;
let turtle: string;
let jsonLdText: string;
let quads: Quad[];

beforeAll(async () => {
  stack = await startTestStack();
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  const [ttl, jsonLd] = await Promise.all([fetch(`${base}/catalog.ttl`), fetch(`${base}/catalog.jsonld`)]);
  expect(ttl.status).toBe(200);
  expect(jsonLd.status).toBe(200);
  turtle = await ttl.text();
  jsonLdText = await jsonLd.text();
  quads = new Parser().parse(turtle);
});
afterAll(() => stack?.stop());

describe('a smaller MAX_PAGE_SIZE', () => {
  it('lists the same datasets, paging by the size the subgraphs allow', async () => {
    const small = await startTestStack({ settings: { maxPageSize: 5 } });
    try {
      const answer = await fetch(`${small.gatewayUrl.replace(/\/graphql$/, '')}/catalog.ttl`);
      expect(answer.status).toBe(200);
      const paths = (text: string) => [...new Set(text.match(/\/data\/[^>\s"]+\.csv/g) ?? [])].sort();
      const expected = paths(turtle);
      // More cities than one page of 5, so the catalogue had to follow the cursors.
      expect(expected.filter((path) => path.endsWith('/sharing.csv')).length).toBeGreaterThan(5);
      expect(paths(await answer.text())).toEqual(expected);
    } finally {
      await small.stop();
    }
  });
});

describe('nested lists the graph caps', () => {
  /**
   * Nested lists answer at most their `first` (20 when left out), so a catalogue reading
   * `City.platformCooperatives` or `OpenCooperative.productionRuns` would drop a city's 21st
   * co-op from its sharing.csv and a co-op's 21st run from the footprint datasets. Here one city
   * gets 25 co-ops and one open co-op 25 runs, one a year (2001–2025) delivered to that city, with
   * a page size of 5: every co-op has its rows and every year its footprint dataset.
   */
  it('lose nothing: every co-op of a city and every run of a co-op, with a page size of 5', async () => {
    const small = await startTestStack({ settings: { maxPageSize: 5 } });
    try {
      const cityId = 'gent';
      const coopDb = small.subgraphs.coop.db;
      const [template] = await coopDb('platform_cooperatives').where('city_id', cityId).limit(1);
      const added = Array.from({ length: 25 }, (_, i) => ({
        ...template,
        id: `catalog-many-${String(i).padStart(2, '0')}`,
        name: `Catalogue co-op ${i}`,
      }));
      await coopDb('platform_cooperatives').insert(added);
      const coops = await coopDb('platform_cooperatives').where('city_id', cityId).pluck('id');
      expect(coops.length).toBeGreaterThan(20);

      const productionDb = small.subgraphs.production.db;
      const [run] = await productionDb('production_runs').limit(1);
      const years = Array.from({ length: 25 }, (_, i) => 2001 + i);
      await productionDb('production_runs').insert(
        years.map((year) => ({ ...run, id: `catalog-run-${year}`, completed_on: `${year}-06-01`, city_id: cityId })),
      );

      const origin = small.gatewayUrl.replace(/\/graphql$/, '');
      const ttl = await (await fetch(`${origin}/catalog.ttl`)).text();
      for (const year of years) expect(ttl, `${year}`).toContain(`/data/cities/${cityId}/${year}/footprint.csv`);

      const sharing = await fetch(`${origin}/data/cities/${cityId}/2025/sharing.csv`);
      expect(sharing.status).toBe(200);
      const [header, ...records] = parseCsv(await sharing.text());
      const column = header!.indexOf('platformCooperativeId');
      const rowsPerCoop = new Map<string, number>();
      for (const record of records) {
        if (record[column]) rowsPerCoop.set(record[column]!, (rowsPerCoop.get(record[column]!) ?? 0) + 1);
      }
      // The year and its twelve months, for every co-op of the city.
      expect([...rowsPerCoop.keys()].sort()).toEqual([...coops].sort());
      for (const id of coops) expect(rowsPerCoop.get(id), id).toBe(13);
    } finally {
      await small.stop();
    }
  });
});

/** The graph's own answer to a public query, through the gateway like any client. */
async function graph(query: string, variables?: Record<string, unknown>): Promise<any> {
  return dataOf(await stack.query(query, variables));
}

/** Subjects of a class. */
const ofClass = (data: readonly Quad[], cls: string) =>
  data.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === cls).map((q) => q.subject.value);

/** Objects of a subject's property. */
const objects = (data: readonly Quad[], subject: string, predicate: string) =>
  data.filter((q) => q.subject.value === subject && q.predicate.value === predicate).map((q) => q.object.value);

/** The triples as a set of N-Triples lines, for comparing two graphs without blank nodes. */
function ntriples(data: readonly Quad[]): Set<string> {
  const writer = new Writer({ format: 'N-Triples' });
  return new Set(data.map((q) => writer.quadToString(q.subject, q.predicate, q.object).trim()));
}

/** A strict RFC 4180 parser: CRLF line ends, quoted fields with doubled quotes; returns the records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), (i += 2));
      else if (c === '"') ((quoted = false), i++);
      else ((field += c), i++);
    } else if (c === '"' && field === '') ((quoted = true), i++);
    else if (c === ',') (record.push(field), (field = ''), i++);
    else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      ((record = []), (field = ''), (i += 2));
    } else if (c === '\n' || c === '\r' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else ((field += c), i++);
  }
  if (quoted || field !== '' || record.length) throw new Error('the file does not end with CRLF');
  return records;
}

/** A CSV file as objects keyed by its header row. */
async function fetchCsv(url: string): Promise<{ header: string[]; rows: Record<string, string>[]; text: string }> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
  const text = await response.text();
  const [header, ...records] = parseCsv(text);
  for (const record of records) expect(record.length, url).toBe(header!.length);
  return { header: header!, rows: records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))), text };
}

/** How a GraphQL value reads in a CSV field. */
const field = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** Every file URL the catalogue names (accessURL and downloadURL of every distribution). */
function fileUrls(): string[] {
  const distributions = ofClass(quads, `${NS.dcat}Distribution`);
  return [
    ...new Set(
      distributions.flatMap((d) => [
        ...objects(quads, d, `${NS.dcat}downloadURL`),
        ...objects(quads, d, `${NS.dcat}accessURL`),
      ]),
    ),
  ].sort();
}

/** The datasets the graph says should exist, recomputed from the test's own queries. */
async function expectedCityFiles(): Promise<{ sharing: string[]; footprint: string[] }> {
  const { cities } = await graph(`{ cities(first: 100) { totalCount nodes { id annualSharing { year } } } }`);
  expect(cities.totalCount).toBeLessThanOrEqual(100);
  const { openCooperatives } = await graph(
    `{ openCooperatives(first: 100) { totalCount nodes { productionRuns { completedOn city { id } } } } }`,
  );
  expect(openCooperatives.totalCount).toBeLessThanOrEqual(100);
  const sharing = new Set<string>();
  const footprint = new Set<string>();
  for (const city of cities.nodes as { id: string; annualSharing: { year: number }[] }[]) {
    for (const { year } of city.annualSharing) {
      sharing.add(`/data/cities/${city.id}/${year}/sharing.csv`);
      footprint.add(`/data/cities/${city.id}/${year}/footprint.csv`);
    }
  }
  for (const coop of openCooperatives.nodes) {
    for (const run of coop.productionRuns) {
      if (run.city) footprint.add(`/data/cities/${run.city.id}/${run.completedOn.slice(0, 4)}/footprint.csv`);
    }
  }
  return { sharing: [...sharing].sort(), footprint: [...footprint].sort() };
}

describe('DCAT-AP catalogue: content', () => {
  it('describes the catalogue, its publisher and the GraphQL endpoint as a DataService', () => {
    const [catalog] = ofClass(quads, `${NS.dcat}Catalog`);
    expect(catalog).toBe(`${base}/catalog`);
    const [publisher] = objects(quads, catalog!, `${NS.dct}publisher`);
    expect(objects(quads, publisher!, 'http://xmlns.com/foaf/0.1/name')).toEqual(['Commons Graph']);
    const [service] = objects(quads, catalog!, `${NS.dcat}service`);
    expect(ofClass(quads, `${NS.dcat}DataService`)).toEqual([service]);
    expect(objects(quads, service!, `${NS.dcat}endpointURL`)).toEqual([`${base}/graphql`]);
    expect(objects(quads, service!, `${NS.dct}conformsTo`)).toEqual(['https://spec.graphql.org/October2021/']);
    expect(objects(quads, service!, `${NS.dcat}servesDataset`).sort()).toEqual(
      ofClass(quads, `${NS.dcat}Dataset`).sort(),
    );
  });

  it('has a sharing and a footprint dataset for each city and year with data, and the two tables', async () => {
    const expected = await expectedCityFiles();
    expect(expected.sharing.length).toBeGreaterThan(0);
    const urls = fileUrls().map((url) => url.slice(base.length));
    expect(urls.filter((u) => u.endsWith('/sharing.csv'))).toEqual(expected.sharing);
    expect(urls.filter((u) => u.endsWith('/footprint.csv'))).toEqual(expected.footprint);
    expect(urls).toContain('/data/applications.csv');
    expect(urls).toContain('/data/emission-factors.csv');
    // One distribution per dataset, each dataset in the catalogue.
    const gbfs = urls.filter((u) => u.startsWith('/gbfs/'));
    const datasets = ofClass(quads, `${NS.dcat}Dataset`);
    expect(datasets.length).toBe(expected.sharing.length + expected.footprint.length + 2 + gbfs.length);
    const [catalog] = ofClass(quads, `${NS.dcat}Catalog`);
    expect(objects(quads, catalog!, `${NS.dcat}dataset`).sort()).toEqual([...datasets].sort());
  });

  it('lists every co-op GBFS feed as a dataset, its discovery file as a JSON distribution that answers', async () => {
    const { platformCooperatives } = await graph(
      `{ platformCooperatives(first: 100) { totalCount nodes { id gbfs city { id } } } }`,
    );
    const publishing = (platformCooperatives.nodes as { id: string; gbfs: string | null }[]).filter((c) => c.gbfs);
    expect(publishing.length).toBeGreaterThan(0);
    for (const coop of publishing) {
      const dataset = `${base}/catalog#gbfs-${coop.id}`;
      expect(ofClass(quads, `${NS.dcat}Dataset`)).toContain(dataset);
      const [distribution] = objects(quads, dataset, `${NS.dcat}distribution`);
      const [url] = objects(quads, distribution!, `${NS.dcat}downloadURL`);
      expect(url).toBe(`${base}${coop.gbfs}`);
      expect(objects(quads, distribution!, `${NS.dcat}mediaType`)).toEqual([
        'https://www.iana.org/assignments/media-types/application/json',
      ]);
      expect(objects(quads, distribution!, `${NS.dct}conformsTo`)).toEqual([
        'https://github.com/MobilityData/gbfs/blob/v3.0/gbfs.md',
      ]);
      expect((await fetch(url!)).status, url).toBe(200);
    }
  });

  it('gives each dataset EU data themes, a period and the city it covers', async () => {
    const { city } = await graph(`{ city(id: "gent") { name latitude longitude } }`);
    const dataset = `${base}/catalog#sharing-gent-2025`;
    for (const theme of objects(quads, dataset, `${NS.dcat}theme`)) {
      expect(theme).toMatch(/^http:\/\/publications\.europa\.eu\/resource\/authority\/data-theme\/[A-Z]{4}$/);
    }
    const [period] = objects(quads, dataset, `${NS.dct}temporal`);
    expect(objects(quads, period!, `${NS.dcat}startDate`)).toEqual(['2025-01-01']);
    expect(objects(quads, period!, `${NS.dcat}endDate`)).toEqual(['2025-12-31']);
    const [place] = objects(quads, dataset, `${NS.dct}spatial`);
    expect(objects(quads, place!, 'http://www.w3.org/ns/locn#geographicName')).toEqual([city.name]);
    expect(objects(quads, place!, `${NS.dcat}centroid`)).toEqual([`POINT(${city.longitude} ${city.latitude})`]);
  });

  it('carries the same triples in Turtle and JSON-LD', async () => {
    const expanded = (await jsonld.toRDF(JSON.parse(jsonLdText), {
      format: 'application/n-quads',
    })) as unknown as string;
    const fromJsonLd = new Parser({ format: 'N-Quads' }).parse(expanded);
    expect(quads.length).toBeGreaterThan(300);
    expect(quads.every((q) => q.subject.termType === 'NamedNode')).toBe(true);
    const a = ntriples(quads);
    const b = ntriples(fromJsonLd);
    expect([...a].filter((t) => !b.has(t))).toEqual([]);
    expect([...b].filter((t) => !a.has(t))).toEqual([]);
    expect(b.size).toBe(a.size);
  });

  it('answers /catalog in the format asked for, with caching headers and a 304 on a matching ETag', async () => {
    const asJsonLd = await fetch(`${base}/catalog`, { headers: { accept: 'application/ld+json' } });
    expect(asJsonLd.headers.get('content-type')).toBe('application/ld+json');
    expect(asJsonLd.headers.get('vary')).toMatch(/accept/i);
    expect(await asJsonLd.text()).toBe(jsonLdText);
    const asTurtle = await fetch(`${base}/catalog`);
    expect(asTurtle.headers.get('content-type')).toBe('text/turtle; charset=utf-8');
    const etag = asTurtle.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(asTurtle.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const again = await fetch(`${base}/catalog.ttl`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    const head = await fetch(`${base}/data/applications.csv`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('answers 404 for unknown cities, years and files, and 405 for writes', async () => {
    for (const path of [
      '/data/cities/atlantis/2025/sharing.csv',
      '/data/cities/gent/1999/sharing.csv',
      '/data/cities/gent/1999/footprint.csv',
      '/data/cities/gent/2025/raw-events.csv',
      '/data/cities/gent/2025',
      '/catalog.xml',
    ]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      await response.text();
    }
    const post = await fetch(`${base}/catalog.ttl`, { method: 'POST', body: '' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves the public API schema as the endpoint description', async () => {
    const [service] = ofClass(quads, `${NS.dcat}DataService`);
    const [description] = objects(quads, service!, `${NS.dcat}endpointDescription`);
    const response = await fetch(description!);
    expect(response.status).toBe(200);
    const sdl = await response.text();
    expect(sdl).toMatch(/type City \{/);
    expect(sdl).not.toMatch(/join__|@link/);
  });
});

describe('RFC 4180 writing', () => {
  it('quotes fields with commas, quotes or line breaks, and leaves nulls empty', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField(false)).toBe('false');
    const rows = [{ a: 'x,"y"\r\nz', b: null }];
    expect(parseCsv(toCsv<{ a: string; b: null }>(['a', 'b'], rows))).toEqual([
      ['a', 'b'],
      ['x,"y"\r\nz', ''],
    ]);
  });
});

describe('DCAT-AP catalogue: CSV files equal the graph', () => {
  it('every file URL resolves to a CSV on the gateway, or to a GBFS discovery file', async () => {
    const urls = fileUrls().filter((url) => !url.startsWith(`${base}/gbfs/`));
    expect(urls.length).toBeGreaterThan(4);
    for (const url of urls) {
      expect(url.startsWith(`${base}/data/`), url).toBe(true);
      const { header } = await fetchCsv(url);
      expect(header.length).toBeGreaterThan(1);
    }
  });

  it('sharing.csv rows equal City.sharing and PlatformCooperative.sharing for the year and each month', async () => {
    const SHARING = `query ($id: ID!, $from: Date!, $to: Date!) {
      city(id: $id) {
        sharing(period: { from: $from, to: $to }) { ...f }
        platformCooperatives { id name sharing(period: { from: $from, to: $to }) { ...f } }
      }
    }
    fragment f on SharingStats {
      assets assetHours uses memberDays activeMembers hoursInUse utilizationRate usersPerAsset kmShared nightsShared
      avoidedKgCO2e suppressed suppressionThreshold methodology
    }`;
    const { sharing } = await expectedCityFiles();
    let suppressedRows = 0;
    for (const path of sharing) {
      const [, , , cityId, year] = path.split('/') as [string, string, string, string, string];
      const { rows } = await fetchCsv(`${base}${path}`);
      const months = Array.from({ length: 12 }, (_, m) => {
        const last = new Date(Date.UTC(Number(year), m + 1, 0)).toISOString().slice(0, 10);
        return [`${year}-${String(m + 1).padStart(2, '0')}-01`, last] as const;
      });
      const expected: Record<string, string>[] = [];
      for (const [from, to] of [[`${year}-01-01`, `${year}-12-31`] as const, ...months]) {
        const { city } = await graph(SHARING, { id: cityId, from, to });
        const entries: [Record<string, unknown>, { id: string; name: string } | null][] = [
          [city.sharing, null],
          ...city.platformCooperatives.map((coop: any) => [coop.sharing, coop] as const),
        ];
        for (const [stats, coop] of entries) {
          expected.push({
            cityId,
            from,
            to,
            platformCooperativeId: field(coop?.id),
            platformCooperativeName: field(coop?.name),
            ...Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, field(v)])),
          });
        }
      }
      expect(rows, path).toEqual(expected);
      for (const row of rows.filter((r) => r.suppressed === 'true')) {
        suppressedRows++;
        // Not hoursInUse: a period without a visible bin still shows the hours of visible uses begun before it.
        for (const figure of ['uses', 'memberDays', 'activeMembers', 'kmShared', 'avoidedKgCO2e']) {
          expect(row[figure], `${path} ${row.from} ${row.platformCooperativeId} ${figure}`).toBe('');
        }
      }
    }
    // The seed data has suppressed co-op months: the comparison above covered empty figures.
    expect(suppressedRows).toBeGreaterThan(0);
  });

  it('footprint.csv equals City.footprint(year)', async () => {
    const { footprint } = await expectedCityFiles();
    for (const path of footprint) {
      const [, , , cityId, year] = path.split('/') as [string, string, string, string, string];
      const { rows } = await fetchCsv(`${base}${path}`);
      const { city } = await graph(
        `query ($id: ID!, $year: Int!) { city(id: $id) { footprint(year: $year) {
          year embodiedKgCO2e avoidedKgCO2e netKgCO2e perCapitaKgCO2e methodology } } }`,
        { id: cityId, year: Number(year) },
      );
      const expected = { cityId, ...Object.fromEntries(Object.entries(city.footprint).map(([k, v]) => [k, field(v)])) };
      expect(rows, path).toEqual([expected]);
    }
  });

  it('applications.csv and emission-factors.csv equal the graph lists', async () => {
    const { applications } = await graph(`{ applications(first: 100) { totalCount nodes {
      id name summary domain license repositoryUrl website foundedYear illustrative steward { id } } } }`);
    expect(applications.totalCount).toBe(applications.nodes.length);
    const apps = await fetchCsv(`${base}/data/applications.csv`);
    expect(apps.rows).toEqual(
      applications.nodes.map(({ steward, ...app }: any) => ({
        ...Object.fromEntries(Object.entries(app).map(([k, v]) => [k, field(v)])),
        stewardId: field(steward?.id),
      })),
    );
    const { emissionFactors } = await graph(`{ emissionFactors(first: 100) { totalCount nodes {
      id category name unit kgCO2ePerUnit occupancy kgCO2ePerPassengerKm source sourceUrl license year region notes } } }`);
    expect(emissionFactors.totalCount).toBe(emissionFactors.nodes.length);
    const factors = await fetchCsv(`${base}/data/emission-factors.csv`);
    expect(factors.rows).toEqual(
      emissionFactors.nodes.map((f: any) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, field(v)]))),
    );
    // Real text with commas and quotes went through RFC 4180 quoting and back.
    expect(factors.text).toMatch(/"[^"\r\n]*,[^"\r\n]*"/);
  });

  it('publishes no raw usage data: no member reference or event id in any file', async () => {
    const events = await stack.subgraphs.coop.db('usage_events').select('member_ref', 'client_event_id').limit(2000);
    expect(events.length).toBeGreaterThan(0);
    // The check below skips references too short to search for; the seed's are long enough.
    expect(events.filter((e) => e.member_ref.length >= 6).length).toBe(events.length);
    const files = [turtle, jsonLdText];
    const gbfs = fileUrls().filter((url) => url.startsWith(`${base}/gbfs/`));
    for (const url of fileUrls()) if (!gbfs.includes(url)) files.push((await fetchCsv(url)).text);
    const feeds = [];
    for (const url of gbfs) feeds.push(await (await fetch(url)).text());
    const everything = [...files, ...feeds].join('\n');
    for (const event of events) {
      // Short references could occur by chance inside numbers; ours are long and distinctive.
      if (event.member_ref.length >= 6) expect(everything.includes(event.member_ref), event.member_ref).toBe(false);
      if (event.client_event_id.length >= 6) expect(everything.includes(event.client_event_id)).toBe(false);
    }
    const rawColumns = /^(memberRef|member_ref|memberId|clientEventId|client_event_id|startedAt|endedAt|assetId|day)$/;
    for (const text of files.slice(2)) {
      for (const column of parseCsv(text)[0]!) expect(column).not.toMatch(rawColumns);
    }
  });
});

/** A SHACL run of the catalogue against one file of the official shapes: its results. */
async function validate(shapesFile: string, data: readonly Quad[]) {
  const shapes = new Store(new Parser().parse(fs.readFileSync(standardsFile('dcat-ap', 'shacl', shapesFile), 'utf8')));
  // A shapes file that parsed to nothing would make every validation pass: insist on its shapes.
  const targets = shapes.getQuads(null, `${NS.sh}targetClass`, null, null);
  expect(targets.length, `${shapesFile} has target shapes`).toBeGreaterThanOrEqual(8);
  expect(targets.map((q) => q.object.value)).toContain(`${NS.dcat}Dataset`);
  const validator = new SHACLValidator(shapes);
  const report = await validator.validate(new Store([...data]));
  return report.results.map((result) => ({
    severity: result.severity?.value.replace(NS.sh, 'sh:'),
    focus: result.focusNode?.value,
    path: result.path?.value,
    message: result.message.map((m) => m.value).join(' '),
  }));
}

/** The catalogue without the triples `drop` selects. */
const without = (drop: (q: Quad) => boolean) => quads.filter((q) => !drop(q));

describe.skipIf(absent)('DCAT-AP catalogue: SHACL validation against the DCAT-AP 3.0.1 shapes', () => {
  it('conforms to shapes.ttl (mandatory): no result of any severity', async () => {
    expect(await validate('shapes.ttl', quads)).toEqual([]);
  });

  it('meets shapes_recommended.ttl: no warning', async () => {
    expect(await validate('shapes_recommended.ttl', quads)).toEqual([]);
  });

  it('meets range.ttl: every object has the class DCAT-AP expects', async () => {
    expect(await validate('range.ttl', quads)).toEqual([]);
  });

  it('the JSON-LD serialisation conforms too', async () => {
    const expanded = (await jsonld.toRDF(JSON.parse(jsonLdText), {
      format: 'application/n-quads',
    })) as unknown as string;
    expect(await validate('shapes.ttl', new Parser({ format: 'N-Quads' }).parse(expanded))).toEqual([]);
  });

  it('negative controls: the validator reports what a broken catalogue lacks', async () => {
    const dataset = `${base}/catalog#sharing-gent-2025`;
    const noTitle = await validate(
      'shapes.ttl',
      without((q) => q.subject.value === dataset && q.predicate.value === `${NS.dct}title`),
    );
    expect(noTitle).toContainEqual(
      expect.objectContaining({ severity: 'sh:Violation', focus: dataset, path: `${NS.dct}title` }),
    );
    const noKeyword = await validate(
      'shapes_recommended.ttl',
      without((q) => q.subject.value === dataset && q.predicate.value === `${NS.dcat}keyword`),
    );
    expect(noKeyword).toContainEqual(
      expect.objectContaining({ severity: 'sh:Warning', focus: dataset, path: `${NS.dcat}keyword` }),
    );
    const theme = 'http://publications.europa.eu/resource/authority/data-theme/TRAN';
    const untypedTheme = await validate(
      'range.ttl',
      without((q) => q.subject.value === theme && q.predicate.value === RDF_TYPE),
    );
    expect(untypedTheme).toContainEqual(expect.objectContaining({ severity: 'sh:Violation', focus: dataset }));
    const twoPublishers = await validate('shapes.ttl', [
      ...quads,
      DataFactory.quad(
        DataFactory.namedNode(dataset),
        DataFactory.namedNode(`${NS.dct}publisher`),
        DataFactory.namedNode(`${base}/catalog#someone-else`),
      ),
    ]);
    expect(twoPublishers).toContainEqual(expect.objectContaining({ focus: dataset, path: `${NS.dct}publisher` }));
  });
});

describe('DCAT-AP catalogue: a subgraph down', () => {
  let degraded: Gateway;
  let degradedBase: string;

  /** A port nothing listens on. */
  async function deadPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  beforeAll(async () => {
    const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.subgraphs[name].url])) as Record<
      SubgraphName,
      string
    >;
    urls.coop = `http://127.0.0.1:${await deadPort()}/graphql`;
    degraded = await createGateway({
      supergraphSdl: fs.readFileSync(SUPERGRAPH_FILE, 'utf8'),
      subgraphUrls: urls,
      subgraphTimeoutMs: 2000,
      limits: loadConfig({}).gateway.limits,
      introspection: true,
      production: false,
      logger: createLogger('gateway', 'silent'),
      metrics: createMetrics('gateway'),
      secrets: SECRETS,
      catalog: { ...loadConfig({}).catalog, maxAgeSeconds: 0 },
    });
    degradedBase = `http://127.0.0.1:${await listen(degraded.server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    if (!degraded) return;
    await close(degraded.server);
    await degraded.stop();
  });

  it('answers 503 with a reason and Retry-After instead of a partial catalogue or file', async () => {
    for (const path of ['/catalog.ttl', '/catalog.jsonld', '/data/cities/gent/2025/sharing.csv']) {
      const response = await fetch(`${degradedBase}${path}`);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toMatch(/coop/);
    }
    // The healthy gateway still answers.
    expect((await fetch(`${base}/catalog.ttl`)).status).toBe(200);
  });
});
