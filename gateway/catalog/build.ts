/**
 * The catalogue as RDF triples (DCAT-AP 3.0.1): the catalogue and its publisher, the GraphQL
 * endpoint as a DataService, and the datasets with their CSV distributions. Every node has an
 * IRI (a fragment of `<base>/catalog`), never a blank node, so the Turtle and JSON-LD
 * serialisations carry literally the same triples and a harvester sees stable identifiers.
 */
import { DataFactory, type Quad, type Quad_Object } from 'n3';
import type { CatalogSettings } from '../../lib/config.js';
import type { CatalogIndex, CityEntry, GbfsEntry } from './data.js';
import {
  CSV_FORMAT,
  CSV_MEDIA_TYPE,
  DATA_THEME_SCHEME,
  ENGLISH,
  GBFS_3,
  GRAPHQL_SPEC,
  JSON_FORMAT,
  JSON_MEDIA_TYPE,
  LICENCES,
  LICENCE_TYPES,
  RFC_4180,
  STABLE,
  THEMES,
  iri,
  publisherType,
  type Licence,
  type Term,
} from './vocabulary.js';

const { namedNode, literal, quad } = DataFactory;

/** Where a file of the catalogue is served, relative to the base URL. */
export const paths = {
  catalog: '/catalog',
  schema: '/schema.graphql',
  applications: '/data/applications.csv',
  emissionFactors: '/data/emission-factors.csv',
  sharing: (cityId: string, year: number) => `/data/cities/${cityId}/${year}/sharing.csv`,
  footprint: (cityId: string, year: number) => `/data/cities/${cityId}/${year}/footprint.csv`,
};

export interface BuildContext {
  /** Absolute base URL, no trailing slash. */
  base: string;
  settings: CatalogSettings;
  /** dct:issued of the catalogue, YYYY-MM-DD. */
  issued: string;
  /** dct:modified of the catalogue and end of the registry's coverage: the day of the build, YYYY-MM-DD. */
  today: string;
}

type Value = string | Quad_Object;

/** Collects triples; a string object is a plain literal, undefined objects are skipped. */
class Triples {
  readonly quads: Quad[] = [];
  private readonly typed = new Set<string>();

  add(subject: string, predicate: string, ...objects: (Value | undefined)[]): void {
    for (const object of objects) {
      if (object === undefined) continue;
      const term = typeof object === 'string' ? literal(object) : object;
      this.quads.push(quad(namedNode(subject), namedNode(predicate), term));
    }
  }

  /** Types a node once, however many nodes point at it. */
  type(subject: string, ...classes: string[]): boolean {
    if (this.typed.has(subject)) return false;
    this.typed.add(subject);
    this.add(subject, iri('rdf', 'type'), ...classes.map((c) => namedNode(c)));
    return true;
  }
}

const en = (text: string) => literal(text, 'en');
const date = (value: string) => literal(value, namedNode(iri('xsd', 'date')));
const wkt = (value: string) => literal(value, namedNode(iri('gsp', 'wktLiteral')));
const node = (value: string) => namedNode(value);

/**
 * The catalogue's triples and the nodes they point at. Each node method types and labels its
 * node the first time it is used (the range shapes check the class of every object) and gives
 * the term to point at; every fragment IRI is made here, below `<base>/catalog`.
 */
class CatalogGraph extends Triples {
  readonly catalog: string;
  readonly publisher: string;
  readonly contact: string;
  readonly service: string;
  /** The catalogue's own licence (CATALOG_LICENSE): the default of every distribution. */
  readonly licence: Licence;
  /** The datasets added so far, in order: the service serves them and the catalogue lists them. */
  readonly datasets: string[] = [];

  constructor(readonly context: BuildContext) {
    super();
    this.catalog = `${context.base}${paths.catalog}`;
    this.publisher = this.id('publisher');
    this.contact = this.id('contact-point');
    this.service = this.id('graphql-api');
    this.licence = LICENCES[context.settings.license];
  }

  id(fragment: string): string {
    return `${this.catalog}#${fragment}`;
  }

