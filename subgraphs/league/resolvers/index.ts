import { parsePage, type PageArgs } from '../../../lib/pagination.js';
import { asBoolean, present, reference } from '../../../lib/resolvers.js';
import type { Resolvers } from '../../../lib/subgraph.js';
import * as q from '../db/queries.js';
import type { CityRow, LeagueRow, PledgeRow, ProtocolCooperativeRow } from '../db/tables.js';
import type { LeagueLoaders } from '../loaders.js';
import { Mutation } from './mutations.js';

type IdArgs = { id: string };

export const resolvers: Resolvers<LeagueLoaders> = {
  Query: {
    city: (_: unknown, { id }: IdArgs, { loaders }) => loaders.city.load(id),
    cities: (_: unknown, args: PageArgs & { filter?: q.CityFilter }, { db, settings }) =>
      q.listCities(db, parsePage(args, settings.maxPageSize), args.filter ?? {}),
    league: (_: unknown, { id }: IdArgs, { loaders }) => loaders.league.load(id),
    leagues: (_: unknown, args: PageArgs, { db, settings }) => q.listLeagues(db, parsePage(args, settings.maxPageSize)),
    protocolCooperative: (_: unknown, { id }: IdArgs, { loaders }) => loaders.protocolCooperative.load(id),
    protocolCooperatives: (_: unknown, args: PageArgs, { db, settings }) =>
      q.listProtocolCooperatives(db, parsePage(args, settings.maxPageSize)),
  },
  Mutation,
  City: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.city.load(ref.id),
    countryCode: (city: CityRow) => city.country_code,
    populationYear: (city: CityRow) => city.population_year,
    populationSource: (city: CityRow) => city.population_source,
    leagues: (city: CityRow, _: unknown, { loaders }) => loaders.leaguesOfCity.load(city.id),
    pledges: (city: CityRow, _: unknown, { loaders }) => loaders.pledgesOfCity.load(city.id),
  },
  League: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.league.load(ref.id),
    foundedYear: (league: LeagueRow) => league.founded_year,
    illustrative: (league: LeagueRow) => asBoolean(league.illustrative),
    members: (league: LeagueRow, _: unknown, { loaders }) => loaders.membersOfLeague.load(league.id),
    protocolCooperatives: (league: LeagueRow, _: unknown, { loaders }) =>
      loaders.protocolCooperativesOfLeague.load(league.id),
  },
  ProtocolCooperative: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.protocolCooperative.load(ref.id),
    foundedYear: (coop: ProtocolCooperativeRow) => coop.founded_year,
    illustrative: (coop: ProtocolCooperativeRow) => asBoolean(coop.illustrative),
    city: (coop: ProtocolCooperativeRow, _: unknown, { loaders }) =>
      coop.city_id ? loaders.city.load(coop.city_id) : null,
    fundingLeagues: (coop: ProtocolCooperativeRow, _: unknown, { loaders }) =>
      loaders.fundersOfProtocolCooperative.load(coop.id),
    pledges: (coop: ProtocolCooperativeRow, _: unknown, { loaders }) =>
      loaders.pledgesOfProtocolCooperative.load(coop.id),
  },
  Pledge: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.pledge.load(ref.id),
    city: (pledge: PledgeRow, _: unknown, { loaders }) => loaders.city.load(pledge.city_id),
    protocolCooperative: (pledge: PledgeRow, _: unknown, { loaders }) =>
      loaders.protocolCooperative.load(pledge.protocol_cooperative_id),
    application: (pledge: PledgeRow) => reference('CommonsApplication', pledge.application_id),
    amountEur: (pledge: PledgeRow) => pledge.amount_eur,
    illustrative: (pledge: PledgeRow) => asBoolean(pledge.illustrative),
  },
  CommonsApplication: {
    // The depository owns applications; a reference here only needs its id.
    __resolveReference: (ref: IdArgs) => ref,
    pledges: (app: IdArgs, _: unknown, { loaders }) => loaders.pledgesOfApplication.load(app.id),
    supportingCities: async (app: IdArgs, _: unknown, { loaders }) => {
      const pledges = await loaders.pledgesOfApplication.load(app.id);
      const cityIds = [...new Set(pledges.map((pledge) => pledge.city_id))].sort();
      return present(await loaders.city.loadMany(cityIds));
    },
  },
};
