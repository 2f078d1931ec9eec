import type { Knex } from 'knex';
import {
  insertCities,
  insertLeagueMembers,
  insertLeagues,
  insertPledges,
  insertProtocolCooperativeFunders,
  insertProtocolCooperatives,
} from '../subgraphs/league/db/writes.js';
import type { World } from './world.js';

/** Writes the league layer of the seed world: cities, leagues, protocol co-ops, pledges. */
export async function seedLeague(db: Knex, world: World): Promise<void> {
  await db.transaction(async (trx) => {
    await insertCities(
      trx,
      world.cities.map((c) => ({
        id: c.id,
        name: c.name,
        country_code: c.countryCode,
        population: c.population,
        population_year: c.populationYear,
        population_source: c.populationSource,
        latitude: c.latitude,
        longitude: c.longitude,
      })),
    );
    await insertLeagues(
      trx,
      world.leagues.map((l) => ({
        id: l.id,
        name: l.name,
        description: l.description,
        founded_year: l.foundedYear,
        website: l.website,
        illustrative: l.illustrative,
      })),
    );
    await insertLeagueMembers(
      trx,
      world.leagues.flatMap((l) => l.memberCityIds.map((cityId) => ({ league_id: l.id, city_id: cityId }))),
    );
    await insertProtocolCooperatives(
      trx,
      world.protocolCooperatives.map((p) => ({
        id: p.id,
        name: p.name,
        description: p.description,
        website: p.website,
        founded_year: p.foundedYear,
        city_id: p.cityId,
        illustrative: p.illustrative,
      })),
    );
    await insertProtocolCooperativeFunders(
      trx,
      world.protocolCooperatives.flatMap((p) =>
        p.fundingLeagueIds.map((leagueId) => ({ league_id: leagueId, protocol_cooperative_id: p.id })),
      ),
    );
    await insertPledges(
      trx,
      world.pledges.map((p) => ({
        id: p.id,
        city_id: p.cityId,
        protocol_cooperative_id: p.protocolCooperativeId,
        application_id: p.applicationId,
        amount_eur: p.amountEur,
        year: p.year,
        purpose: p.purpose,
        // No seeded amount, year or purpose is a public fact (seeds/data/protocol-cooperatives.ts).
        illustrative: true,
      })),
    );
  });
}
