/**
 * The league's writes. Each one authenticates and authorizes the caller, checks every input
 * field, then writes in one transaction, in that order: a refused or invalid write changes
 * nothing.
 */
import { requireScope } from '../../../lib/auth.js';
import type { SubgraphContext } from '../../../lib/subgraph.js';
import * as w from '../db/writes.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import type { LeagueLoaders } from '../loaders.js';
import { parseInput } from '../../../lib/validate.js';
import { recordPledgeInput, type RecordPledgeInput } from './validate.js';

type Context = SubgraphContext<LeagueLoaders>;

export const Mutation: MutationResolvers = {
  async recordPledge(_: unknown, { input }: { input: RecordPledgeInput }, { db, loaders, viewer }: Context) {
    requireScope(viewer, 'city-admin', input.cityId);
    const checked = parseInput(recordPledgeInput, input);
    const pledge = await w.recordPledge(db, {
      city_id: checked.cityId,
      protocol_cooperative_id: checked.protocolCooperativeId,
      application_id: checked.applicationId ?? null,
      amount_eur: checked.amountEur,
      year: checked.year,
      purpose: checked.purpose,
    });
    // Later fields and mutations of this request must see the new pledge, not a cached list.
    loaders.pledge.clear(pledge.id).prime(pledge.id, pledge);
    loaders.pledgesOfCity.clear(pledge.city_id);
    loaders.pledgesOfProtocolCooperative.clear(pledge.protocol_cooperative_id);
    if (pledge.application_id) loaders.pledgesOfApplication.clear(pledge.application_id);
    return { pledge };
  },
};