  concept(term: Term, scheme?: string): Quad_Object {
    if (this.type(term.iri, iri('skos', 'Concept'))) {
      this.add(term.iri, iri('skos', 'prefLabel'), en(term.label));
      if (scheme) this.add(term.iri, iri('skos', 'inScheme'), node(scheme));
    }
    return node(term.iri);
  }

  themes(...terms: Term[]): Quad_Object[] {
    return terms.map((term) => this.concept(term, DATA_THEME_SCHEME.iri));
  }

  licenceNode(doc: Licence): Quad_Object {
    if (this.type(doc.iri, iri('dct', 'LicenseDocument'))) {
      this.add(doc.iri, iri('rdfs', 'label'), en(doc.label));
      this.add(doc.iri, iri('dct', 'type'), ...doc.types.map((type) => this.concept(type)));
    }
    return node(doc.iri);
  }

  standard(spec: { iri: string; title: string }): Quad_Object {
    if (this.type(spec.iri, iri('dct', 'Standard'))) this.add(spec.iri, iri('dct', 'title'), en(spec.title));
    return node(spec.iri);
  }

  document(url: string): Quad_Object {
    this.type(url, iri('foaf', 'Document'));
    return node(url);
  }

  /** A file type or media type node, typed as dct:format and dcat:mediaType's ranges want. */
  media(value: string, dctClass: 'MediaTypeOrExtent' | 'MediaType'): Quad_Object {
    this.type(value, iri('dct', dctClass));
    return node(value);
  }

  period(fragment: string, start: string, end: string): Quad_Object {
    const subject = this.id(fragment);
    if (this.type(subject, iri('dct', 'PeriodOfTime'))) {
      this.add(subject, iri('dcat', 'startDate'), date(start));
      this.add(subject, iri('dcat', 'endDate'), date(end));
    }
    return node(subject);
  }

  /** A calendar year: one node shared by every dataset of that year. */
  year(year: number): Quad_Object {
    return this.period(`period-${year}`, `${year}-01-01`, `${year}-12-31`);
  }

  place(fragment: string, name: string, centroid: string, bbox: string): Quad_Object {
    const subject = this.id(fragment);
    if (this.type(subject, iri('dct', 'Location'))) {
      this.add(subject, iri('locn', 'geographicName'), en(name));
      this.add(subject, iri('dcat', 'centroid'), wkt(centroid));
      this.add(subject, iri('dcat', 'bbox'), wkt(bbox));
    }
    return node(subject);
  }

  cityPlace(city: CityEntry): Quad_Object {
    return this.place(`place-${city.id}`, city.name, ...cityGeometry(city));
  }

  world(): Quad_Object {
    return this.place('place-world', 'World', 'POINT(0 0)', box(-180, -90, 180, 90));
  }

  language(): Quad_Object {
    this.type(ENGLISH, iri('dct', 'LinguisticSystem'));
    return node(ENGLISH);
  }

  /** Who publishes a dataset or service, and how to reach them: the same for all. */
  publishedBy(subject: string): void {
    this.add(subject, iri('dct', 'publisher'), node(this.publisher));
    this.add(subject, iri('dcat', 'contactPoint'), node(this.contact));
  }
}

/**
 * Builds every triple of the catalogue: its publisher, a dataset per file (each city's sharing
 * and footprint years, each co-op's GBFS feeds, the application registry and the emission-factor
 * table), the GraphQL service that serves them, then the catalogue that lists them all.
 */
export function buildCatalog(index: CatalogIndex, context: BuildContext): Quad[] {
  const g = new CatalogGraph(context);
  addPublisher(g);
  for (const city of index.cities) {
    for (const year of city.sharingYears) addDataset(g, `sharing-${city.id}-${year}`, sharingFields(g, city, year));
    for (const year of city.footprintYears) {
      addDataset(g, `footprint-${city.id}-${year}`, footprintFields(g, city, year));
    }
  }
  for (const system of index.gbfs) {
    const city = index.cities.find((entry) => entry.id === system.cityId);
    addDataset(g, `gbfs-${system.platformCooperativeId}`, gbfsFields(g, system, city));
  }
  addDataset(g, 'applications', applicationsFields(g, index.applications));
  addDataset(g, 'emission-factors', emissionFactorsFields(g, index.emissionFactors));
  addService(g);
  addCatalog(g, index.cities);
  return g.quads;
}

