/**
 * Every write of the depository database: the mutations and the publiccode.yml importer call
 * the same operations. The mutation-facing ones run in one transaction each, so every check
 * that needs the database happens inside it and a refused write changes nothing; the
 * operations taking a transaction first are the steps the importer composes in its own. The
 * bulk inserts at the end load rows known to be valid (the seed world), in chunks.
 */
import type { Knex } from 'knex';
import { insertInChunks } from '../../../lib/db.js';
import { BadInputError, NotFoundError } from '../../../lib/errors.js';
import { slugOf } from '../../../lib/interop.js';
import type { AdaptationWithUrlRow, ApplicationPubliccodeRow } from '../interop/tables.js';
import type { AdaptationRow, ApplicationRow, ReleaseRow } from './tables.js';

type Db = Knex | Knex.Transaction;

/** Longest generated adaptation id before a `-<n>` suffix, so ids stay within 64 characters. */
const ADAPTATION_ID_BASE_LENGTH = 58;

async function requireApplication(trx: Knex.Transaction, applicationId: string): Promise<void> {
  if (!(await trx('applications').where('id', applicationId).first('id'))) {
    throw new NotFoundError('input.applicationId', `no commons application has id "${applicationId}".`);
  }
}

/** A checked release, ready to store; its id is `<application>@<version>`. */
export type NewRelease = Omit<ReleaseRow, 'id'>;

/** Stores a release of an existing application; a version the application already has is refused. */
export function publishRelease(db: Knex, release: NewRelease): Promise<ReleaseRow> {
  return db.transaction(async (trx) => {
    await requireApplication(trx, release.application_id);
    const inserted = await insertRelease(trx, release);
    if (!inserted) {
      throw new BadInputError(
        'input.version',
        `"${release.application_id}" already has a release ${release.version}; versions are never reused.`,
      );
    }
    return inserted;
  });
}

/**
 * Inserts a release unless its version is already stored; the stored row, or null when the
 * version was there. The id holds the version, so the primary key itself refuses a duplicate,
 * even a concurrent one.
 */
export async function insertRelease(db: Db, release: NewRelease): Promise<ReleaseRow | null> {
  const inserted: ReleaseRow[] = await db('releases')
    .insert({ id: `${release.application_id}@${release.version}`, ...release })
    .onConflict('id')
    .ignore()
    .returning('*');
  return inserted[0] ?? null;
}

/** A checked adaptation, ready to store; `insertAdaptation` gives it its id. */
export type NewAdaptation = Omit<AdaptationRow, 'id' | 'illustrative'> & { repository_url?: string | null };

/** Stores a city's adaptation of an existing application (the `proposeAdaptation` mutation). */
export function proposeAdaptation(db: Knex, adaptation: NewAdaptation): Promise<AdaptationRow> {
  return db.transaction(async (trx) => {
    await requireApplication(trx, adaptation.application_id);
    return insertAdaptation(trx, adaptation);
  });
}

/**
 * Inserts an adaptation. Unless `id` is given, its id is the slug of
 * `<city>-<application>-<title>` (cut to 58 characters), with `-2`, `-3`, ... when taken; the
 * insert skips an id a concurrent write took first and tries the next.
 */
export async function insertAdaptation(db: Db, adaptation: NewAdaptation, id?: string): Promise<AdaptationRow> {
  if (id) {
    const [row]: AdaptationRow[] = await db('adaptations')
      .insert({ id, ...adaptation })
      .returning('*');
    return row!;
  }
  const base = slugOf(`${adaptation.city_id}-${adaptation.application_id}-${adaptation.title}`)
    .slice(0, ADAPTATION_ID_BASE_LENGTH)
    .replace(/-+$/, '');
  for (let n = 1; ; n++) {
    const inserted: AdaptationRow[] = await db('adaptations')
      .insert({ id: n === 1 ? base : `${base}-${n}`, ...adaptation })
      .onConflict('id')
      .ignore()
      .returning('*');
    if (inserted[0]) return inserted[0];
  }
}

/** Rewrites an adaptation's title, description and repository URL (the importer's update). */
export async function updateAdaptation(
  db: Db,
  id: string,
  fields: Pick<AdaptationWithUrlRow, 'title' | 'description' | 'repository_url'>,
): Promise<void> {
  await db('adaptations').where('id', id).update(fields);
}

/** Records that cities adopted an adaptation; the ids given must not be stored yet. */
export async function insertAdoptions(db: Db, adaptationId: string, cityIds: readonly string[]): Promise<void> {
  if (cityIds.length === 0) return;
  await db('adaptation_adoptions').insert(cityIds.map((cityId) => ({ adaptation_id: adaptationId, city_id: cityId })));
}

