/**
 * Open Know-How manifests as pure functions: reading an `okh.toml` (OKH 2.x) or a legacy v1
 * `okh.yml`, checking the keys the production subgraph maps, and writing an `okh.toml` from a
 * stored design. A malformed file or an unsupported version throws `RefusedFileError`; every
 * other problem is listed against its key. No database and no GraphQL here.
 */
import { parse as parseToml, stringify as stringifyToml, TomlError } from 'smol-toml';
import { LineCounter, isMap, isNode, isScalar, parseDocument, visit, type Document } from 'yaml';
import { checkLicence, isObject, isOpenLicence, isWebUrl, RefusedFileError } from '../../../lib/interop.js';
import { assetKindOfWords, spdxIdOfName } from './okh-mapping.js';

/** `okhv` values read: those the official OKH JSON Schema accepts. */
export const SUPPORTED_OKHV: readonly string[] = ['OKH-LOSHv1.0', '2.3', '2.4'];
/** The version exports declare: the current OKH version, the official template's. */
export const EXPORT_OKHV = '2.4';

/** Open technology readiness levels (OTRL) and documentation readiness levels (ODRL), as the schema lists them. */
export const TECHNOLOGY_READINESS_LEVELS: readonly string[] = [
  'OTRL-1',
  'OTRL-2',
  'OTRL-3',
  'OTRL-4',
  'OTRL-5',
  'OTRL-6',
];
export const DOCUMENTATION_READINESS_LEVELS: readonly string[] = ['ODRL-1', 'ODRL-2', 'ODRL-3', 'ODRL-3*', 'ODRL-4'];

const MAX_NAME_LENGTH = 200;
const MAX_TEXT_LENGTH = 5000;
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** One `[[part]]` of a manifest: its position, name (read as its material) and mass in grams. */
export interface OkhPart {
  index: number;
  name: string | null;
  massGrams: number | null;
  /** Why the part cannot be a bill-of-materials line, found without the database. */
  problem: string | null;
}

/** A manifest whose mapped keys passed every check. */
export interface OkhDocument {
  /** `okh.toml` (OKH 2.x) or `okh.yml` (OKH v1, 2019). */
  format: 'toml' | 'v1';
  okhv: string;
  name: string;
  /** The design's repository URL (v1: project-link, else documentation-home); null when a v1 manifest has neither. */
  repo: string | null;
  license: string;
  deprecatedLicenceIds: string[];
  /** False when the licence has a NonCommercial or NoDerivatives clause. */
  openHardware: boolean;
  licensor: string;
  function: string;
  version: string;
  technologyReadinessLevel: string | null;
  documentationReadinessLevel: string | null;
  forkOf: string | null;
  /** Null when the manifest lists no parts (then a stored bill of materials is kept). */
  parts: OkhPart[] | null;
  /** The asset kind the manifest's words name (okh-mapping.ts), used for a new design without `--asset-kind`. */
  assetKind?: string | null;
  /** What the reading assumed (a repeated key, a licence given by name), for the report. */
  notes?: string[];
}

export type OkhParse =
  { ok: true; key: string; document: OkhDocument } | { ok: false; key: string; problems: string[] };

/** Reads a manifest: TOML for `okh.toml`, YAML for a legacy `okh.yml`. */
export function parseOkh(text: string, format: 'toml' | 'v1'): OkhParse {
  return format === 'toml' ? parseOkhToml(text) : parseOkhV1(text);
}

