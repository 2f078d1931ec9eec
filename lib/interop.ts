/**
 * Shared pieces of the open-standard importers and exporters (publiccode.yml, OKH, MDS):
 * the per-record report, licence checks against the SPDX list, and the "graph record URL"
 * that stands in for a repository URL when a record has none. Pure functions only.
 */
import { createRequire } from 'node:module';
import parseSpdx from 'spdx-expression-parse';

/** What an import did with one record (an application, a design, a trip, a bill-of-materials line). */
export type RecordStatus = 'created' | 'updated' | 'unchanged' | 'rejected';

/** One line of an import report. */
export interface RecordReport {
  /** The record's key: a URL, a design name, a trip id, `<design>/part[2]`. */
  key: string;
  status: RecordStatus;
  /** Where in the file the record sits, when known: `line 12`, `trips[3]`, `part[2]`. */
  at?: string;
  /** The graph entity written or matched, e.g. `CommonsApplication catala`. */
  entity?: string;
  /** Why the record was rejected: every problem found, each naming the key at fault. */
  reason?: string;
  /** What the import could not use or had to assume (unmatched names, defaults). */
  notes: string[];
}

/** The report of one file: refused as a whole (nothing changed), or one line per record. */
export interface FileReport {
  file: string;
  /** Set when the file was refused as a whole: malformed, or of an unsupported version. */
  refused?: string;
  records: RecordReport[];
  /** Facts about the file as a whole (e.g. shared assets registered for MDS devices). */
  notes: string[];
}

/** A whole file is refused: malformed, of an unsupported version, or naming something unknown. */
export class RefusedFileError extends Error {}

/** A parsed JSON, YAML or TOML value that is a plain object (not null, not a list). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Counts of each status over a set of file reports. */
export function countStatuses(files: readonly FileReport[]): Record<RecordStatus | 'refusedFiles', number> {
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0, refusedFiles: 0 };
  for (const file of files) {
    if (file.refused) counts.refusedFiles++;
    for (const record of file.records) counts[record.status]++;
  }
  return counts;
}

const require = createRequire(import.meta.url);
const LICENSE_IDS = new Set<string>(require('spdx-license-ids') as string[]);
const DEPRECATED_IDS = new Set<string>(require('spdx-license-ids/deprecated.json') as string[]);

type SpdxNode = ReturnType<typeof parseSpdx>;

/** The outcome of checking a licence: the SPDX ids it names, or why it is not an SPDX licence. */
export type LicenceCheck =
  { ok: true; ids: string[]; deprecated: string[]; node: SpdxNode } | { ok: false; problem: string };

function licenceIds(node: SpdxNode): string[] {
  return 'license' in node ? [node.license] : [...licenceIds(node.left), ...licenceIds(node.right)];
}

/**
 * Checks that a licence is an SPDX licence expression over ids of the SPDX licence list
 * (CERN-OHL and Creative Commons licences are on it): `CERN-OHL-S-2.0`,
 * `MIT OR Apache-2.0`. `LicenseRef-…` (a licence of the document's own) is refused: it names
 * no licence anyone can look up. Deprecated ids (`GPL-2.0`) are accepted and listed.
 */
export function checkLicence(value: unknown): LicenceCheck {
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, problem: 'must be an SPDX licence id' };
  let node: SpdxNode;
  try {
    node = parseSpdx(value.trim());
  } catch {
    return {
      ok: false,
      problem: `${JSON.stringify(value)} is not an SPDX licence id or expression (see spdx.org/licenses)`,
    };
  }
  const ids = licenceIds(node);
  const own = ids.filter((id) => id.includes('LicenseRef-'));
  if (own.length > 0) {
    return {
      ok: false,
      problem: `${own.join(', ')} is a licence of the document's own, not one on the SPDX licence list`,
    };
  }
  const unknown = ids.filter((id) => !LICENSE_IDS.has(id) && !DEPRECATED_IDS.has(id));
  if (unknown.length > 0) return { ok: false, problem: `${unknown.join(', ')} is not on the SPDX licence list` };
  return { ok: true, ids, deprecated: ids.filter((id) => DEPRECATED_IDS.has(id)), node };
}

/**
 * True when a licence lets anyone make, sell and modify the thing: no NonCommercial (NC) or
 * NoDerivatives (ND) clause. `A OR B` is open when either is, `A AND B` when both are.
 */
