/**
 * The league's writes. Each one authenticates and authorizes the caller, checks every input
 * field, then writes in one transaction, in that order: a refused or invalid write changes
 * nothing.
 */
import { requireScope } from '../../../lib/auth.js';
import type { SubgraphContext } from '../../../lib/subgraph.js';
import * as w from '../db/writes.js';
import type { LeagueLoaders } from '../loaders.js';
import { intInRange, slugId, text } from '../../../lib/validate.js';
import { amount } from './validate.js';

type Context = SubgraphContext<LeagueLoaders>;

/** The `RecordPledgeInput` fields as the client sent them. */
export interface RecordPledgeInput {
  cityId: string;
  protocolCooperativeId: string;
  applicationId?: string | null;
  amountEur: number;
  year: number;
  purpose: string;
}

export const MAX_PLEDGE_EUR = 1_000_000_000;
export const PLEDGE_YEARS = { min: 2000, max: 2100 } as const;
export const MAX_PURPOSE_LENGTH = 500;

/** Checks every field of a pledge; the application is another subgraph's, so only its id's format. */
function checkPledge(input: RecordPledgeInput): w.NewPledge {
  return {
    city_id: slugId('input.cityId', input.cityId),
    protocol_cooperative_id: slugId('input.protocolCooperativeId', input.protocolCooperativeId),
    application_id: input.applicationId == null ? null : slugId('input.applicationId', input.applicationId),
    amount_eur: amount('input.amountEur', input.amountEur, MAX_PLEDGE_EUR),
    year: intInRange('input.year', input.year, PLEDGE_YEARS.min, PLEDGE_YEARS.max),
    purpose: text('input.purpose', input.purpose, MAX_PURPOSE_LENGTH),
  };
}

export const Mutation = {
  async recordPledge(_: unknown, { input }: { input: RecordPledgeInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'city-admin', input.cityId);
    const pledge = await w.recordPledge(db, checkPledge(input));
    // Later fields and mutations of this request must see the new pledge, not a cached list.
    loaders.pledge.clear(pledge.id).prime(pledge.id, pledge);
    loaders.pledgesOfCity.clear(pledge.city_id);
    loaders.pledgesOfProtocolCooperative.clear(pledge.protocol_cooperative_id);
    if (pledge.application_id) loaders.pledgesOfApplication.clear(pledge.application_id);
    return { pledge };
  },
};