/** Collects problems, each naming its key (and its line, when the format gives lines). */
class Problems {
  readonly list: string[] = [];
  constructor(private readonly lineOf: (path: (string | number)[]) => number | null = () => null) {}
  add(path: (string | number)[], message: string): null {
    const line = this.lineOf(path);
    this.list.push(`${path.join('.')}${line ? ` (line ${line})` : ''}: ${message}`);
    return null;
  }
  text(path: (string | number)[], value: unknown, max: number, mandatory: boolean): string | null {
    if (value === undefined || value === null) return mandatory ? this.add(path, 'missing (mandatory)') : null;
    if (typeof value !== 'string') {
      return this.add(path, `must be text, got ${Array.isArray(value) ? 'a list' : typeof value}`);
    }
    const trimmed = value.trim();
    if (trimmed === '') return this.add(path, 'must not be empty');
    if ([...trimmed].length > max) return this.add(path, `must be at most ${max} characters`);
    if (NOT_TEXT.test(trimmed)) return this.add(path, 'must be plain text (no control characters)');
    return trimmed;
  }
  licence(path: string[], value: unknown): { license: string; deprecated: string[]; open: boolean } | null {
    if (value === undefined) return this.add(path, 'missing (mandatory)');
    const check = checkLicence(value);
    if (!check.ok) return this.add(path, check.problem);
    return { license: (value as string).trim(), deprecated: check.deprecated, open: isOpenLicence(check.node) };
  }
  oneOf(path: string[], value: unknown, allowed: readonly string[]): string | null {
    if (value === undefined) return null;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      return this.add(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value;
  }
}

/**
 * A licensor as one line of text: strings as given, people and organisations as
 * `Name (memberOf or affiliation)`, lists joined with `; `. E-mail addresses (`<…@…>` in
 * strings, `email` in objects) are dropped: the graph publishes who holds a design's rights,
 * not how to reach them.
 */
function licensorText(value: unknown): string | null {
  const one = (item: unknown): string | null => {
    if (typeof item === 'string') return item.replace(/\s*<[^<>\s]+@[^<>\s]+>/g, '').trim() || null;
    if (isObject(item) && typeof item.name === 'string' && item.name.trim()) {
      const group = [item.memberOf, item.affiliation].find((value) => typeof value === 'string' && value.trim());
      return `${item.name.trim()}${group ? ` (${(group as string).trim()})` : ''}`;
    }
    return null;
  };
  const items = Array.isArray(value) ? value.map(one) : [one(value)];
  return items.length > 0 && items.every((item) => item !== null) ? items.join('; ') : null;
}

/** The texts of some keys of a manifest (strings, or lists of strings), for `assetKindOfWords`. */
function wordsOf(raw: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.flatMap((key) => {
    const value = raw[key];
    const values = Array.isArray(value) ? value : [value];
    return values.filter((item): item is string => typeof item === 'string');
  });
}

function parseOkhToml(text: string): OkhParse {
  let raw: Record<string, unknown>;
  try {
    raw = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}` : '';
    throw new RefusedFileError(`malformed TOML${where}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw.okhv === undefined)
    throw new RefusedFileError('okhv is missing: the manifest does not say which OKH version it follows');
  if (typeof raw.okhv !== 'string' || !SUPPORTED_OKHV.includes(raw.okhv)) {
    throw new RefusedFileError(
      `unsupported okhv ${JSON.stringify(raw.okhv)}: this importer reads okh.toml of OKH ${SUPPORTED_OKHV.join(', ')}`,
    );
  }
  const problems = new Problems();
  const name = problems.text(['name'], raw.name, MAX_NAME_LENGTH, true);
  let repo: string | null = null;
  if (raw.repo === undefined) problems.add(['repo'], 'missing (mandatory)');
  else if (!isWebUrl(raw.repo)) problems.add(['repo'], `must be an http(s) URL, got ${JSON.stringify(raw.repo)}`);
  else repo = raw.repo.trim();
  const licence = problems.licence(['license'], raw.license);
  const licensor =
    raw.licensor === undefined ? problems.add(['licensor'], 'missing (mandatory)') : licensorText(raw.licensor);
  if (raw.licensor !== undefined && licensor === null)
    problems.add(['licensor'], 'must be a name, a person or an organisation, or a list of them');
  const fn = problems.text(['function'], raw.function, MAX_TEXT_LENGTH, true);
  const version = raw.version === undefined ? '' : problems.text(['version'], raw.version, 64, false);
  const trl = problems.oneOf(
    ['technology-readiness-level'],
    raw['technology-readiness-level'],
    TECHNOLOGY_READINESS_LEVELS,
  );
  const drl = problems.oneOf(
    ['documentation-readiness-level'],
    raw['documentation-readiness-level'],
    DOCUMENTATION_READINESS_LEVELS,
  );
  let forkOf: string | null = null;
  const forks = [raw.forkOf, raw['fork-of']].filter((value) => value !== undefined);
  for (const value of forks) {
    if (!isWebUrl(value))
      problems.add(
        [raw.forkOf !== undefined ? 'forkOf' : 'fork-of'],
        `must be an http(s) URL, got ${JSON.stringify(value)}`,
      );
    else if (forkOf !== null && forkOf !== value.trim())
      problems.add(['fork-of'], 'differs from forkOf: a design is a fork of one project');
    else forkOf = value.trim();
  }
  let parts: OkhPart[] | null = null;
  if (raw.part !== undefined) {
    if (!Array.isArray(raw.part)) problems.add(['part'], 'must be a list of [[part]] tables');
    else parts = raw.part.map((part, index) => partOf(part, index));
  }
  const key = typeof raw.name === 'string' ? raw.name : typeof raw.repo === 'string' ? raw.repo : '(no name)';
  if (problems.list.length > 0 || !name || !licence || !licensor || !fn || version === null) {
    return { ok: false, key, problems: problems.list };
  }
  return {
    ok: true,
    key,
    document: {
      format: 'toml',
      okhv: raw.okhv,
      name,
      repo,
      license: licence.license,
      deprecatedLicenceIds: licence.deprecated,
      openHardware: licence.open,
      licensor,
      function: fn,
      version,
      technologyReadinessLevel: trl,
      documentationReadinessLevel: drl,
      forkOf,
      parts,
      assetKind: assetKindOfWords(wordsOf(raw, ['keywords', 'name'])),
    },
  };
}

