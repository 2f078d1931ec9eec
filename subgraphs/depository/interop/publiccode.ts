/**
 * publiccode.yml as pure functions: parsing a document and checking the keys the depository
 * maps (a malformed file or an unsupported version throws `RefusedFileError`; every other
 * problem is listed against the key at fault), and writing a document from stored records.
 * No database and no GraphQL here; `apply.ts` matches and writes.
 */
import { LineCounter, isMap, parseDocument, stringify, type Document } from 'yaml';
import { latestToday } from '../../../lib/dates.js';
import { checkLicence, isObject, isWebUrl, RefusedFileError } from '../../../lib/interop.js';
import { version as checkVersion } from '../resolvers/validate.js';

/**
 * The `publiccodeYmlVersion` values read: "0" (the standard's "latest 0.x") and 0.2 to 0.5,
 * exactly those the official JSON Schema accepts. The keys mapped here mean the same in all
 * of them; 0.6 and 0.7 are refused until the schema the tests validate against covers them.
 */
export const SUPPORTED_VERSIONS: readonly string[] = [
  '0',
  '0.2',
  '0.2.0',
  '0.2.1',
  '0.2.2',
  '0.3',
  '0.3.0',
  '0.4',
  '0.4.0',
  '0.5',
  '0.5.0',
];

/** The version exports declare: every key they write exists, with this meaning, since 0.4. */
export const EXPORT_VERSION = '0.4';

export const DEVELOPMENT_STATUSES: readonly string[] = ['concept', 'development', 'beta', 'stable', 'obsolete'];
export const SOFTWARE_TYPES: readonly string[] = [
  'standalone/mobile',
  'standalone/iot',
  'standalone/desktop',
  'standalone/web',
  'standalone/backend',
  'standalone/other',
  'addon',
  'library',
  'configurationFiles',
];
export const MAINTENANCE_TYPES: readonly string[] = ['internal', 'contract', 'community', 'none'];

/** Longest name and summary stored, as the depository's own writes allow. */
export const MAX_NAME_LENGTH = 200;
export const MAX_SUMMARY_LENGTH = 5000;
/** The standard's limit on `shortDescription`. */
export const MAX_SHORT_DESCRIPTION = 150;

/**
 * `intendedAudience.scope` values that name one provisioning domain; the other scopes say
 * nothing about it. The first listed per domain is what exports write.
 */
export const SCOPE_DOMAINS: readonly (readonly [scope: string, domain: string])[] = [
  ['transportation', 'MOBILITY'],
  ['energy', 'ENERGY'],
  ['agriculture', 'FOOD'],
  ['welfare', 'CARE'],
  ['healthcare', 'CARE'],
];

/** An organisation as publiccode.yml gives one (`fundedBy` items, `organisation`). */
export interface PubliccodeOrganisation {
  name: string | null;
  uri: string;
}

/** A publiccode.yml document whose mapped keys passed every check. */
export interface PubliccodeDocument {
  version: string;
  name: string;
  url: string;
  landingUrl: string | null;
  isBasedOn: string[];
  softwareVersion: string | null;
  releaseDate: string | null;
  platforms: string[];
  categories: string[];
  usedBy: string[];
  fundedBy: PubliccodeOrganisation[];
  organisation: PubliccodeOrganisation | null;
  developmentStatus: string;
  softwareType: string;
  scope: string[];
  /** The `description` section's language the summary comes from (`en` when there is one). */
  descriptionLanguage: string;
  summary: string;
  license: string;
  /** Deprecated SPDX ids the licence uses (accepted, reported). */
  deprecatedLicenceIds: string[];
  maintenanceType: string;
  localisationReady: boolean;
  availableLanguages: string[];
}

/** The outcome of reading one document: its mapped keys, or every problem found. */
export type PubliccodeParse =
  { ok: true; key: string; document: PubliccodeDocument } | { ok: false; key: string; problems: string[] };

/** Plain text: no control characters other than tab and line breaks. */
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses YAML text into a document whose dates stay strings (YAML 1.2 core schema), with
 * duplicate keys an error. Throws `RefusedFileError` naming the line of the first error.
 */
