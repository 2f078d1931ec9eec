/**
 * publiccode.yml against the depository database: matching a checked document to the
 * application or adaptation it describes and writing it (one transaction per document, so a
 * rejected one changes nothing), and reading records back for export.
 *
 * Identity is the document's `url`: an application's or adaptation's `repository_url`, or the
 * graph's own record URL (see lib/interop.ts) for a record with no public repository. A new
 * document whose `isBasedOn` names a known application becomes a LocalAdaptation of it; a
 * technical fork keeps the upstream `url` and so simply matches the application itself.
 */
import type { Knex } from 'knex';
import { toDay } from '../../../lib/dates.js';
import {
  freeSlug,
  parseRecordUrl,
  recordUrl,
  sameName,
  type LeagueDirectory,
  type RecordReport,
} from '../../../lib/interop.js';
import type { ApplicationFunderRow, ApplicationRow, ApplicationUserRow, ReleaseRow } from '../db/tables.js';
import * as w from '../db/writes.js';
import {
  defaultKeys,
  domainOfScope,
  sameKeys,
  scopeOfDomain,
  type PubliccodeDocument,
  type PubliccodeExport,
  type PubliccodeKeys,
  type PubliccodeOrganisation,
} from './publiccode.js';
import type { AdaptationWithUrlRow, ApplicationPubliccodeRow } from './tables.js';

/** The provisioning domains an application can have. */
export const PROVISIONING_DOMAINS: readonly string[] = ['MOBILITY', 'HOUSING', 'FOOD', 'ENERGY', 'TOOLS', 'CARE'];

export interface PubliccodeImportOptions {
  directory: LeagueDirectory;
  /** The domain of new applications whose `intendedAudience.scope` names none (`--domain`). */
  domain?: string;
  now?: Date;
}

type Found =
  | { kind: 'application'; row: ApplicationRow }
  | { kind: 'adaptation'; row: AdaptationWithUrlRow }
  | { kind: 'new'; id: string | null; entity: 'application' | 'adaptation' | null };

/** A repository URL as stored: null for the graph's own record URLs. */
const storedUrl = (url: string): string | null => (parseRecordUrl(url) ? null : url);

/** The application or adaptation a document's `url` names, or what a new one would be. */
async function findByUrl(trx: Knex.Transaction, url: string): Promise<Found | string> {
  const record = parseRecordUrl(url);
  if (record) {
    if (record.field === 'application') {
      const row = await trx<ApplicationRow>('applications').where('id', record.id).first();
      return row ? { kind: 'application', row } : { kind: 'new', id: record.id, entity: 'application' };
    }
    if (record.field === 'adaptation') {
      const row = await trx<AdaptationWithUrlRow>('adaptations').where('id', record.id).first();
      return row ? { kind: 'adaptation', row } : { kind: 'new', id: record.id, entity: 'adaptation' };
    }
    return `url: points at a ${record.field} of the graph, not at software`;
  }
  const application = await trx<ApplicationRow>('applications').where('repository_url', url).first();
  if (application) return { kind: 'application', row: application };
  const adaptation = await trx<AdaptationWithUrlRow>('adaptations').where('repository_url', url).first();
  if (adaptation) return { kind: 'adaptation', row: adaptation };
  return { kind: 'new', id: null, entity: null };
}

/** The applications a document's `isBasedOn` names; an adaptation named there is a problem. */
async function resolveBases(
  trx: Knex.Transaction,
  urls: readonly string[],
): Promise<{ applications: ApplicationRow[]; unknown: string[]; adaptations: string[] }> {
  const applications: ApplicationRow[] = [];
  const unknown: string[] = [];
  const adaptations: string[] = [];
  for (const url of urls) {
    const found = await findByUrl(trx, url);
    if (typeof found !== 'string' && found.kind === 'application') {
      if (!applications.some((row) => row.id === found.row.id)) applications.push(found.row);
    } else if (typeof found !== 'string' && found.kind === 'adaptation') adaptations.push(found.row.id);
    else unknown.push(url);
  }
  return { applications, unknown, adaptations };
}

/** Cities named in a list, by exact name (case-insensitive): the matched ids and the names left over. */
function matchCities(directory: LeagueDirectory, names: readonly string[]): { ids: string[]; unmatched: string[] } {
  const ids: string[] = [];
  const unmatched: string[] = [];
  for (const name of names) {
    const city = directory.cities.find((candidate) => sameName(candidate.name, name));
    if (city) {
      if (!ids.includes(city.id)) ids.push(city.id);
    } else unmatched.push(name);
  }
  return { ids, unmatched };
}