/** A `[[part]]` table: its name (read as its material) and mass in grams, or why it cannot be used. */
function partOf(part: unknown, index: number): OkhPart {
  if (!isObject(part)) return { index, name: null, massGrams: null, problem: 'must be a table' };
  const name = typeof part.name === 'string' && part.name.trim() ? part.name.trim() : null;
  const mass = typeof part.mass === 'number' && Number.isFinite(part.mass) ? part.mass : null;
  let problem: string | null = null;
  if (!name) problem = 'name: missing (mandatory): the part names its material';
  else if (part.mass === undefined) problem = 'mass: missing: a bill-of-materials line needs the mass of the part';
  else if (mass === null || mass <= 0)
    problem = `mass: must be a positive number of grams, got ${JSON.stringify(part.mass)}`;
  return { index, name, massGrams: mass, problem };
}

/**
 * Top-level keys a hand-written v1 manifest repeats (the official agrocircle sample gives
 * `project-link` twice), each with its lines: the first value is read and the rest reported.
 * A repeated key deeper down is refused, as there no first value is obviously the one meant.
 */
function repeatedKeys(doc: Document, lineCounter: LineCounter): Map<string, number[]> {
  const top = new Map<string, number[]>();
  visit(doc, {
    Map(_, map, path) {
      const seen = new Map<string, number[]>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const line = isScalar(pair.key) && pair.key.range ? lineCounter.linePos(pair.key.range[0]).line : 0;
        seen.set(key, [...(seen.get(key) ?? []), line]);
      }
      for (const [key, lines] of seen) {
        if (lines.length < 2) continue;
        if (path.length > 1)
          throw new RefusedFileError(
            `malformed YAML at line ${lines[1]}: the key ${key} is repeated (lines ${lines.join(', ')})`,
          );
        top.set(key, lines);
      }
    },
  });
  return top;
}