/** The publisher and how to reach it: an email address when one is configured, else the site. */
function addPublisher(g: CatalogGraph): void {
  const { settings, base } = g.context;
  g.type(g.publisher, iri('foaf', 'Agent'));
  g.add(g.publisher, iri('foaf', 'name'), en(settings.publisherName));
  g.add(g.publisher, iri('dct', 'type'), g.concept(publisherType(settings.publisherType)));
  if (settings.publisherUrl) g.add(g.publisher, iri('foaf', 'homepage'), g.document(settings.publisherUrl));
  g.type(g.contact, iri('vcard', 'Kind'), iri('vcard', 'Organization'));
  g.add(g.contact, iri('vcard', 'fn'), settings.publisherName);
  if (settings.contactEmail) g.add(g.contact, iri('vcard', 'hasEmail'), node(`mailto:${settings.contactEmail}`));
  else g.add(g.contact, iri('vcard', 'hasURL'), node(`${base}/`));
}

/** One dataset and its one distribution (the file it is published as). */
function addDataset(g: CatalogGraph, fragment: string, fields: DatasetFields): void {
  const subject = g.id(fragment);
  g.datasets.push(subject);
  g.type(subject, iri('dcat', 'Dataset'));
  g.add(subject, iri('dct', 'identifier'), subject);
  g.add(subject, iri('dct', 'title'), en(fields.title));
  g.add(subject, iri('dct', 'description'), en(fields.description));
  g.publishedBy(subject);
  if (fields.temporal) g.add(subject, iri('dct', 'temporal'), fields.temporal);
  g.add(subject, iri('dct', 'spatial'), fields.spatial);
  g.add(subject, iri('dcat', 'keyword'), ...fields.keywords.map(en));
  g.add(subject, iri('dcat', 'theme'), ...g.themes(...fields.themes));
  g.add(subject, iri('dct', 'language'), g.language());
  if (fields.landingPage) g.add(subject, iri('dcat', 'landingPage'), g.document(fields.landingPage));
  addDistribution(g, subject, fields);
}

/** The file of a dataset: where to download it, in which format, under which licence. */
function addDistribution(g: CatalogGraph, dataset: string, fields: DatasetFields): void {
  const file = fields.file ?? CSV_FILE;
  const distribution = `${dataset}-${file.suffix}`;
  const url = `${g.context.base}${fields.path}`;
  g.add(dataset, iri('dcat', 'distribution'), node(distribution));
  g.type(distribution, iri('dcat', 'Distribution'));
  g.add(distribution, iri('dct', 'title'), en(`${fields.title} (${file.label})`));
  g.add(distribution, iri('dct', 'description'), en(fields.csvDescription));
  g.add(distribution, iri('dcat', 'accessURL'), node(url));
  g.add(distribution, iri('dcat', 'downloadURL'), node(url));
  g.add(distribution, iri('dct', 'format'), g.media(file.format, 'MediaTypeOrExtent'));
  g.add(distribution, iri('dcat', 'mediaType'), g.media(file.mediaType, 'MediaType'));
  g.add(distribution, iri('dct', 'conformsTo'), g.standard(file.standard));
  g.add(distribution, iri('dct', 'license'), g.licenceNode(fields.licence ?? g.licence));
  g.add(distribution, iri('dcatap', 'availability'), g.concept(STABLE));
  g.add(distribution, iri('dct', 'language'), g.language());
}