export function parseYaml(text: string): { value: unknown; lineOf: (path: (string | number)[]) => number | null } {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new RefusedFileError(
      `malformed YAML${line ? ` at line ${line}` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const lineOf = (path: (string | number)[]): number | null => {
    for (let end = path.length; end > 0; end--) {
      const node = doc.getIn(path.slice(0, end), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return null;
  };
  if (!isMap(doc.contents))
    throw new RefusedFileError('malformed publiccode.yml: the document is not a mapping of keys');
  return { value: doc.toJS(), lineOf };
}

/**
 * Reads a publiccode.yml text. Malformed YAML, a missing or unsupported
 * `publiccodeYmlVersion` throw `RefusedFileError`; any other problem is listed, each with
 * its key (and line): missing mandatory keys, a licence that is not SPDX, bad URLs or dates.
 * Each key group is read by its own step below, in the order of the standard's examples, so
 * the problems come out in the order a reader meets them in the file.
 */
export function parsePubliccode(text: string, now: Date = new Date()): PubliccodeParse {
  const { value, lineOf } = parseYaml(text);
  const raw = value as Record<string, unknown>;
  const version = readVersion(raw.publiccodeYmlVersion);
  const check = new Checks(lineOf);
  const name = check.text(['name'], raw.name, MAX_NAME_LENGTH, true);
  const url = readUrl(check, raw.url);
  const landingUrl = readLandingUrl(check, raw.landingURL);
  const isBasedOn = readIsBasedOn(check, raw.isBasedOn);
  const { softwareVersion, releaseDate } = readRelease(check, raw, now);
  const platforms = check.list(['platforms'], raw.platforms, true);
  const categories = check.list(['categories'], raw.categories, false);
  const usedBy = check.list(['usedBy'], raw.usedBy, false);
  const fundedBy = readFundedBy(check, raw.fundedBy);
  const organisation = raw.organisation === undefined ? null : check.organisation(['organisation'], raw.organisation);
  const developmentStatus = check.oneOf(['developmentStatus'], raw.developmentStatus, DEVELOPMENT_STATUSES);
  const softwareType = check.oneOf(['softwareType'], raw.softwareType, SOFTWARE_TYPES);
  const audience = raw.intendedAudience;
  const scope = isObject(audience) ? check.list(['intendedAudience', 'scope'], audience.scope, false) : [];
  const { descriptionLanguage, summary } = readDescription(check, raw.description);
  const { license, deprecatedLicenceIds } = readLegal(check, raw.legal);
  const maintenanceType = readMaintenance(check, raw.maintenance);
  const { localisationReady, availableLanguages } = readLocalisation(check, raw.localisation);

  const key = typeof raw.url === 'string' ? raw.url.trim() : typeof raw.name === 'string' ? raw.name : '(no url)';
  if (check.problems.length > 0 || name === null || summary === null) {
    return { ok: false, key, problems: check.problems };
  }
  return {
    ok: true,
    key,
    document: {
      version,
      name,
      url,
      landingUrl,
      isBasedOn,
      softwareVersion,
      releaseDate,
      platforms,
      categories,
      usedBy,
      fundedBy,
      organisation,
      developmentStatus,
      softwareType,
      scope,
      descriptionLanguage,
      summary,
      license,
      deprecatedLicenceIds,
      maintenanceType,
      localisationReady,
      availableLanguages,
    },
  };
}

/**
 * The `publiccodeYmlVersion` a document declares. Without a version it is not known which keys
 * mean what, so a missing, unquoted or unsupported one refuses the whole file rather than
 * listing a problem.
 */
function readVersion(versionValue: unknown): string {
  if (versionValue === undefined)
    throw new RefusedFileError(
      'publiccodeYmlVersion is missing: the file does not say which version of the standard it follows',
    );
  if (typeof versionValue !== 'string') {
    throw new RefusedFileError(
      `publiccodeYmlVersion must be a quoted string such as "0.4", got ${JSON.stringify(versionValue)}`,
    );
  }
  if (!SUPPORTED_VERSIONS.includes(versionValue)) {
    throw new RefusedFileError(
      `unsupported publiccodeYmlVersion "${versionValue}": this importer reads ${SUPPORTED_VERSIONS.join(', ')}`,
    );
  }
  return versionValue;
}

/**
 * The problems of one document, each against its key and line, and the checks of the value
 * kinds the standard uses. A failed check lists its problem and gives an empty value, so
 * reading goes on and the file's every problem is reported at once.
 */
class Checks {
  readonly problems: string[] = [];

  constructor(private readonly lineOf: (path: (string | number)[]) => number | null) {}

  /** A key's path and, when the YAML has it, its line: `legal.license (line 12)`. */
  private at(path: (string | number)[]): string {
    const line = this.lineOf(path);
    return `${path.join('.')}${line ? ` (line ${line})` : ''}`;
  }

  problem(path: (string | number)[], message: string): void {
    this.problems.push(`${this.at(path)}: ${message}`);
  }

  /** A missing key has no line of its own to point at. */
  missing(path: string[]): void {
    this.problems.push(`${path.join('.')}: missing (mandatory)`);
  }

  /** Trimmed plain text of at most `max` characters, or null. */
  text(path: (string | number)[], input: unknown, max: number, mandatory: boolean): string | null {
    if (input === undefined || input === null) {
      if (mandatory) this.missing(path.map(String));
      return null;
    }
    if (typeof input !== 'string') {
      this.problem(path, `must be text, got ${Array.isArray(input) ? 'a list' : typeof input}`);
      return null;
    }
    const trimmed = input.trim();
    if (trimmed === '') return (this.problem(path, 'must not be empty'), null);
    if ([...trimmed].length > max) return (this.problem(path, `must be at most ${max} characters`), null);
    if (NOT_TEXT.test(trimmed)) return (this.problem(path, 'must be plain text (no control characters)'), null);
    return trimmed;
  }

  /** A list of non-empty texts, trimmed; a mandatory one lists at least one. */
  list(path: string[], input: unknown, mandatory: boolean): string[] {
    if (input === undefined || input === null) {
      if (mandatory) this.missing(path);
      return [];
    }
    if (!Array.isArray(input) || input.some((item) => typeof item !== 'string' || item.trim() === '')) {
      this.problem(path, 'must be a list of texts');
      return [];
    }
    if (mandatory && input.length === 0) this.problem(path, 'must list at least one value');
    return input.map((item: string) => item.trim());
  }

  /** One of the standard's enumerated words (mandatory). */
  oneOf(path: string[], input: unknown, allowed: readonly string[]): string {
    if (input === undefined || input === null) return (this.missing(path), '');
    if (typeof input !== 'string' || !allowed.includes(input)) {
      this.problem(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(input)}`);
      return '';
    }
    return input;
  }

  /** An organisation: a URI (mandatory) and a name. */
  organisation(path: (string | number)[], input: unknown): PubliccodeOrganisation | null {
    if (!isObject(input)) return (this.problem(path, 'must be a mapping with uri and name'), null);
    const uri = typeof input.uri === 'string' ? input.uri.trim() : '';
    if (!uri) return (this.problem([...path, 'uri'], 'missing (mandatory)'), null);
    try {
      new URL(uri);
    } catch {
      return (this.problem([...path, 'uri'], `must be a URI, got ${JSON.stringify(uri)}`), null);
    }
    const name = input.name === undefined ? null : this.text([...path, 'name'], input.name, MAX_NAME_LENGTH, false);
    return { name, uri };
  }
}

