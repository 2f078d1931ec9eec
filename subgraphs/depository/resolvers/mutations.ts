/**
 * The depository's writes. Each one authenticates and authorizes the caller, checks every
 * input field, then writes in one transaction: a refused or invalid write changes nothing.
 * Where the right to write depends on a stored adaptation, it is loaded first (an unknown id
 * is NOT_FOUND), then the caller is authorized against it.
 */
import { GraphQLError } from 'graphql';
import { requireScope, type Role, type Viewer } from '../../../lib/auth.js';
import { toDay } from '../../../lib/dates.js';
import { BadInputError, ErrorCode } from '../../../lib/errors.js';
import type { SubgraphContext } from '../../../lib/subgraph.js';
import type { AdaptationRow } from '../db/tables.js';
import * as w from '../db/writes.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import type { DepositoryLoaders } from '../loaders.js';
import { parseInput } from '../../../lib/validate.js';
import {
  adoptAdaptationInput,
  proposeAdaptationInput,
  publishReleaseInput,
  setAdaptationStatusInput,
  type AdaptationStatus,
  type AdoptAdaptationInput,
  type ProposeAdaptationInput,
  type PublishReleaseInput,
  type SetAdaptationStatusInput,
} from './validate.js';

type Context = SubgraphContext<DepositoryLoaders>;

/**
 * The status moves there are: a city offers its own adaptation upstream; the application's
 * maintainer accepts it, or takes the acceptance back. Everything else is refused.
 */
const MOVES: readonly { from: AdaptationStatus; to: AdaptationStatus }[] = [
  { from: 'LOCAL', to: 'PROPOSED_UPSTREAM' },
  { from: 'PROPOSED_UPSTREAM', to: 'MERGED_UPSTREAM' },
  { from: 'MERGED_UPSTREAM', to: 'PROPOSED_UPSTREAM' },
];

/**
 * Who answers for a status move: anything into or out of MERGED_UPSTREAM is the upstream
 * application's decision, so its maintainer's; moves between LOCAL and PROPOSED_UPSTREAM
 * are the city's that made the adaptation.
 */
function responsibleFor(adaptation: AdaptationRow, to: AdaptationStatus): { role: Role; scope: string } {
  return adaptation.status === 'MERGED_UPSTREAM' || to === 'MERGED_UPSTREAM'
    ? { role: 'depository-maintainer', scope: adaptation.application_id }
    : { role: 'city-admin', scope: adaptation.city_id };
}

/** Why a move that is not in MOVES is refused, in words a client can act on. */
function refusedMove(adaptation: AdaptationRow, to: AdaptationStatus): string {
  if (adaptation.status === to) return `"${adaptation.id}" is already ${to}.`;
  const allowed = MOVES.filter((move) => move.from === adaptation.status).map((move) => move.to);
  return `"${adaptation.id}" cannot move from ${adaptation.status} to ${to}; from ${adaptation.status} it can only move to ${allowed.join(' or ')}.`;
}

/** Refuses a caller without a token before anything is looked up. */
function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) {
    throw new GraphQLError('This operation needs a city-admin or depository-maintainer token.', {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
  return viewer;
}

export const Mutation: MutationResolvers = {
  async publishRelease(_: unknown, { input }: { input: PublishReleaseInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'depository-maintainer', input.applicationId);
    const checked = parseInput(publishReleaseInput, input);
    const release = await w.publishRelease(db, {
      application_id: checked.applicationId,
      version: checked.version,
      released_on: checked.releasedOn,
      notes: checked.notes,
    });
    // Later fields and mutations of this request must see the new release, not a cached list.
    loaders.release.clear(release.id).prime(release.id, release);
    loaders.releasesOfApplication.clear(release.application_id);
    return { release };
  },

  async proposeAdaptation(_: unknown, { input }: { input: ProposeAdaptationInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'city-admin', input.cityId);
    const checked = parseInput(proposeAdaptationInput, input);
    const adaptation = await w.proposeAdaptation(db, {
      application_id: checked.applicationId,
      city_id: checked.cityId,
      title: checked.title,
      description: checked.description,
      status: 'LOCAL',
      created_on: toDay(new Date()),
    });
    loaders.adaptation.clear(adaptation.id).prime(adaptation.id, adaptation);
    loaders.adaptationsOfApplication.clear(adaptation.application_id);
    loaders.adaptationsOfCity.clear(adaptation.city_id);
    return { adaptation };
  },

  async adoptAdaptation(_: unknown, { input }: { input: AdoptAdaptationInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'city-admin', input.cityId);
    const checked = parseInput(adoptAdaptationInput, input);
    const { adaptation, newlyAdopted } = await w.adoptAdaptation(db, checked.adaptationId, checked.cityId);
    loaders.adopterIdsOfAdaptation.clear(adaptation.id);
    loaders.adoptedAdaptationsOfCity.clear(checked.cityId);
    return { adaptation, newlyAdopted };
  },

  async setAdaptationStatus(
    _: unknown,
    { input }: { input: SetAdaptationStatusInput },
    { db, loaders, viewer }: Context,
  ) {
    requireViewer(viewer);
    const { adaptationId, status } = parseInput(setAdaptationStatusInput, input);
    const stored = await w.findAdaptation(db, adaptationId);
    const responsible = responsibleFor(stored, status);
    requireScope(viewer, responsible.role, responsible.scope);
    if (!MOVES.some((move) => move.from === stored.status && move.to === status)) {
      throw new BadInputError('input.status', refusedMove(stored, status));
    }
    const adaptation = await w.setAdaptationStatus(db, stored.id, stored.status, status);
    loaders.adaptation.clear(adaptation.id).prime(adaptation.id, adaptation);
    loaders.adaptationsOfApplication.clear(adaptation.application_id);
    loaders.adaptationsOfCity.clear(adaptation.city_id);
    loaders.adoptedAdaptationsOfCity.clearAll();
    return { adaptation, previousStatus: stored.status };
  },
};