/** One city's sharing.csv of one year. */
function sharingFields(g: CatalogGraph, city: CityEntry, year: number): DatasetFields {
  return {
    title: `Sharing in ${city.name}, ${year}`,
    description:
      `Use of shared cars, bikes, homes and tools through the platform co-ops of ${city.name} ` +
      `(${city.countryCode}) in ${year}, for the whole year and each month, for the city and each co-op: ` +
      `uses, member-days, active members, hours in use, utilisation, kilometres and nights shared, avoided ` +
      `emissions (method commons-sharing/2.0). Aggregates only: a co-op's day with fewer than k distinct ` +
      `members (k in column suppressionThreshold) is left out of every figure; a period with no visible day ` +
      `is suppressed (empty figures), whether it had hidden activity or none; active members are published ` +
      `per calendar month and year only, and withheld where a month would differ from its year by fewer ` +
      `than k. Same values as City.sharing and PlatformCooperative.sharing of the GraphQL API.`,
    temporal: g.year(year),
    spatial: g.cityPlace(city),
    keywords: ['sharing', 'platform cooperatives', 'shared mobility', 'commons', city.name],
    themes: [THEMES.TRAN, THEMES.REGI, THEMES.SOCI],
    landingPage: `${g.context.base}/cities/${city.id}?year=${year}`,
    path: paths.sharing(city.id, year),
    csvDescription:
      'RFC 4180 CSV, UTF-8, header row. One row per period (the year, then each month) and per co-op ' +
      '(empty platformCooperativeId: the whole city). Columns are the GraphQL field names of SharingStats; ' +
      'a suppressed or undefined figure is an empty field.',
  };
}

/** One city's footprint.csv of one year. */
function footprintFields(g: CatalogGraph, city: CityEntry, year: number): DatasetFields {
  return {
    title: `Carbon footprint of sharing in ${city.name}, ${year}`,
    description:
      `Embodied emissions of the shared goods delivered to the platform co-ops of ${city.name} in ${year}, ` +
      `emissions avoided by sharing, net and per-capita figures, kg CO2e, with the method version. ` +
      `Same values as City.footprint(year) of the GraphQL API.`,
    temporal: g.year(year),
    spatial: g.cityPlace(city),
    keywords: ['carbon footprint', 'embodied emissions', 'avoided emissions', 'CO2e', city.name],
    themes: [THEMES.ENVI, THEMES.REGI],
    landingPage: `${g.context.base}/cities/${city.id}?year=${year}`,
    path: paths.footprint(city.id, year),
    csvDescription:
      'RFC 4180 CSV, UTF-8, header row, one row. Columns are the GraphQL field names of Footprint plus cityId; ' +
      'an unknown figure is an empty field.',
  };
}

/** Each co-op's descriptive GBFS feeds: system, vehicle types, stations and the fleet based there. */
function gbfsFields(g: CatalogGraph, system: GbfsEntry, city: CityEntry | undefined): DatasetFields {
  const since = system.updatedAt.slice(0, 10);
  const statesLicence = Boolean(system.licenseId || system.licenseUrl);
  return {
    title: `Vehicle sharing system of ${system.name} (GBFS)`,
    description:
      `GBFS 3.0 feeds describing ${system.systemName}, the vehicle-sharing system of the platform co-op ` +
      `${system.name}${city ? ` in ${city.name}` : ''}: system information, vehicle types, stations with their ` +
      `capacity, and each station's status as the fleet based there. They describe the system and never ` +
      `change with a member's use (no vehicle_status, no availability derived from trips).` +
      (system.operationalFeedUrl
        ? ` Live availability: the co-op's own operational feed at ${system.operationalFeedUrl}.`
        : ' Live availability is not published here.'),
    // The feeds describe the system as it has been since it last changed.
    temporal: g.period(
      `period-gbfs-${system.platformCooperativeId}`,
      since,
      g.context.today > since ? g.context.today : since,
    ),
    spatial: city ? g.cityPlace(city) : g.world(),
    keywords: ['GBFS', 'bike sharing', 'shared mobility', 'stations', 'platform cooperatives'],
    themes: [THEMES.TRAN, THEMES.REGI],
    path: system.path,
    csvDescription:
      'GBFS 3.0 discovery file (gbfs.json), naming the other feeds of the system at stable URLs below it.',
    file: GBFS_FILE,
    licence: statesLicence ? systemLicence(system, g.id(`license-gbfs-${system.platformCooperativeId}`)) : undefined,
  };
}