/** `url`, the repository: any URL (git URLs need not be http), mandatory. */
function readUrl(check: Checks, input: unknown): string {
  if (input === undefined) return (check.missing(['url']), '');
  if (typeof input !== 'string') return (check.problem(['url'], 'must be a URL'), '');
  try {
    new URL(input.trim());
    return input.trim();
  } catch {
    check.problem(['url'], `must be a URL, got ${JSON.stringify(input)}`);
    return '';
  }
}

/** `landingURL`: a page people open, so only an http(s) URL will do. */
function readLandingUrl(check: Checks, input: unknown): string | null {
  if (input === undefined) return null;
  if (isWebUrl(input)) return input.trim();
  check.problem(['landingURL'], `must be an http(s) URL, got ${JSON.stringify(input)}`);
  return null;
}

/** `isBasedOn`: the standard allows one URL or a list of them; both read as a list. */
function readIsBasedOn(check: Checks, input: unknown): string[] {
  if (input === undefined) return [];
  const values = typeof input === 'string' ? [input] : input;
  if (Array.isArray(values) && values.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return values.map((item: string) => item.trim());
  }
  check.problem(['isBasedOn'], 'must be a URL or a list of URLs');
  return [];
}

/**
 * `softwareVersion` and `releaseDate`, read together because a version says the software was
 * released, which makes the date mandatory. The date is a real calendar day, not in the future
 * (by the latest time zone's today) and not before 2000.
 */