function parseOkhV1(text: string): OkhParse {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new RefusedFileError(
      `malformed YAML${line ? ` at line ${line}` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  if (!isMap(doc.contents)) throw new RefusedFileError('malformed okh.yml: the manifest is not a mapping of keys');
  const notes: string[] = [];
  const repeated = repeatedKeys(doc, lineCounter);
  const firstValues = new Map<string, unknown>();
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (repeated.has(key) && !firstValues.has(key))
      firstValues.set(key, isNode(pair.value) ? pair.value.toJS(doc) : pair.value);
  }
  for (const [key, lines] of repeated)
    notes.push(`${key} is given ${lines.length} times (lines ${lines.join(', ')}): the first is read`);
  const raw = { ...(doc.toJS() as Record<string, unknown>), ...Object.fromEntries(firstValues) };
  const manifestVersion = raw['okh-manifest-version'];
  if (manifestVersion !== undefined && !/^1(\.|$)/.test(String(manifestVersion))) {
    throw new RefusedFileError(
      `unsupported okh-manifest-version ${JSON.stringify(manifestVersion)}: an okh.yml is read as OKH v1`,
    );
  }
  const problems = new Problems((path) => {
    for (let end = path.length; end > 0; end--) {
      const node = doc.getIn(path.slice(0, end), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return null;
  });
  const name = problems.text(['title'], raw.title, MAX_NAME_LENGTH, true);
  const description = problems.text(['description'], raw.description, MAX_TEXT_LENGTH, true);
  let repo: string | null = null;
  for (const field of ['project-link', 'documentation-home']) {
    const value = raw[field];
    if (value === undefined || repo !== null) continue;
    if (isWebUrl(value)) repo = value.trim();
    else problems.add([field], `must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  let licence: ReturnType<Problems['licence']> = null;
  if (raw.license === undefined) problems.add(['license'], 'missing (mandatory)');
  else if (!isObject(raw.license))
    problems.add(['license'], 'must be a mapping with hardware, documentation and software licences');
  else if (raw.license.hardware === undefined)
    problems.add(['license', 'hardware'], 'missing: a design is licensed by its hardware licence');
  else {
    const named = spdxIdOfName(raw.license.hardware);
    if (named) notes.push(`license.hardware "${String(raw.license.hardware).trim()}" is read as the SPDX id ${named}`);
    licence = problems.licence(['license', 'hardware'], named ?? raw.license.hardware);
  }
  const licensor =
    raw.licensor === undefined
      ? problems.add(['licensor'], 'missing: the graph records who publishes each design')
      : licensorText(raw.licensor);
  if (raw.licensor !== undefined && licensor === null) problems.add(['licensor'], 'must be a person with a name');
  const version =
    raw.version === undefined
      ? ''
      : typeof raw.version === 'number'
        ? String(raw.version)
        : problems.text(['version'], raw.version, 64, false);
  let forkOf: string | null = null;
  const variant = raw['variant-of'];
  if (variant !== undefined) {
    const url = isObject(variant) ? (variant.web ?? variant.manifest) : undefined;
    if (isWebUrl(url)) forkOf = url.trim();
    else problems.add(['variant-of'], 'must give the web or manifest URL of the project this is a variant of');
  }
  const key = typeof raw.title === 'string' ? raw.title : '(no title)';
  if (problems.list.length > 0 || !name || !description || !licence || !licensor || version === null) {
    return { ok: false, key, problems: problems.list };
  }
  return {
    ok: true,
    key,
    document: {
      format: 'v1',
      okhv: 'v1',
      name,
      repo,
      license: licence.license,
      deprecatedLicenceIds: licence.deprecated,
      openHardware: licence.open,
      licensor,
      function: description,
      version,
      technologyReadinessLevel: null,
      documentationReadinessLevel: null,
      forkOf,
      parts: null,
      assetKind: assetKindOfWords(wordsOf(raw, ['keywords', 'intended-use', 'title'])),
      notes,
    },
  };
}

/** Why a licence is or is not open hardware, for designs whose licence the import sets. */
export function licenceNoteOf(license: string, openHardware: boolean): string {
  return openHardware
    ? `${license}: no NonCommercial or NoDerivatives clause, so anyone may build, modify and sell the design (set by the OKH import from the licence id).`
    : `${license}: a NonCommercial or NoDerivatives clause restricts use, so under the Open Source Hardware Definition this is not open hardware (set by the OKH import from the licence id).`;
}

/** Mass conversions that survive a round trip through TOML decimals. */
export const gramsOf = (kg: number): number => Number((kg * 1000).toFixed(6));
export const kilogramsOf = (grams: number): number => Number((grams / 1000).toFixed(9));

/** Everything one exported manifest holds. */
export interface OkhExport {
  name: string;
  repo: string;
  version: string;
  license: string;
  licensor: string;
  function: string;
  technologyReadinessLevel: string | null;
  documentationReadinessLevel: string | null;
  forkOf: string | null;
  /** Bill-of-materials lines in position order: the material's name and its mass in kg. */
  parts: { material: string; massKg: number }[];
}

/**
 * Writes an `okh.toml` (OKH 2.4). Each bill-of-materials line becomes a `[[part]]` named after
 * its material, with its mass in grams; the schema wants a `source` per part, and the design's
 * repository is the only source the graph knows.
 */
export function toOkhToml(record: OkhExport): string {
  const manifest: Record<string, unknown> = { okhv: EXPORT_OKHV, name: record.name, repo: record.repo };
  if (record.version) manifest.version = record.version;
  manifest.license = record.license;
  manifest.licensor = record.licensor;
  manifest.function = record.function;
  if (record.technologyReadinessLevel) manifest['technology-readiness-level'] = record.technologyReadinessLevel;
  if (record.documentationReadinessLevel)
    manifest['documentation-readiness-level'] = record.documentationReadinessLevel;
  if (record.forkOf) manifest.forkOf = record.forkOf;
  const total = record.parts.reduce((sum, part) => sum + part.massKg, 0);
  if (total > 0) manifest.mass = gramsOf(total);
  if (record.parts.length > 0) {
    manifest.part = record.parts.map((part) => ({
      name: part.material,
      source: record.repo,
      mass: gramsOf(part.massKg),
    }));
  }
  return `${stringifyToml(manifest)}\n`;
}
