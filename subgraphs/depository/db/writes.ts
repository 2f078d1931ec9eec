/**
 * Writes of the depository database. Each runs in one transaction: every check that needs
 * the database happens inside it, so a refused write changes nothing.
 */
import type { Knex } from 'knex';
import { BadInputError, NotFoundError } from '../../../lib/errors.js';
import type { AdaptationRow, ReleaseRow } from './tables.js';

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
    // The id holds the version, so the primary key itself refuses a duplicate, even a concurrent one.
    const inserted: ReleaseRow[] = await trx('releases')
      .insert({ id: `${release.application_id}@${release.version}`, ...release })
      .onConflict('id')
      .ignore()
      .returning('*');
    if (!inserted[0]) {
      throw new BadInputError(
        'input.version',
        `"${release.application_id}" already has a release ${release.version}; versions are never reused.`,
      );
    }
    return inserted[0];
  });
}

/** Lowercase ASCII slug of any text: accents dropped, every other run of non-alphanumerics a hyphen. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A checked adaptation, ready to store; `proposeAdaptation` gives it its id. */
export type NewAdaptation = Omit<AdaptationRow, 'id' | 'illustrative'>;

/**
 * Stores a city's adaptation of an existing application. Its id is the slug of
 * `<city>-<application>-<title>` (cut to 58 characters), with `-2`, `-3`, ... when taken;
 * the insert skips an id a concurrent write took first and tries the next.
 */
export function proposeAdaptation(db: Knex, adaptation: NewAdaptation): Promise<AdaptationRow> {
  return db.transaction(async (trx) => {
    await requireApplication(trx, adaptation.application_id);
    const base = slugify(`${adaptation.city_id}-${adaptation.application_id}-${adaptation.title}`)
      .slice(0, ADAPTATION_ID_BASE_LENGTH)
      .replace(/-+$/, '');
    for (let n = 1; ; n++) {
      const inserted: AdaptationRow[] = await trx('adaptations')
        .insert({ id: n === 1 ? base : `${base}-${n}`, ...adaptation })
        .onConflict('id')
        .ignore()
        .returning('*');
      if (inserted[0]) return inserted[0];
    }
  });
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
