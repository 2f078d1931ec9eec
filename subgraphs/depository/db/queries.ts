import type { Knex } from 'knex';
import type { Connection, Page } from '../../../lib/pagination.js';
import { paginate } from '../../../lib/pagination.js';
import type { AdaptationRow, ApplicationFunderRow, ApplicationRow, ApplicationUserRow, ReleaseRow } from './tables.js';

export function applicationsByIds(db: Knex, ids: readonly string[]): Promise<ApplicationRow[]> {
  return db<ApplicationRow>('applications').whereIn('id', ids);
}

/** Applications ordered by id, only those of `domain` when given. */
export function listApplications(db: Knex, page: Page, domain?: string | null): Promise<Connection<ApplicationRow>> {
  return paginate<ApplicationRow & Record<string, unknown>>(db, 'applications', page, (query) =>
    domain ? query.where('applications.domain', domain) : query,
  );
}

/** Applications stewarded by the given protocol co-ops, ordered by id, for grouping by steward. */
export function applicationsOfStewards(db: Knex, stewardIds: readonly string[]): Promise<ApplicationRow[]> {
  return db<ApplicationRow>('applications').whereIn('steward_id', stewardIds).orderBy('id');
}

export function releasesByIds(db: Knex, ids: readonly string[]): Promise<ReleaseRow[]> {
  return db<ReleaseRow>('releases').whereIn('id', ids);
}

/** Releases of the given applications, newest first (ISO dates sort as strings). */
export function releasesOfApplications(db: Knex, applicationIds: readonly string[]): Promise<ReleaseRow[]> {
  return db<ReleaseRow>('releases')
    .whereIn('application_id', applicationIds)
    .orderBy([
      { column: 'released_on', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
}

export function adaptationsByIds(db: Knex, ids: readonly string[]): Promise<AdaptationRow[]> {
  return db<AdaptationRow>('adaptations').whereIn('id', ids);
}

/** Adaptations whose `column` is one of `values`, ordered by id. */
export function adaptationsWhere(
  db: Knex,
  column: 'application_id' | 'city_id',
  values: readonly string[],
): Promise<AdaptationRow[]> {
  return db<AdaptationRow>('adaptations').whereIn(column, values).orderBy('id');
}

/** Adaptations the given cities adopted, ordered by id, with the adopting city for grouping. */
export function adaptationsAdoptedByCities(
  db: Knex,
  cityIds: readonly string[],
): Promise<(AdaptationRow & { adopter_city_id: string })[]> {
  return db('adaptations')
    .join('adaptation_adoptions as a', 'a.adaptation_id', 'adaptations.id')
    .whereIn('a.city_id', cityIds)
    .select('adaptations.*', 'a.city_id as adopter_city_id')
    .orderBy('adaptations.id');
}

/** Adoptions of the given adaptations, ordered by city id, for grouping by adaptation. */
export function adoptionsOfAdaptations(
  db: Knex,
  adaptationIds: readonly string[],
): Promise<{ adaptation_id: string; city_id: string }[]> {
  return db('adaptation_adoptions')
    .whereIn('adaptation_id', adaptationIds)
    .select('adaptation_id', 'city_id')
    .orderBy('city_id');
}

/** The cities each application's publiccode.yml names as users, ordered by city id, for grouping. */
export function usersOfApplications(db: Knex, applicationIds: readonly string[]): Promise<ApplicationUserRow[]> {
  return db<ApplicationUserRow>('application_users').whereIn('application_id', applicationIds).orderBy('city_id');
}

/** The protocol cooperatives each application's publiccode.yml names as funders, ordered by id, for grouping. */
export function fundersOfApplications(db: Knex, applicationIds: readonly string[]): Promise<ApplicationFunderRow[]> {
  return db<ApplicationFunderRow>('application_funders')
    .whereIn('application_id', applicationIds)
    .orderBy('protocol_cooperative_id');
}