const sameUri = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/** The protocol cooperative an organisation is: by record URL, by website, then by exact name. */
function matchCooperative(directory: LeagueDirectory, organisation: PubliccodeOrganisation): string | null {
  const record = parseRecordUrl(organisation.uri);
  if (record) {
    if (record.field !== 'protocolCooperative') return null;
    return directory.protocolCooperatives.some((coop) => coop.id === record.id) ? record.id : null;
  }
  const byWebsite = directory.protocolCooperatives.find(
    (coop) => coop.website && sameUri(coop.website, organisation.uri),
  );
  if (byWebsite) return byWebsite.id;
  const name = organisation.name;
  return name ? (directory.protocolCooperatives.find((coop) => sameName(coop.name, name))?.id ?? null) : null;
}

/** The city an organisation is: by record URL, then by exact name. */
function matchCity(directory: LeagueDirectory, organisation: PubliccodeOrganisation): string | null {
  const record = parseRecordUrl(organisation.uri);
  if (record) {
    if (record.field !== 'city') return null;
    return directory.cities.some((city) => city.id === record.id) ? record.id : null;
  }
  const name = organisation.name;
  return name ? (directory.cities.find((city) => sameName(city.name, name))?.id ?? null) : null;
}

const describeOrganisation = (organisation: PubliccodeOrganisation) =>
  organisation.name ? `"${organisation.name}" (${organisation.uri})` : organisation.uri;

const keysOfRow = (row: ApplicationPubliccodeRow): PubliccodeKeys => ({
  developmentStatus: row.development_status,
  softwareType: row.software_type,
  platforms: JSON.parse(row.platforms) as string[],
  categories: JSON.parse(row.categories) as string[],
  maintenanceType: row.maintenance_type,
  localisationReady: Boolean(row.localisation_ready),
  availableLanguages: JSON.parse(row.available_languages) as string[],
  descriptionLanguage: row.description_language,
});

const rowOfKeys = (applicationId: string, keys: PubliccodeKeys): ApplicationPubliccodeRow => ({
  application_id: applicationId,
  development_status: keys.developmentStatus,
  software_type: keys.softwareType,
  platforms: JSON.stringify(keys.platforms),
  categories: JSON.stringify(keys.categories),
  maintenance_type: keys.maintenanceType,
  localisation_ready: keys.localisationReady,
  available_languages: JSON.stringify(keys.availableLanguages),
  description_language: keys.descriptionLanguage,
});

const keysOfDocument = (doc: PubliccodeDocument): PubliccodeKeys => ({
  developmentStatus: doc.developmentStatus,
  softwareType: doc.softwareType,
  platforms: doc.platforms,
  categories: doc.categories,
  maintenanceType: doc.maintenanceType,
  localisationReady: doc.localisationReady,
  availableLanguages: doc.availableLanguages,
  descriptionLanguage: doc.descriptionLanguage,
});