function readRelease(
  check: Checks,
  raw: Record<string, unknown>,
  now: Date,
): { softwareVersion: string | null; releaseDate: string | null } {
  let softwareVersion: string | null = null;
  if (raw.softwareVersion !== undefined) {
    if (typeof raw.softwareVersion !== 'string') {
      check.problem(['softwareVersion'], `must be a quoted string, got ${JSON.stringify(raw.softwareVersion)}`);
    } else {
      try {
        softwareVersion = checkVersion('softwareVersion', raw.softwareVersion.trim());
      } catch {
        check.problem(
          ['softwareVersion'],
          `must be a version like 1.2.0, v1.2.0, 2024.1 or 2.0.0-rc.1, got ${JSON.stringify(raw.softwareVersion)}`,
        );
      }
    }
  }
  let releaseDate: string | null = null;
  if (raw.releaseDate !== undefined) {
    const day = raw.releaseDate;
    const latest = latestToday(now);
    if (typeof day !== 'string' || !ISO_DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      check.problem(['releaseDate'], `must be a date YYYY-MM-DD, got ${JSON.stringify(day)}`);
    } else if (new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
      check.problem(['releaseDate'], `is not a calendar day: ${day}`);
    } else if (day < '2000-01-01' || day > latest) {
      check.problem(['releaseDate'], `must be a day from 2000-01-01 to today, got ${day}`);
    } else releaseDate = day;
  }
  if (raw.softwareVersion !== undefined && raw.releaseDate === undefined) {
    check.problem(['releaseDate'], 'missing: mandatory once softwareVersion says the software was released');
  }
  return { softwareVersion, releaseDate };
}

/** `fundedBy`: every organisation that passes its checks (the others are listed as problems). */
function readFundedBy(check: Checks, input: unknown): PubliccodeOrganisation[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) return (check.problem(['fundedBy'], 'must be a list of organisations'), []);
  return input.flatMap((item, index) => check.organisation(['fundedBy', index], item) ?? []);
}

/**
 * `description`: every language section needs a `shortDescription`; the summary stored comes
 * from the English section when there is one (else the first), and is its longDescription
 * when the short one is that text cut short (see `summaryOf`).
 */
function readDescription(check: Checks, input: unknown): { descriptionLanguage: string; summary: string | null } {
  if (input === undefined) return (check.missing(['description']), { descriptionLanguage: '', summary: null });
  if (!isObject(input) || Object.keys(input).length === 0) {
    check.problem(['description'], 'must hold at least one language section');
    return { descriptionLanguage: '', summary: null };
  }
  const languages = Object.keys(input);
  for (const language of languages) {
    const section = input[language];
    if (!isObject(section)) check.problem(['description', language], 'must be a mapping');
    else if (section.shortDescription === undefined) check.missing(['description', language, 'shortDescription']);
  }
  const descriptionLanguage =
    languages.find((language) => language === 'en') ??
    languages.find((language) => /^en-/i.test(language)) ??
    languages[0]!;
  const section = input[descriptionLanguage];
  if (!isObject(section)) return { descriptionLanguage, summary: null };
  const path = ['description', descriptionLanguage];
  const short = check.text([...path, 'shortDescription'], section.shortDescription, MAX_SUMMARY_LENGTH, true);
  const long =
    section.longDescription === undefined
      ? null
      : check.text([...path, 'longDescription'], section.longDescription, 10_000, false);
  const summary = short === null ? null : summaryOf(short, long);
  if (summary && [...summary].length > MAX_SUMMARY_LENGTH) {
    check.problem([...path, 'longDescription'], `must be at most ${MAX_SUMMARY_LENGTH} characters`);
    return { descriptionLanguage, summary: null };
  }
  return { descriptionLanguage, summary };
}