/** applications.csv: the registry, covering the years from the oldest founding to today. */
function applicationsFields(g: CatalogGraph, applications: CatalogIndex['applications']): DatasetFields {
  const foundedYears = applications.flatMap((a) => (a.foundedYear === null ? [] : [a.foundedYear]));
  return {
    title: 'Commons applications',
    description:
      'The depository of open-source commons applications (provisioning systems for mobility, housing, ' +
      'food, energy, tools and care) that cities and platform co-ops run: name, domain, code licence, ' +
      'repository, website, founding year and stewarding protocol co-op. Same values as the ' +
      'applications list of the GraphQL API.',
    temporal: g.period(
      'period-applications',
      `${foundedYears.length ? Math.min(...foundedYears) : g.context.today.slice(0, 4)}-01-01`,
      g.context.today,
    ),
    spatial: g.world(),
    keywords: ['commons applications', 'open source', 'platform cooperatives', 'public software'],
    themes: [THEMES.TECH, THEMES.GOVE],
    path: paths.applications,
    csvDescription:
      'RFC 4180 CSV, UTF-8, header row, one row per application ordered by id. Columns are the GraphQL ' +
      'field names of CommonsApplication, stewardId for steward.id; an unknown value is an empty field.',
  };
}

/** emission-factors.csv: the reference table, covering its factors' edition years. */
function emissionFactorsFields(g: CatalogGraph, factors: CatalogIndex['emissionFactors']): DatasetFields {
  const factorYears = factors.map((factor) => factor.year);
  const factorLicences = [...new Set(factors.map((factor) => factor.license))].sort();
  const thisYear = g.context.today.slice(0, 4);
  return {
    title: 'Emission factors',
    description:
      'The reference table of emission factors the footprint and avoided-emission figures use (materials, ' +
      'grid electricity, passenger transport, freight), each row with its source, edition year, region and ' +
      'licence. Same values as emissionFactors of the GraphQL API.',
    temporal: g.period(
      'period-emission-factors',
      `${factorYears.length ? Math.min(...factorYears) : thisYear}-01-01`,
      `${factorYears.length ? Math.max(...factorYears) : thisYear}-12-31`,
    ),
    spatial: g.world(),
    keywords: ['emission factors', 'greenhouse gases', 'CO2e', 'life-cycle assessment'],
    themes: [THEMES.ENVI, THEMES.ENER],
    path: paths.emissionFactors,
    csvDescription:
      'RFC 4180 CSV, UTF-8, header row, one row per factor ordered by id. Columns are the GraphQL field ' +
      'names of EmissionFactor; each row names its source (source, sourceUrl) and its licence (license).',
    // The rows come from several publishers under their own terms; one licence for the file would be untrue.
    licence: {
      iri: g.id('license-emission-factors'),
      label: `Each row under the licence named in its license column: ${factorLicences.join('; ')}.`,
      types: [LICENCE_TYPES.Attribution],
    },
  };
}

/** The GraphQL endpoint that serves every dataset; its SDL is the endpoint description. */
function addService(g: CatalogGraph): void {
  const { service } = g;
  const { base } = g.context;
  g.type(service, iri('dcat', 'DataService'));
  g.add(service, iri('dct', 'title'), en('Commons Graph GraphQL API'));
  g.add(
    service,
    iri('dct', 'description'),
    en(
      'One GraphQL graph (Apollo Federation 2) over leagues of cities, the commons-application depository, ' +
        'local platform co-ops and open production co-ops. Public reads need no token; GraphQL over HTTP, ' +
        'POST or GET. Its SDL is the endpoint description.',
    ),
  );
  g.add(service, iri('dcat', 'endpointURL'), node(`${base}/graphql`));
  g.add(service, iri('dcat', 'endpointDescription'), node(`${base}${paths.schema}`));
  g.add(service, iri('dct', 'conformsTo'), g.standard(GRAPHQL_SPEC));
  g.publishedBy(service);
  g.add(service, iri('dct', 'license'), g.licenceNode(g.licence));
  g.add(service, iri('dcat', 'keyword'), ...['GraphQL', 'API', 'Apollo Federation', 'open data'].map(en));
  g.add(service, iri('dcat', 'theme'), ...g.themes(THEMES.REGI, THEMES.TRAN, THEMES.ENVI));
  g.add(service, iri('dcat', 'servesDataset'), ...g.datasets.map(node));
}

