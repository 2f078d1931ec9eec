/**
 * Asking an entity's owner about it. Cities belong to the league subgraph, platform co-ops and
 * shared assets to coop; this subgraph never reads their databases. Before a run may claim a
 * delivery or an asset, and before a co-op operator may answer a claim, it asks the owner
 * through the owner's own federation API (`_entities`, as the gateway does, with the gateway
 * secret). Any failure to get an answer is an error and nothing is written (fail closed).
 */
import { GraphQLError } from 'graphql';
import type { SubgraphName } from '../../lib/config.js';
import { ErrorCode } from '../../lib/errors.js';
import { GATEWAY_SECRET_HEADER } from '../../lib/secrets.js';

/** Where the owners answer and the secret that admits us there. */
export interface OwnerAccess {
  peerUrls?: Partial<Record<SubgraphName, string>>;
  subgraphSecret: string;
}

/**
 * How long an owner may take. Below the gateway's default per-fetch timeout (5 s), so the
 * caller gets this subgraph's clear error rather than the gateway's timeout.
 */
const OWNER_TIMEOUT_MS = 3000;

/** What owns what, for error messages. */
const OWNS: Record<'league' | 'coop', string> = { league: 'cities', coop: 'platform co-ops and shared assets' };

function unavailable(owner: 'league' | 'coop', why: string): GraphQLError {
  return new GraphQLError(
    `The ${owner} subgraph, which owns ${OWNS[owner]}, could not be asked (${why}); nothing was written.`,
    { extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: owner } },
  );
}

/** Sends one `_entities` request to an owner; returns its entities in representation order. */
async function entitiesOf(
  access: OwnerAccess,
  owner: 'league' | 'coop',
  selection: string,
  representations: object[],
): Promise<(Record<string, any> | null)[]> {
  if (representations.length === 0) return [];
  const url = access.peerUrls?.[owner];
  if (!url) throw unavailable(owner, 'its URL is not configured');
  const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;
  let body: { data?: { _entities?: unknown }; errors?: unknown[] };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [GATEWAY_SECRET_HEADER]: access.subgraphSecret },
      body: JSON.stringify({ query, variables: { representations } }),
      signal: AbortSignal.timeout(OWNER_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw unavailable(owner, (error as Error).message);
  }
  const entities = body.data?._entities;
  if (body.errors?.length || !Array.isArray(entities) || entities.length !== representations.length) {
    throw unavailable(owner, 'it answered with errors');
  }
  return entities as (Record<string, any> | null)[];
}

/** True when the league subgraph knows the city. */
export async function cityExists(access: OwnerAccess, cityId: string): Promise<boolean> {
  const [city] = await entitiesOf(access, 'league', '... on City { id }', [{ __typename: 'City', id: cityId }]);
  return city != null;
}

/** What the coop subgraph says about a platform co-op and some shared assets. */
export interface CoopFacts {
  /** The platform co-op's city id; null when the co-op is unknown. */
  platformCooperativeCityId: string | null;
  /** Each known asset's platform co-op id, by asset id; unknown assets are absent. */
  assetOwners: Map<string, string>;
}

/** Asks coop, in one request, about a platform co-op (when given) and the owners of some assets. */
export async function coopFacts(
  access: OwnerAccess,
  platformCooperativeId: string | null,
  assetIds: readonly string[],
): Promise<CoopFacts> {
  const coopRepresentations = platformCooperativeId
    ? [{ __typename: 'PlatformCooperative', id: platformCooperativeId }]
    : [];
  const entities = await entitiesOf(
    access,
    'coop',
    '... on PlatformCooperative { id city { id } } ... on SharedAsset { id platformCooperative { id } }',
    [...coopRepresentations, ...assetIds.map((id) => ({ __typename: 'SharedAsset', id }))],
  );
  const coop = platformCooperativeId ? entities[0] : null;
  const assetOwners = new Map<string, string>();
  entities.slice(coopRepresentations.length).forEach((asset, i) => {
    if (asset?.platformCooperative?.id) assetOwners.set(assetIds[i]!, asset.platformCooperative.id);
  });
  return { platformCooperativeCityId: coop?.city?.id ?? null, assetOwners };
}
