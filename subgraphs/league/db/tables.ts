/** Row types of the league database, one per table, exactly as stored. */

export interface CityRow {
  id: string;
  name: string;
  country_code: string;
  population: number;
  population_year: number;
  population_source: string;
  latitude: number;
  longitude: number;
}

export interface LeagueRow {
  id: string;
  name: string;
  description: string;
  founded_year: number | null;
  website: string | null;
  illustrative: boolean | number;
}

export interface LeagueMemberRow {
  league_id: string;
  city_id: string;
}

export interface ProtocolCooperativeRow {
  id: string;
  name: string;
  description: string;
  website: string | null;
  founded_year: number | null;
  city_id: string | null;
  illustrative: boolean | number;
}

export interface ProtocolCooperativeFunderRow {
  league_id: string;
  protocol_cooperative_id: string;
}

export interface PledgeRow {
  id: string;
  city_id: string;
  protocol_cooperative_id: string;
  application_id: string | null;
  amount_eur: number;
  year: number;
  purpose: string;
  /** Not a public fact (migration 0002); recorded pledges are false. */
  illustrative: boolean | number;
}