/** The catalogue itself, last: it lists every dataset and the service, and covers every city. */
function addCatalog(g: CatalogGraph, cities: CityEntry[]): void {
  const { catalog, context } = g;
  g.type(catalog, iri('dcat', 'Catalog'));
  g.add(catalog, iri('dct', 'title'), en('Commons Graph open data'));
  g.add(
    catalog,
    iri('dct', 'description'),
    en(
      'Open data of the commons graph: sharing and footprint figures per city and year (aggregates only, ' +
        'small groups suppressed), the commons-application registry and the emission-factor table, as CSV ' +
        "files computed from the GraphQL API, the GBFS feeds describing the co-ops' vehicle-sharing " +
        'systems, and the API itself.',
    ),
  );
  g.add(catalog, iri('dct', 'publisher'), node(g.publisher));
  g.add(catalog, iri('foaf', 'homepage'), g.document(`${context.base}/`));
  g.add(catalog, iri('dct', 'language'), g.language());
  g.add(catalog, iri('dct', 'license'), g.licenceNode(g.licence));
  g.add(catalog, iri('dct', 'issued'), date(context.issued));
  g.add(catalog, iri('dct', 'modified'), date(context.today));
  g.add(catalog, iri('dct', 'spatial'), g.world(), ...cities.map((city) => g.cityPlace(city)));
  g.type(DATA_THEME_SCHEME.iri, iri('skos', 'ConceptScheme'));
  g.add(DATA_THEME_SCHEME.iri, iri('dct', 'title'), en(DATA_THEME_SCHEME.title));
  g.add(catalog, iri('dcat', 'themeTaxonomy'), node(DATA_THEME_SCHEME.iri));
  g.add(catalog, iri('dcat', 'dataset'), ...g.datasets.map(node));
  g.add(catalog, iri('dcat', 'service'), node(g.service));
}

/** What a distribution's file is: its format, media type and standard. */
interface FileKind {
  suffix: string;
  label: string;
  format: string;
  mediaType: string;
  standard: { iri: string; title: string };
}

const CSV_FILE: FileKind = {
  suffix: 'csv',
  label: 'CSV',
  format: CSV_FORMAT,
  mediaType: CSV_MEDIA_TYPE,
  standard: RFC_4180,
};
const GBFS_FILE: FileKind = {
  suffix: 'gbfs',
  label: 'GBFS 3.0',
  format: JSON_FORMAT,
  mediaType: JSON_MEDIA_TYPE,
  standard: GBFS_3,
};

/** The licence a GBFS system states for its data (SPDX id or URL), as a catalogue licence node at `iriOfLicence`. */
function systemLicence(system: GbfsEntry, iriOfLicence: string): Licence {
  return {
    iri: iriOfLicence,
    label: system.licenseId
      ? `The licence the system states for its GBFS data: SPDX ${system.licenseId}.`
      : `The licence the system states for its GBFS data: ${system.licenseUrl}.`,
    types: [LICENCE_TYPES.Attribution],
  };
}

interface DatasetFields {
  title: string;
  description: string;
  /** Absent for datasets that describe the present, not a period (the GBFS feeds). */
  temporal?: Quad_Object;
  spatial: Quad_Object;
  keywords: string[];
  themes: Term[];
  landingPage?: string;
  path: string;
  csvDescription: string;
  /** Default: a CSV file. */
  file?: FileKind;
  /** Default: the catalogue's licence (CATALOG_LICENSE). */
  licence?: Licence;
}

/** A WKT polygon of a longitude/latitude box. */
function box(west: number, south: number, east: number, north: number): string {
  return `POLYGON((${west} ${south}, ${east} ${south}, ${east} ${north}, ${west} ${north}, ${west} ${south}))`;
}

/**
 * A city's centroid and bounding box. The graph knows the city centre only, rounded to four
 * decimals (about 11 m), not its boundary; the box is that rounding's extent around the centre,
 * which is all the graph can honestly say.
 */
function cityGeometry(city: CityEntry): [string, string] {
  const half = 0.00005;
  const round = (n: number) => Number(n.toFixed(5));
  return [
    `POINT(${city.longitude} ${city.latitude})`,
    box(
      round(city.longitude - half),
      round(city.latitude - half),
      round(city.longitude + half),
      round(city.latitude + half),
    ),
  ];
}
