import { parsePage } from '../../../lib/pagination.js';
import { asBoolean, present, reference } from '../../../lib/resolvers.js';
import type { Resolvers } from '../generated/resolvers.js';
import * as q from '../db/queries.js';
import { Mutation } from './mutations.js';

export const resolvers: Resolvers = {
  Query: {
    city: (_, { id }, { loaders }) => loaders.city.load(id),
    cities: (_, args, { db, settings }) => q.listCities(db, parsePage(args, settings.maxPageSize), args.filter ?? {}),
    league: (_, { id }, { loaders }) => loaders.league.load(id),
    leagues: (_, args, { db, settings }) => q.listLeagues(db, parsePage(args, settings.maxPageSize)),
    protocolCooperative: (_, { id }, { loaders }) => loaders.protocolCooperative.load(id),
    protocolCooperatives: (_, args, { db, settings }) =>
      q.listProtocolCooperatives(db, parsePage(args, settings.maxPageSize)),
  },
  Mutation,
  City: {
    __resolveReference: (ref, { loaders }) => loaders.city.load(ref.id),
    countryCode: (city) => city.country_code,
    populationYear: (city) => city.population_year,
    populationSource: (city) => city.population_source,
    leagues: (city, _, { loaders }) => loaders.leaguesOfCity.load(city.id),
    pledges: (city, _, { loaders }) => loaders.pledgesOfCity.load(city.id),
  },
  League: {
    __resolveReference: (ref, { loaders }) => loaders.league.load(ref.id),
    foundedYear: (league) => league.founded_year,
    illustrative: (league) => asBoolean(league.illustrative),
    members: (league, _, { loaders }) => loaders.membersOfLeague.load(league.id),
    protocolCooperatives: (league, _, { loaders }) => loaders.protocolCooperativesOfLeague.load(league.id),
  },
  ProtocolCooperative: {
    __resolveReference: (ref, { loaders }) => loaders.protocolCooperative.load(ref.id),
    foundedYear: (coop) => coop.founded_year,
    illustrative: (coop) => asBoolean(coop.illustrative),
    city: (coop, _, { loaders }) => (coop.city_id ? loaders.city.load(coop.city_id) : null),
    fundingLeagues: (coop, _, { loaders }) => loaders.fundersOfProtocolCooperative.load(coop.id),
    pledges: (coop, _, { loaders }) => loaders.pledgesOfProtocolCooperative.load(coop.id),
  },
  Pledge: {
    __resolveReference: (ref, { loaders }) => loaders.pledge.load(ref.id),
    city: (pledge, _, { loaders }) => loaders.city.load(pledge.city_id),
    protocolCooperative: (pledge, _, { loaders }) => loaders.protocolCooperative.load(pledge.protocol_cooperative_id),
    application: (pledge) => reference('CommonsApplication', pledge.application_id),
    amountEur: (pledge) => pledge.amount_eur,
    illustrative: (pledge) => asBoolean(pledge.illustrative),
  },
  CommonsApplication: {
    // The depository owns applications; a reference here only needs its id.
    __resolveReference: (ref) => ref,
    pledges: (app, _, { loaders }) => loaders.pledgesOfApplication.load(app.id),
    supportingCities: async (app, _, { loaders }) => {
      const pledges = await loaders.pledgesOfApplication.load(app.id);
      const cityIds = [...new Set(pledges.map((pledge) => pledge.city_id))].sort();
      return present(await loaders.city.loadMany(cityIds));
    },
  },
};
