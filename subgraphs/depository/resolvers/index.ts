import { parsePage, type PageArgs } from '../../../lib/pagination.js';
import { asBoolean, reference } from '../../../lib/resolvers.js';
import { DateScalar } from '../../../lib/scalars.js';
import type { Resolvers } from '../../../lib/subgraph.js';
import * as q from '../db/queries.js';
import type { AdaptationRow, ApplicationRow, ReleaseRow } from '../db/tables.js';
import type { DepositoryLoaders } from '../loaders.js';
import { Mutation } from './mutations.js';

type IdArgs = { id: string };

export const resolvers: Resolvers<DepositoryLoaders> = {
  Date: DateScalar,
  Query: {
    application: (_: unknown, { id }: IdArgs, { loaders }) => loaders.application.load(id),
    applications: (_: unknown, args: PageArgs & { domain?: string | null }, { db, settings }) =>
      q.listApplications(db, parsePage(args, settings.maxPageSize), args.domain),
    adaptation: (_: unknown, { id }: IdArgs, { loaders }) => loaders.adaptation.load(id),
  },
  Mutation,
  CommonsApplication: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.application.load(ref.id),
    repositoryUrl: (app: ApplicationRow) => app.repository_url,
    foundedYear: (app: ApplicationRow) => app.founded_year,
    illustrative: (app: ApplicationRow) => asBoolean(app.illustrative),
    steward: (app: ApplicationRow) => reference('ProtocolCooperative', app.steward_id),
    releases: (app: ApplicationRow, _: unknown, { loaders }) => loaders.releasesOfApplication.load(app.id),
    // The same loader as `releases`, already newest first, so asking for both costs one query.
    latestRelease: async (app: ApplicationRow, _: unknown, { loaders }) =>
      (await loaders.releasesOfApplication.load(app.id))[0] ?? null,
    adaptations: (app: ApplicationRow, _: unknown, { loaders }) => loaders.adaptationsOfApplication.load(app.id),
    usedBy: async (app: ApplicationRow, _: unknown, { loaders }) =>
      (await loaders.userIdsOfApplication.load(app.id)).map((cityId) => reference('City', cityId)),
    fundedBy: async (app: ApplicationRow, _: unknown, { loaders }) =>
      (await loaders.funderIdsOfApplication.load(app.id)).map((id) => reference('ProtocolCooperative', id)),
  },
  Release: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.release.load(ref.id),
    application: (release: ReleaseRow, _: unknown, { loaders }) => loaders.application.load(release.application_id),
    releasedOn: (release: ReleaseRow) => release.released_on,
  },
  LocalAdaptation: {
    __resolveReference: (ref: IdArgs, { loaders }) => loaders.adaptation.load(ref.id),
    createdOn: (adaptation: AdaptationRow) => adaptation.created_on,
    illustrative: (adaptation: AdaptationRow) => asBoolean(adaptation.illustrative),
    application: (adaptation: AdaptationRow, _: unknown, { loaders }) =>
      loaders.application.load(adaptation.application_id),
    city: (adaptation: AdaptationRow) => reference('City', adaptation.city_id),
    adoptedBy: async (adaptation: AdaptationRow, _: unknown, { loaders }) =>
      (await loaders.adopterIdsOfAdaptation.load(adaptation.id)).map((cityId) => reference('City', cityId)),
  },
  City: {
    // The league owns cities; a reference here only needs its id.
    __resolveReference: (ref: IdArgs) => ref,
    adaptations: (city: IdArgs, _: unknown, { loaders }) => loaders.adaptationsOfCity.load(city.id),
    adoptedAdaptations: (city: IdArgs, _: unknown, { loaders }) => loaders.adoptedAdaptationsOfCity.load(city.id),
  },
  ProtocolCooperative: {
    // The league owns protocol co-ops; a reference here only needs its id.
    __resolveReference: (ref: IdArgs) => ref,
    applications: (coop: IdArgs, _: unknown, { loaders }) => loaders.applicationsOfSteward.load(coop.id),
  },
};
