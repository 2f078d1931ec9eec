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
import type { DepositoryLoaders } from '../loaders.js';
import { slugId, text } from '../../../lib/validate.js';
import { pastDay, version } from './validate.js';

type Context = SubgraphContext<DepositoryLoaders>;
type AdaptationStatus = 'LOCAL' | 'PROPOSED_UPSTREAM' | 'MERGED_UPSTREAM';

export const MAX_NOTES_LENGTH = 5000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;

/** The `PublishReleaseInput` fields as the client sent them. */
export interface PublishReleaseInput {
  applicationId: string;
  version: string;
  releasedOn: string;
  notes: string;
}

/** The `ProposeAdaptationInput` fields as the client sent them. */
export interface ProposeAdaptationInput {
  applicationId: string;
  cityId: string;
  title: string;
  description: string;
}

/** The `AdoptAdaptationInput` fields as the client sent them. */
export interface AdoptAdaptationInput {
  adaptationId: string;
  cityId: string;
}

/** The `SetAdaptationStatusInput` fields as the client sent them. */
export interface SetAdaptationStatusInput {
  adaptationId: string;
  status: AdaptationStatus;
}

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

export const Mutation = {
  async publishRelease(_: unknown, { input }: { input: PublishReleaseInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'depository-maintainer', input.applicationId);
    const release = await w.publishRelease(db, {
      application_id: slugId('input.applicationId', input.applicationId),
      version: version('input.version', input.version),
      released_on: pastDay('input.releasedOn', input.releasedOn),
      notes: text('input.notes', input.notes, MAX_NOTES_LENGTH),
    });
    // Later fields and mutations of this request must see the new release, not a cached list.
    loaders.release.clear(release.id).prime(release.id, release);
    loaders.releasesOfApplication.clear(release.application_id);
    return { release };
  },

  async proposeAdaptation(_: unknown, { input }: { input: ProposeAdaptationInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'city-admin', input.cityId);
    const adaptation = await w.proposeAdaptation(db, {
      application_id: slugId('input.applicationId', input.applicationId),
      city_id: slugId('input.cityId', input.cityId),
      title: text('input.title', input.title, MAX_TITLE_LENGTH),
      description: text('input.description', input.description, MAX_DESCRIPTION_LENGTH),
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
    const { adaptation, newlyAdopted } = await w.adoptAdaptation(
      db,
      slugId('input.adaptationId', input.adaptationId),
      slugId('input.cityId', input.cityId),
    );
    loaders.adopterIdsOfAdaptation.clear(adaptation.id);
    loaders.adoptedAdaptationsOfCity.clear(input.cityId);
    return { adaptation, newlyAdopted };
  },

  async setAdaptationStatus(
    _: unknown,
    { input }: { input: SetAdaptationStatusInput },
    { db, loaders, viewer }: Context,
  ) {
    requireViewer(viewer);
    const stored = await w.findAdaptation(db, slugId('input.adaptationId', input.adaptationId));
    const responsible = responsibleFor(stored, input.status);
    requireScope(viewer, responsible.role, responsible.scope);
    if (!MOVES.some((move) => move.from === stored.status && move.to === input.status)) {
      throw new BadInputError('input.status', refusedMove(stored, input.status));
    }
    const adaptation = await w.setAdaptationStatus(db, stored.id, stored.status, input.status);
    loaders.adaptation.clear(adaptation.id).prime(adaptation.id, adaptation);
    loaders.adaptationsOfApplication.clear(adaptation.application_id);
    loaders.adaptationsOfCity.clear(adaptation.city_id);
    loaders.adoptedAdaptationsOfCity.clearAll();
    return { adaptation, previousStatus: stored.status };
  },
};
