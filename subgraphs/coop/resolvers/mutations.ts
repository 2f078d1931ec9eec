import { requireScope } from '../../../lib/auth.js';
import { ingestOffThread } from '../ingest-worker.js';
import type { UsageEventInput } from '../ingest.js';
import type { MutationResolvers } from '../generated/resolvers.js';

/** The arguments of `Mutation.ingestUsage`. */
interface IngestUsageArgs {
  input: { platformCooperativeId: string; events: UsageEventInput[] };
}

/** The coop subgraph's writes: each checks the caller's token before anything is read or written. */
export const mutations: MutationResolvers = {
  ingestUsage: async (_: unknown, { input }: IngestUsageArgs, { viewer, db, logger, bounds }) => {
    requireScope(viewer, 'coop-operator', input.platformCooperativeId);
    // On the ingest worker's own connection: public reads go on while the batch is written.
    const outcome = await ingestOffThread(db, input.platformCooperativeId, input.events, bounds.deadline);
    // Counts only: the events themselves are personal data and stay out of the logs.
    logger.info(
      {
        platformCooperativeId: input.platformCooperativeId,
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected: outcome.rejected,
      },
      'usage ingested',
    );
    return outcome;
  },
};
