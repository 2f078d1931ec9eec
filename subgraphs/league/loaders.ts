import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { byKeys, groupByKeys } from '../../lib/db.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import * as q from './db/queries.js';

/** One DataLoader set per request: every list and reference below costs one query per batch. */
export function createLoaders(db: Knex) {
  return {
    city: new DataLoader((ids: readonly string[]) =>
      q.citiesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    league: new DataLoader((ids: readonly string[]) =>
      q.leaguesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    protocolCooperative: new DataLoader((ids: readonly string[]) =>
      q.protocolCooperativesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    pledge: new DataLoader((ids: readonly string[]) =>
      q.pledgesByIds(db, ids).then((rows) => byKeys(ids, rows, (r) => r.id)),
    ),
    leaguesOfCity: new DataLoader((ids: readonly string[]) =>
      q.leaguesOfCities(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.city_id)),
    ),
    membersOfLeague: new DataLoader((ids: readonly string[]) =>
      q.membersOfLeagues(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.league_id)),
    ),
    protocolCooperativesOfLeague: new DataLoader((ids: readonly string[]) =>
      q.protocolCooperativesOfLeagues(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.league_id)),
    ),
    fundersOfProtocolCooperative: new DataLoader((ids: readonly string[]) =>
      q.fundersOfProtocolCooperatives(db, ids).then((rows) => groupByKeys(ids, rows, (r) => r.protocol_cooperative_id)),
    ),
    pledgesOfCity: new DataLoader((ids: readonly string[]) =>
      q.pledgesWhere(db, 'city_id', ids).then((rows) => groupByKeys(ids, rows, (r) => r.city_id)),
    ),
    pledgesOfProtocolCooperative: new DataLoader((ids: readonly string[]) =>
      q
        .pledgesWhere(db, 'protocol_cooperative_id', ids)
        .then((rows) => groupByKeys(ids, rows, (r) => r.protocol_cooperative_id)),
    ),
    pledgesOfApplication: new DataLoader((ids: readonly string[]) =>
      q.pledgesWhere(db, 'application_id', ids).then((rows) => groupByKeys(ids, rows, (r) => r.application_id ?? '')),
    ),
  };
}

export type LeagueLoaders = ReturnType<typeof createLoaders>;

/** What every league resolver receives as its context (the generated resolver types name it). */
export type LeagueContext = SubgraphContext<LeagueLoaders>;
