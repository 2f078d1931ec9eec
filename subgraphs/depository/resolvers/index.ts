import { parsePage } from '../../../lib/pagination.js';
import { asBoolean, reference, required } from '../../../lib/resolvers.js';
import { DateScalar } from '../../../lib/scalars.js';
import type { Resolvers } from '../generated/resolvers.js';
import * as q from '../db/queries.js';
import { Mutation } from './mutations.js';

export const resolvers: Resolvers = {
  Date: DateScalar,
  Query: {
    application: (_, { id }, { loaders }) => loaders.application.load(id),
    applications: (_, args, { db, settings }) =>
      q.listApplications(db, parsePage(args, settings.maxPageSize), args.domain),
    adaptation: (_, { id }, { loaders }) => loaders.adaptation.load(id),
  },
  Mutation,
  CommonsApplication: {
    __resolveReference: (ref, { loaders }) => loaders.application.load(ref.id),
    repositoryUrl: (app) => app.repository_url,
    foundedYear: (app) => app.founded_year,
    illustrative: (app) => asBoolean(app.illustrative),
    steward: (app) => reference('ProtocolCooperative', app.steward_id),
    releases: (app, _, { loaders }) => loaders.releasesOfApplication.load(app.id),
    // The same loader as `releases`, already newest first, so asking for both costs one query.
    latestRelease: async (app, _, { loaders }) => (await loaders.releasesOfApplication.load(app.id))[0] ?? null,
    adaptations: (app, _, { loaders }) => loaders.adaptationsOfApplication.load(app.id),
    usedBy: async (app, _, { loaders }) =>
      (await loaders.userIdsOfApplication.load(app.id)).map((cityId) => reference('City', cityId)),
    fundedBy: async (app, _, { loaders }) =>
      (await loaders.funderIdsOfApplication.load(app.id)).map((id) => reference('ProtocolCooperative', id)),
  },
  Release: {
    __resolveReference: (ref, { loaders }) => loaders.release.load(ref.id),
    application: async (release, _, { loaders }) =>
      required(await loaders.application.load(release.application_id), `application of ${release.id}`),
    releasedOn: (release) => release.released_on,
  },
  LocalAdaptation: {
    __resolveReference: (ref, { loaders }) => loaders.adaptation.load(ref.id),
    createdOn: (adaptation) => adaptation.created_on,
    illustrative: (adaptation) => asBoolean(adaptation.illustrative),
    application: async (adaptation, _, { loaders }) =>
      required(await loaders.application.load(adaptation.application_id), `application of ${adaptation.id}`),
    city: (adaptation) => reference('City', adaptation.city_id),
    adoptedBy: async (adaptation, _, { loaders }) =>
      (await loaders.adopterIdsOfAdaptation.load(adaptation.id)).map((cityId) => reference('City', cityId)),
  },
  City: {
    // The league owns cities; a reference here only needs its id.
    __resolveReference: (ref) => ref,
    adaptations: (city, _, { loaders }) => loaders.adaptationsOfCity.load(city.id),
    adoptedAdaptations: (city, _, { loaders }) => loaders.adoptedAdaptationsOfCity.load(city.id),
  },
  ProtocolCooperative: {
    // The league owns protocol co-ops; a reference here only needs its id.
    __resolveReference: (ref) => ref,
    applications: (coop, _, { loaders }) => loaders.applicationsOfSteward.load(coop.id),
  },
};
