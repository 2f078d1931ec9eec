import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { byKeys, groupByKeys } from '../../lib/db.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import * as q from './db/queries.js';

/** One DataLoader set per request: every list and reference below costs one query per batch. */
export function createLoaders(db: Knex) {
  return {
    application: new DataLoader((ids: readonly string[]) =>
      q.applicationsByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    release: new DataLoader((ids: readonly string[]) =>
      q.releasesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    adaptation: new DataLoader((ids: readonly string[]) =>
      q.adaptationsByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    applicationsOfSteward: new DataLoader((ids: readonly string[]) =>
      q.applicationsOfStewards(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.steward_id ?? '')),
    ),
    releasesOfApplication: new DataLoader((ids: readonly string[]) =>
      q.releasesOfApplications(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.application_id)),
    ),
    adaptationsOfApplication: new DataLoader((ids: readonly string[]) =>
      q.adaptationsWhere(db, 'application_id', ids).then((rows) => groupByKeys(ids, rows, (r) => r.application_id)),
    ),
    adaptationsOfCity: new DataLoader((ids: readonly string[]) =>
      q.adaptationsWhere(db, 'city_id', ids).then((rows) => groupByKeys(ids, rows, (r) => r.city_id)),
    ),
    adoptedAdaptationsOfCity: new DataLoader((ids: readonly string[]) =>
      q.adaptationsAdoptedByCities(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.adopter_city_id)),
    ),
    userIdsOfApplication: new DataLoader((ids: readonly string[]) =>
      q
        .usersOfApplications(db, ids)
        .then((rows) => groupByKeys(ids, rows, (r) => r.application_id).map((group) => group.map((r) => r.city_id))),
    ),
    funderIdsOfApplication: new DataLoader((ids: readonly string[]) =>
      q
        .fundersOfApplications(db, ids)
        .then((rows) =>
          groupByKeys(ids, rows, (r) => r.application_id).map((group) => group.map((r) => r.protocol_cooperative_id)),
        ),
    ),
    adopterIdsOfAdaptation: new DataLoader((ids: readonly string[]) =>
      q
        .adoptionsOfAdaptations(db, ids)
        .then((rows) => groupByKeys(ids, rows, (r) => r.adaptation_id).map((group) => group.map((r) => r.city_id))),
    ),
  };
}

export type DepositoryLoaders = ReturnType<typeof createLoaders>;

/** What every depository resolver receives as its context (the generated resolver types name it). */
export type DepositoryContext = SubgraphContext<DepositoryLoaders>;