/** Inserts an application (the importer creates them; no mutation does). */
export async function insertApplication(db: Db, application: ApplicationRow): Promise<void> {
  await db<ApplicationRow>('applications').insert(application);
}

/** The application columns a publiccode.yml document rewrites. */
export type ApplicationFields = Pick<
  ApplicationRow,
  'name' | 'summary' | 'license' | 'repository_url' | 'website' | 'steward_id'
>;

/** Rewrites an application's descriptive columns. */
export async function updateApplication(db: Db, id: string, fields: ApplicationFields): Promise<void> {
  await db('applications').where('id', id).update(fields);
}

/**
 * Makes an application's publiccode.yml keys `keys`, or removes its row when `keys` is null
 * (what an export would write anyway is not stored).
 */
export async function storePubliccodeKeys(
  db: Db,
  applicationId: string,
  keys: ApplicationPubliccodeRow | null,
  stored: boolean,
): Promise<void> {
  const rows = db('application_publiccode').where('application_id', applicationId);
  if (!keys) {
    if (stored) await rows.delete();
  } else if (stored) await rows.update(keys);
  else await db('application_publiccode').insert(keys);
}

/** Replaces a set of link rows of one application; true when it changed anything. */
export async function replaceApplicationLinks(
  db: Db,
  table: 'application_users' | 'application_funders',
  column: 'city_id' | 'protocol_cooperative_id',
  applicationId: string,
  wanted: readonly string[],
): Promise<boolean> {
  const stored = (await db(table).where('application_id', applicationId).select(column)).map(
    (row: Record<string, string>) => row[column]!,
  );
  const toRemove = stored.filter((id) => !wanted.includes(id));
  const toAdd = wanted.filter((id) => !stored.includes(id));
  if (toRemove.length > 0) await db(table).where('application_id', applicationId).whereIn(column, toRemove).delete();
  if (toAdd.length > 0) await db(table).insert(toAdd.map((id) => ({ application_id: applicationId, [column]: id })));
  return toRemove.length + toAdd.length > 0;
}

/** The adaptation a write names; NotFoundError on `input.adaptationId` when there is none. */
export async function findAdaptation(db: Knex | Knex.Transaction, adaptationId: string): Promise<AdaptationRow> {
  const adaptation = await db<AdaptationRow>('adaptations').where('id', adaptationId).first();
  if (!adaptation) throw new NotFoundError('input.adaptationId', `no local adaptation has id "${adaptationId}".`);
  return adaptation;
}

/**
 * Records that a city adopted an adaptation made elsewhere. Idempotent: adopting again adds
 * no row and reports `newlyAdopted: false`.
 */
export function adoptAdaptation(
  db: Knex,
  adaptationId: string,
  cityId: string,
): Promise<{ adaptation: AdaptationRow; newlyAdopted: boolean }> {
  return db.transaction(async (trx) => {
    const adaptation = await findAdaptation(trx, adaptationId);
    if (adaptation.city_id === cityId) {
      throw new BadInputError(
        'input.adaptationId',
        `"${adaptationId}" was made by ${cityId} itself; a city adopts adaptations made elsewhere.`,
      );
    }
    const inserted = await trx('adaptation_adoptions')
      .insert({ adaptation_id: adaptationId, city_id: cityId })
      .onConflict(['adaptation_id', 'city_id'])
      .ignore()
      .returning('adaptation_id');
    return { adaptation, newlyAdopted: inserted.length > 0 };
  });
}

/**
 * Moves an adaptation from status `from` to `to`. The update only applies while the status
 * is still `from`, so two racing moves cannot both succeed.
 */
export function setAdaptationStatus(db: Knex, adaptationId: string, from: string, to: string): Promise<AdaptationRow> {
  return db.transaction(async (trx) => {
    const updated = await trx('adaptations').where({ id: adaptationId, status: from }).update({ status: to });
    if (updated === 0) {
      throw new BadInputError(
        'input.status',
        `"${adaptationId}" is no longer ${from}: another change came first; read it again and retry.`,
      );
    }
    return findAdaptation(trx, adaptationId);
  });
}

/** Inserts applications. */
export async function insertApplications(db: Db, rows: readonly ApplicationRow[]): Promise<void> {
  await insertInChunks(db, 'applications', rows);
}

/** Inserts releases with their ids given. */
export async function insertReleases(db: Db, rows: readonly ReleaseRow[]): Promise<void> {
  await insertInChunks(db, 'releases', rows);
}

/** Inserts adaptations with their ids given. */
export async function insertAdaptations(db: Db, rows: readonly AdaptationRow[]): Promise<void> {
  await insertInChunks(db, 'adaptations', rows);
}