/** `legal.license`: an SPDX expression; deprecated ids are accepted and reported. */
function readLegal(check: Checks, legal: unknown): { license: string; deprecatedLicenceIds: string[] } {
  const none = { license: '', deprecatedLicenceIds: [] };
  if (legal === undefined) return (check.missing(['legal']), none);
  if (!isObject(legal)) return (check.problem(['legal'], 'must be a mapping'), none);
  if (legal.license === undefined) return (check.missing(['legal', 'license']), none);
  const licence = checkLicence(legal.license);
  if (!licence.ok) return (check.problem(['legal', 'license'], licence.problem), none);
  return { license: (legal.license as string).trim(), deprecatedLicenceIds: licence.deprecated };
}

/** `maintenance.type`, mandatory. */
function readMaintenance(check: Checks, maintenance: unknown): string {
  if (maintenance === undefined) return (check.missing(['maintenance']), '');
  if (!isObject(maintenance)) return (check.problem(['maintenance'], 'must be a mapping'), '');
  return check.oneOf(['maintenance', 'type'], maintenance.type, MAINTENANCE_TYPES);
}

/** `localisation`: whether the software is ready for translation, and its languages (both mandatory). */
function readLocalisation(
  check: Checks,
  localisation: unknown,
): { localisationReady: boolean; availableLanguages: string[] } {
  const none = { localisationReady: false, availableLanguages: [] };
  if (localisation === undefined) return (check.missing(['localisation']), none);
  if (!isObject(localisation)) return (check.problem(['localisation'], 'must be a mapping'), none);
  let localisationReady = false;
  if (typeof localisation.localisationReady === 'boolean') localisationReady = localisation.localisationReady;
  else if (localisation.localisationReady === undefined) check.missing(['localisation', 'localisationReady']);
  else check.problem(['localisation', 'localisationReady'], 'must be true or false');
  const availableLanguages = check.list(['localisation', 'availableLanguages'], localisation.availableLanguages, true);
  return { localisationReady, availableLanguages };
}

/**
 * The summary a description gives: its shortDescription, unless that is the cut-short start
 * of its longDescription (ending in "…", as exports write a summary longer than the
 * standard's 150 characters), then the whole longDescription.
 */
export function summaryOf(short: string, long: string | null): string {
  if (long && short.endsWith('…') && long.startsWith(short.slice(0, -1).trimEnd())) return long;
  return short;
}

/** The description section an export writes for a summary, within the standard's limits. */
export function descriptionOf(summary: string): { shortDescription: string; longDescription?: string } {
  const characters = [...summary];
  if (characters.length <= MAX_SHORT_DESCRIPTION) return { shortDescription: summary };
  const cut = characters
    .slice(0, MAX_SHORT_DESCRIPTION - 1)
    .join('')
    .trimEnd();
  return { shortDescription: `${cut}…`, longDescription: summary };
}

/** The provisioning domain a document's `intendedAudience.scope` names, or null when none or several. */
export function domainOfScope(scope: readonly string[]): string | null {
  const domains = new Set(SCOPE_DOMAINS.filter(([value]) => scope.includes(value)).map(([, domain]) => domain));
  return domains.size === 1 ? [...domains][0]! : null;
}

/** The scope an export writes for a domain; none for HOUSING and TOOLS, which no scope names. */
export function scopeOfDomain(domain: string): string | null {
  return SCOPE_DOMAINS.find(([, value]) => value === domain)?.[0] ?? null;
}

/** The provisioning domains an application can have (the graph's `ProvisioningDomain`). */
export const DOMAIN_NAMES: readonly string[] = ['MOBILITY', 'HOUSING', 'FOOD', 'ENERGY', 'TOOLS', 'CARE'];

/**
 * `categories` values that say which provisioning domain software serves, used when
 * `intendedAudience.scope` names none. Only categories about the shared thing itself: a fleet,
 * homes, an inventory of things lent. Generic ones (`content-management`, `it-development`,
 * `office`, `integrated-library-system`, which is about books) say nothing about a domain.
 * docs/open-data.md prints this table and SCOPE_DOMAINS.
 */
export const CATEGORY_DOMAINS: readonly (readonly [category: string, domain: string])[] = [
  ['fleet-management', 'MOBILITY'],
  ['property-management', 'HOUSING'],
  ['real-estate-management', 'HOUSING'],
  ['inventory-management', 'TOOLS'],
];

/** The provisioning domain a document's `categories` name, or null when none or several. */
export function domainOfCategories(categories: readonly string[]): string | null {
  const domains = new Set(CATEGORY_DOMAINS.filter(([value]) => categories.includes(value)).map(([, domain]) => domain));
  return domains.size === 1 ? [...domains][0]! : null;
}