export function isOpenLicence(node: SpdxNode): boolean {
  if ('license' in node) return !/(^|-)(NC|ND)(-|$)/.test(node.license);
  return node.conjunction === 'or'
    ? isOpenLicence(node.left) || isOpenLicence(node.right)
    : isOpenLicence(node.left) && isOpenLicence(node.right);
}

/** Graph entities a record URL can point at, by their query field. */
export type RecordField = 'application' | 'adaptation' | 'openDesign' | 'city' | 'protocolCooperative';

/** The fields a record's public JSON document holds, by its query field. */
export const RECORD_SELECTION: Record<RecordField, string> = {
  application: 'id name summary license',
  adaptation: 'id title description status',
  openDesign: 'id name description license',
  city: 'id name countryCode',
  protocolCooperative: 'id name',
};

/** The folder under `/data/` of each kind of record: `/data/<folder>/<id>.json`. */
export const RECORD_FOLDERS: Record<RecordField, string> = {
  application: 'applications',
  adaptation: 'adaptations',
  openDesign: 'designs',
  city: 'cities',
  protocolCooperative: 'protocol-cooperatives',
};

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';

/** A record document's path: `/data/<folder>/<slug id>.json`, the one canonical form. */
export const RECORD_PATH = new RegExp(`^/data/(${Object.values(RECORD_FOLDERS).join('|')})/(${SLUG})\\.json$`);

/** The record field of a `/data/` folder name, or undefined. */
export function recordFieldOfFolder(folder: string): RecordField | undefined {
  return (Object.keys(RECORD_FOLDERS) as RecordField[]).find((field) => RECORD_FOLDERS[field] === folder);
}

/**
 * The graph's own URL for a record: its public JSON document, `<base>/data/<folder>/<id>.json`
 * (e.g. `/data/applications/muniride.json`), which a browser or curl opens with a plain GET.
 * Exports use it where a standard demands a URL the graph does not have (publiccode.yml `url`
 * and OKH `repo` of a record with no public repository, a city's `organisation.uri`), and
 * imports read it back as "this record of the graph", whatever the host, so round trips stay
 * exact.
 */
export function recordUrl(baseUrl: string, field: RecordField, id: string): string {
  return new URL(`/data/${RECORD_FOLDERS[field]}/${id}.json`, baseUrl).toString();
}

/** The GraphQL GET form earlier exports wrote (`/graphql?query={application(id:"x"){…}}`); still read back. */
const LEGACY_RECORD_QUERY = new RegExp(
  `^\\{(application|adaptation|openDesign|city|protocolCooperative)\\(id:"(${SLUG})"\\)\\{[^{}]*\\}\\}$`,
);

/** The record a URL made by `recordUrl` (or an earlier export's GraphQL URL) points at, or null for any other URL. */
export function parseRecordUrl(value: string): { field: RecordField; id: string } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.pathname.endsWith('/graphql')) {
    const legacy = LEGACY_RECORD_QUERY.exec(url.searchParams.get('query') ?? '');
    return legacy ? { field: legacy[1] as RecordField, id: legacy[2]! } : null;
  }
  const match = RECORD_PATH.exec(url.pathname);
  const field = match ? recordFieldOfFolder(match[1]!) : undefined;
  return match && field && !url.search ? { field, id: match[2]! } : null;
}

/** True for an absolute http(s) URL. */
export function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Names compared the way the importers match them: trimmed, Unicode-normalised, case-insensitive. */
export const sameName = (a: string, b: string): boolean =>
  a.trim().normalize('NFC').toLocaleLowerCase('en') === b.trim().normalize('NFC').toLocaleLowerCase('en');

/** Lowercase ASCII slug of any text: accents dropped, every other run of non-alphanumerics a hyphen. */
export function slugOf(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A new slug id from `text`, at most `maxBase` characters before a `-2`, `-3`, ... suffix
 * that makes it unlike every id in `taken`.
 */
export function freeSlug(text: string, taken: (id: string) => boolean, maxBase = 58): string {
  const base = slugOf(text).slice(0, maxBase).replace(/-+$/, '') || 'record';
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!taken(id)) return id;
  }
}

/**
 * What the importers match names against, read from the league database by the import tool
 * (it runs outside the services and may read it): cities and protocol cooperatives.
 */
export interface LeagueDirectory {
  /** False when the league database holds no cities, so nothing can be matched. */
  available: boolean;
  cities: { id: string; name: string }[];
  protocolCooperatives: { id: string; name: string; website: string | null }[];
}