/** The newest release of an application, as exports name it: latest day, then highest id. */
async function newestRelease(db: Knex | Knex.Transaction, applicationId: string): Promise<ReleaseRow | undefined> {
  return db<ReleaseRow>('releases')
    .where('application_id', applicationId)
    .orderBy([
      { column: 'released_on', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
}

/**
 * Imports one checked document in one transaction and reports what it did. A rejected
 * document changes nothing; the reason names every problem found.
 */
export async function importPubliccodeDocument(
  db: Knex,
  doc: PubliccodeDocument,
  options: PubliccodeImportOptions,
): Promise<RecordReport> {
  const report: RecordReport = { key: doc.url, status: 'unchanged', notes: [] };
  try {
    await db.transaction(async (trx) => {
      const found = await findByUrl(trx, doc.url);
      if (typeof found === 'string') throw new Rejection(found);
      if (found.kind === 'application') {
        await applyApplication(trx, doc, found.row, found.row.id, options, report);
        return;
      }
      if (found.kind === 'adaptation') {
        await applyAdaptation(trx, doc, found.row, found.row.id, null, options, report);
        return;
      }
      if (found.entity !== 'application' && doc.isBasedOn.length > 0) {
        const bases = await resolveBases(trx, doc.isBasedOn);
        if (bases.adaptations.length > 0) {
          throw new Rejection(
            `isBasedOn: names the local adaptation ${bases.adaptations.join(', ')}; an adaptation is based on an application, so name the application's url`,
          );
        }
        if (bases.applications.length > 1) {
          throw new Rejection(
            `isBasedOn: names ${bases.applications.length} applications (${bases.applications.map((row) => row.id).join(', ')}); an adaptation adapts one`,
          );
        }
        if (bases.applications.length === 1) {
          await applyAdaptation(trx, doc, null, found.id, bases.applications[0]!, options, report);
          return;
        }
        if (found.entity === 'adaptation') {
          throw new Rejection(`isBasedOn: names no application of the depository (${bases.unknown.join(', ')})`);
        }
        report.notes.push(
          `isBasedOn ${bases.unknown.join(', ')} is not in the depository: imported as an application of its own`,
        );
      } else if (found.entity === 'adaptation') {
        throw new Rejection('isBasedOn: missing: a new local adaptation must name the application it adapts');
      }
      await applyApplication(trx, doc, null, found.id, options, report);
    });
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return { key: doc.url, status: 'rejected', reason: error.message, notes: [], entity: report.entity };
  }
  return report;
}

/** A problem that rejects the document: thrown inside its transaction, so nothing is kept. */
class Rejection extends Error {}

async function applyApplication(
  trx: Knex.Transaction,
  doc: PubliccodeDocument,
  stored: ApplicationRow | null,
  givenId: string | null,
  options: PubliccodeImportOptions,
  report: RecordReport,
): Promise<void> {
  const { directory } = options;
  const problems: string[] = [];
  const changed: string[] = [];

  let stewardId = stored?.steward_id ?? null;
  if (doc.organisation) {
    const match = matchCooperative(directory, doc.organisation);
    if (match) stewardId = match;
    else
      report.notes.push(
        `organisation ${describeOrganisation(doc.organisation)} is no known protocol cooperative: steward not set`,
      );
  }
  const funders: string[] = [];
  for (const organisation of doc.fundedBy) {
    const match = matchCooperative(directory, organisation);
    if (match) {
      if (!funders.includes(match)) funders.push(match);
    } else
      report.notes.push(`fundedBy ${describeOrganisation(organisation)} is no known protocol cooperative: not linked`);
  }
  const users = matchCities(directory, doc.usedBy);
  for (const name of users.unmatched) report.notes.push(`usedBy "${name}" matches no city: not linked`);
  if (!directory.available && (doc.usedBy.length > 0 || doc.fundedBy.length > 0 || doc.organisation)) {
    report.notes.push('the league database holds no cities or protocol cooperatives: nothing could be matched');
  }
  for (const id of doc.deprecatedLicenceIds) report.notes.push(`legal.license uses the deprecated SPDX id ${id}`);

  let domain = stored?.domain ?? null;
  if (!stored) {
    domain = domainOfScope(doc.scope) ?? options.domain ?? null;
    if (!domain) {
      problems.push(
        'domain: the document names no provisioning domain (intendedAudience.scope has none of transportation, energy, agriculture, welfare, healthcare, or names several); give one with --domain',
      );
    }
  }

  const fields = {
    name: doc.name,
    summary: doc.summary,
    license: doc.license,
    repository_url: storedUrl(doc.url),
    website: doc.landingUrl,
    steward_id: stewardId,
  };
  let id = stored?.id ?? givenId;
  if (stored) {
    for (const [column, value] of Object.entries(fields)) {
      if (stored[column as keyof ApplicationRow] !== value) changed.push(column);
    }
  } else if (!id) {
    const taken = new Set((await trx('applications').select('id')).map((row: { id: string }) => row.id));
    const fromName = freeSlug(doc.name, (candidate) => taken.has(candidate), 64);
    id =
      fromName === 'record' ? freeSlug(new URL(doc.url).pathname, (candidate) => taken.has(candidate), 64) : fromName;
  }

  if (doc.softwareVersion && doc.releaseDate) {
    const release = await trx<ReleaseRow>('releases').where('id', `${id}@${doc.softwareVersion}`).first();
    if (release && release.released_on !== doc.releaseDate) {
      problems.push(
        `releaseDate: release ${doc.softwareVersion} is recorded as released on ${release.released_on}, the document says ${doc.releaseDate}; a version is never rewritten`,
      );
    }
  }
  if (problems.length > 0) throw new Rejection(problems.join('; '));

  report.entity = `CommonsApplication ${id}`;
  if (!stored) {
    await w.insertApplication(trx, { id: id!, ...fields, domain: domain!, founded_year: null, illustrative: false });
  } else if (changed.length > 0) {
    await w.updateApplication(trx, id!, fields);
  }
  if (doc.softwareVersion && doc.releaseDate) {
    const inserted = await w.insertRelease(trx, {
      application_id: id!,
      version: doc.softwareVersion,
      released_on: doc.releaseDate,
      notes: `Release ${doc.softwareVersion}, as stated by the application's publiccode.yml.`,
    });
    if (inserted && stored) changed.push(`release ${doc.softwareVersion}`);
  }
  // Only keys that differ from what an export would write anyway are stored, so a record
  // that never had a publiccode.yml of its own round-trips without gaining a row.
  const keys = keysOfDocument(doc);
  const isDefault = sameKeys(defaultKeys((await newestRelease(trx, id!))?.version ?? null), keys);
  const storedKeys = await trx<ApplicationPubliccodeRow>('application_publiccode').where('application_id', id!).first();
  if (storedKeys ? isDefault || !sameKeys(keysOfRow(storedKeys), keys) : !isDefault) {
    await w.storePubliccodeKeys(trx, id!, isDefault ? null : rowOfKeys(id!, keys), Boolean(storedKeys));
    if (stored) changed.push('publiccode keys');
  }
  if (await w.replaceApplicationLinks(trx, 'application_users', 'city_id', id!, users.ids)) changed.push('usedBy');
  if (await w.replaceApplicationLinks(trx, 'application_funders', 'protocol_cooperative_id', id!, funders)) {
    changed.push('fundedBy');
  }

  if (!stored) report.status = 'created';
  else if (changed.length > 0) {
    report.status = 'updated';
    report.notes.unshift(`changed: ${changed.join(', ')}`);
  }
}

async function applyAdaptation(
  trx: Knex.Transaction,
  doc: PubliccodeDocument,
  stored: AdaptationWithUrlRow | null,
  givenId: string | null,
  base: ApplicationRow | null,
  options: PubliccodeImportOptions,
  report: RecordReport,
): Promise<void> {
  const { directory } = options;
  const problems: string[] = [];
  const changed: string[] = [];
  const application = base ?? (await trx<ApplicationRow>('applications').where('id', stored!.application_id).first())!;

  if (stored && doc.isBasedOn.length > 0) {
    const bases = await resolveBases(trx, doc.isBasedOn);
    if (!bases.applications.some((row) => row.id === stored.application_id)) {
      problems.push(
        `isBasedOn: the adaptation adapts ${stored.application_id}; the document names ${doc.isBasedOn.join(', ')}, and the application adapted does not change`,
      );
    }
  }
  let cityId = stored?.city_id ?? null;
  if (doc.organisation) {
    const match = matchCity(directory, doc.organisation);
    if (!match) problems.push(`organisation: ${describeOrganisation(doc.organisation)} is no known city`);
    else if (stored && match !== stored.city_id) {
      problems.push(
        `organisation: the adaptation was made by ${stored.city_id}, not ${match}; the city that made it does not change`,
      );
    } else cityId = match;
  } else if (!stored) {
    problems.push(
      'organisation: missing: a new local adaptation must name the city that made it (organisation.name or uri)',
    );
  }
  if (problems.length > 0) throw new Rejection(problems.join('; '));

  if (doc.license !== application.license) {
    report.notes.push(
      `legal.license ${doc.license} differs from ${application.id}'s ${application.license}: adaptations carry their application's licence, not stored`,
    );
  }
  if (doc.softwareVersion) report.notes.push('softwareVersion is not recorded: releases belong to applications');
  const users = matchCities(directory, doc.usedBy);
  for (const name of users.unmatched) report.notes.push(`usedBy "${name}" matches no city: not linked`);

  const fields = { title: doc.name, description: doc.summary, repository_url: storedUrl(doc.url) };
  let id = stored?.id ?? givenId;
  if (stored) {
    for (const [column, value] of Object.entries(fields)) {
      if (stored[column as keyof AdaptationWithUrlRow] !== value) changed.push(column);
    }
    if (changed.length > 0) await w.updateAdaptation(trx, id!, fields);
  } else {
    const inserted = await w.insertAdaptation(
      trx,
      {
        application_id: application.id,
        city_id: cityId!,
        ...fields,
        status: 'LOCAL',
        created_on: toDay(options.now ?? new Date()),
      },
      id ?? undefined,
    );
    id = inserted.id;
  }
  report.entity = `LocalAdaptation ${id}`;
  // Adoptions are recorded by the cities themselves too, so an import adds and never removes them.
  const adopters = users.ids.filter((city) => city !== cityId);
  const adopted = new Set(
    (await trx('adaptation_adoptions').where('adaptation_id', id!).select('city_id')).map(
      (row: { city_id: string }) => row.city_id,
    ),
  );
  const newAdopters = adopters.filter((city) => !adopted.has(city));
  if (newAdopters.length > 0) {
    await w.insertAdoptions(trx, id!, newAdopters);
    changed.push('usedBy');
  }
  if (!stored) report.status = 'created';
  else if (changed.length > 0) {
    report.status = 'updated';
    report.notes.unshift(`changed: ${changed.join(', ')}`);
  }
}

/** One exported record: which entity, its id, and the document to write. */
export interface PubliccodeExportRecord {
  entity: 'application' | 'adaptation';
  id: string;
  document: PubliccodeExport;
}

/**
 * Reads every application and adaptation (or those with the given ids) as the documents an
 * export writes. City and protocol-cooperative names come from the league directory; a
 * record without a public repository gets the graph's record URL at `baseUrl`.
 */
export async function loadPubliccodeExports(
  db: Knex,
  directory: LeagueDirectory,
  baseUrl: string,
  ids?: readonly string[],
): Promise<PubliccodeExportRecord[]> {
  const applicationQuery = db<ApplicationRow>('applications').orderBy('id');
  const adaptationQuery = db<AdaptationWithUrlRow>('adaptations').orderBy('id');
  if (ids) {
    applicationQuery.whereIn('id', ids);
    adaptationQuery.whereIn('id', ids);
  }
  const [applications, adaptations] = await Promise.all([applicationQuery, adaptationQuery]);
  const cityName = (id: string) => directory.cities.find((city) => city.id === id)?.name ?? id;
  const cooperative = (id: string): PubliccodeOrganisation => {
    const coop = directory.protocolCooperatives.find((candidate) => candidate.id === id);
    return { uri: coop?.website ?? recordUrl(baseUrl, 'protocolCooperative', id), name: coop?.name ?? null };
  };
  const applicationUrl = (row: ApplicationRow) => row.repository_url ?? recordUrl(baseUrl, 'application', row.id);

  const keysOf = async (row: ApplicationRow): Promise<PubliccodeKeys> => {
    const stored = await db<ApplicationPubliccodeRow>('application_publiccode').where('application_id', row.id).first();
    return stored ? keysOfRow(stored) : defaultKeys((await newestRelease(db, row.id))?.version ?? null);
  };

  const records: PubliccodeExportRecord[] = [];
  for (const row of applications) {
    const release = await newestRelease(db, row.id);
    const users = await db<ApplicationUserRow>('application_users').where('application_id', row.id).orderBy('city_id');
    const funders = await db<ApplicationFunderRow>('application_funders')
      .where('application_id', row.id)
      .orderBy('protocol_cooperative_id');
    records.push({
      entity: 'application',
      id: row.id,
      document: {
        name: row.name,
        url: applicationUrl(row),
        landingUrl: row.website,
        isBasedOn: null,
        release: release ? { version: release.version, releasedOn: release.released_on } : null,
        keys: await keysOf(row),
        usedBy: users.map((user) => cityName(user.city_id)),
        fundedBy: funders.map((funder) => cooperative(funder.protocol_cooperative_id)),
        organisation: row.steward_id ? cooperative(row.steward_id) : null,
        scope: scopeOfDomain(row.domain),
        summary: row.summary,
        license: row.license,
      },
    });
  }
  for (const row of adaptations) {
    const application = (await db<ApplicationRow>('applications').where('id', row.application_id).first())!;
    const adopters = await db('adaptation_adoptions')
      .where('adaptation_id', row.id)
      .orderBy('city_id')
      .select('city_id');
    const keys = await keysOf(application);
    records.push({
      entity: 'adaptation',
      id: row.id,
      document: {
        name: row.title,
        url: row.repository_url ?? recordUrl(baseUrl, 'adaptation', row.id),
        landingUrl: null,
        isBasedOn: applicationUrl(application),
        release: null,
        // An adaptation runs where its application runs: the application's keys, categories aside.
        keys: { ...keys, categories: [], descriptionLanguage: 'en' },
        usedBy: [row.city_id, ...adopters.map((adopter: { city_id: string }) => adopter.city_id)].map(cityName),
        fundedBy: [],
        organisation: { uri: recordUrl(baseUrl, 'city', row.city_id), name: cityName(row.city_id) },
        scope: null,
        summary: row.description,
        license: application.license,
      },
    });
  }
  return records;
}