/**
 * The domain a `--domain` word names: a domain name in any case (`mobility`, `MOBILITY`) or a
 * publiccode scope word the domain table maps (`transportation`); undefined for any other word.
 */
export function domainOfWord(word: string): string | undefined {
  const upper = word.trim().toUpperCase();
  if (DOMAIN_NAMES.includes(upper)) return upper;
  return SCOPE_DOMAINS.find(([scope]) => scope === word.trim().toLowerCase())?.[1];
}

/** Every value `--domain` accepts, for messages. */
export const DOMAIN_WORDS_TEXT =
  `${DOMAIN_NAMES.join(', ')} (any case), or a scope word: ` +
  SCOPE_DOMAINS.map(([scope, domain]) => `${scope} (${domain})`).join(', ');

/** The keys of a document that have no column of their own, as stored per application. */
export interface PubliccodeKeys {
  developmentStatus: string;
  softwareType: string;
  platforms: string[];
  categories: string[];
  maintenanceType: string;
  localisationReady: boolean;
  availableLanguages: string[];
  descriptionLanguage: string;
}

/**
 * What an export writes for an application no publiccode.yml has described: a web
 * application in English, maintained by its community, `stable` once it has a release
 * numbered 1 or higher and `development` before.
 */
export function defaultKeys(latestVersion: string | null): PubliccodeKeys {
  const major = latestVersion ? Number(/^v?(\d+)/.exec(latestVersion)?.[1] ?? 0) : 0;
  return {
    developmentStatus: major >= 1 ? 'stable' : 'development',
    softwareType: 'standalone/web',
    platforms: ['web'],
    categories: [],
    maintenanceType: 'community',
    localisationReady: false,
    availableLanguages: ['en'],
    descriptionLanguage: 'en',
  };
}

/** True when two sets of keys are the same, list order included. */
export function sameKeys(a: PubliccodeKeys, b: PubliccodeKeys): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

/** Everything one exported document holds, already resolved to names and URLs. */
export interface PubliccodeExport {
  name: string;
  url: string;
  landingUrl: string | null;
  isBasedOn: string | null;
  release: { version: string; releasedOn: string } | null;
  keys: PubliccodeKeys;
  usedBy: string[];
  fundedBy: PubliccodeOrganisation[];
  organisation: PubliccodeOrganisation | null;
  scope: string | null;
  summary: string;
  license: string;
}

/**
 * Writes a publiccode.yml document, keys in the order of the standard's examples. Strings a
 * YAML 1.1 reader would take for something else (dates, `yes`) are quoted.
 */
export function toPubliccodeYaml(record: PubliccodeExport): string {
  const document: Record<string, unknown> = {
    publiccodeYmlVersion: EXPORT_VERSION,
    name: record.name,
    url: record.url,
  };
  if (record.landingUrl) document.landingURL = record.landingUrl;
  if (record.isBasedOn) document.isBasedOn = record.isBasedOn;
  if (record.release) {
    document.softwareVersion = record.release.version;
    document.releaseDate = record.release.releasedOn;
  }
  document.platforms = record.keys.platforms;
  if (record.keys.categories.length > 0) document.categories = record.keys.categories;
  if (record.usedBy.length > 0) document.usedBy = record.usedBy;
  if (record.fundedBy.length > 0) document.fundedBy = record.fundedBy.map(organisationOut);
  document.developmentStatus = record.keys.developmentStatus;
  document.softwareType = record.keys.softwareType;
  if (record.scope) document.intendedAudience = { scope: [record.scope] };
  document.description = { [record.keys.descriptionLanguage]: descriptionOf(record.summary) };
  document.legal = { license: record.license };
  document.maintenance = { type: record.keys.maintenanceType };
  document.localisation = {
    localisationReady: record.keys.localisationReady,
    availableLanguages: record.keys.availableLanguages,
  };
  if (record.organisation) document.organisation = organisationOut(record.organisation);
  return stringify(document, { version: '1.1', lineWidth: 0 });
}

const organisationOut = (organisation: PubliccodeOrganisation) =>
  organisation.name ? { uri: organisation.uri, name: organisation.name } : { uri: organisation.uri };
