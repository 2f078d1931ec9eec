import type { Knex } from 'knex';
import type { Connection, Page } from '../../../lib/pagination.js';
import { paginate } from '../../../lib/pagination.js';
import type { CityRow, LeagueRow, PledgeRow, ProtocolCooperativeRow } from './tables.js';

/** Criteria of the `cities` list. */
export interface CityFilter {
  countryCode?: string | null;
  leagueId?: string | null;
  nameContains?: string | null;
  minPopulation?: number | null;
}

export function citiesByIds(db: Knex, ids: readonly string[]): Promise<CityRow[]> {
  return db<CityRow>('cities').whereIn('id', ids);
}

export function listCities(db: Knex, page: Page, filter: CityFilter = {}): Promise<Connection<CityRow>> {
  return paginate<CityRow>(db, 'cities', page, (query) => {
    if (filter.countryCode) query.where('cities.country_code', filter.countryCode.toUpperCase());
    if (filter.minPopulation != null) query.where('cities.population', '>=', filter.minPopulation);
    if (filter.nameContains) {
      // The user's text is matched literally: % and _ are not wildcards here.
      const escaped = filter.nameContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      query.whereRaw(`lower(cities.name) like ? escape '\\'`, [`%${escaped}%`]);
    }
    if (filter.leagueId) {
      query.whereIn('cities.id', db('league_members').select('city_id').where('league_id', filter.leagueId));
    }
    return query;
  });
}

export function leaguesByIds(db: Knex, ids: readonly string[]): Promise<LeagueRow[]> {
  return db<LeagueRow>('leagues').whereIn('id', ids);
}

export function listLeagues(db: Knex, page: Page): Promise<Connection<LeagueRow>> {
  return paginate<LeagueRow>(db, 'leagues', page);
}

/** League memberships of the given cities, for grouping by city. */
export function leaguesOfCities(db: Knex, cityIds: readonly string[]): Promise<(LeagueRow & { city_id: string })[]> {
  return db('leagues')
    .join('league_members', 'league_members.league_id', 'leagues.id')
    .whereIn('league_members.city_id', cityIds)
    .select('leagues.*', 'league_members.city_id')
    .orderBy('leagues.id');
}

/** Member cities of the given leagues, for grouping by league. */
export function membersOfLeagues(db: Knex, leagueIds: readonly string[]): Promise<(CityRow & { league_id: string })[]> {
  return db('cities')
    .join('league_members', 'league_members.city_id', 'cities.id')
    .whereIn('league_members.league_id', leagueIds)
    .select('cities.*', 'league_members.league_id')
    .orderBy('cities.id');
}

export function protocolCooperativesByIds(db: Knex, ids: readonly string[]): Promise<ProtocolCooperativeRow[]> {
  return db<ProtocolCooperativeRow>('protocol_cooperatives').whereIn('id', ids);
}

export function listProtocolCooperatives(db: Knex, page: Page): Promise<Connection<ProtocolCooperativeRow>> {
  return paginate<ProtocolCooperativeRow>(db, 'protocol_cooperatives', page);
}

/** Protocol co-ops funded by the given leagues, for grouping by league. */
export function protocolCooperativesOfLeagues(
  db: Knex,
  leagueIds: readonly string[],
): Promise<(ProtocolCooperativeRow & { league_id: string })[]> {
  return db('protocol_cooperatives')
    .join('protocol_cooperative_funders as f', 'f.protocol_cooperative_id', 'protocol_cooperatives.id')
    .whereIn('f.league_id', leagueIds)
    .select('protocol_cooperatives.*', 'f.league_id')
    .orderBy('protocol_cooperatives.id');
}

/** Leagues funding the given protocol co-ops, for grouping by co-op. */
export function fundersOfProtocolCooperatives(
  db: Knex,
  cooperativeIds: readonly string[],
): Promise<(LeagueRow & { protocol_cooperative_id: string })[]> {
  return db('leagues')
    .join('protocol_cooperative_funders as f', 'f.league_id', 'leagues.id')
    .whereIn('f.protocol_cooperative_id', cooperativeIds)
    .select('leagues.*', 'f.protocol_cooperative_id')
    .orderBy('leagues.id');
}

export function pledgesByIds(db: Knex, ids: readonly string[]): Promise<PledgeRow[]> {
  return db<PledgeRow>('pledges').whereIn('id', ids);
}

/** Pledges whose `column` is one of `values`, newest year first. */
export function pledgesWhere(
  db: Knex,
  column: 'city_id' | 'protocol_cooperative_id' | 'application_id',
  values: readonly string[],
): Promise<PledgeRow[]> {
  return db<PledgeRow>('pledges')
    .whereIn(column, values)
    .orderBy([{ column: 'year', order: 'desc' }, 'id']);
}
