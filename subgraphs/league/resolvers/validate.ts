/**
 * The league's mutation inputs as zod schemas built from the shared rules of
 * lib/validate.ts: every field of every input is checked by them before anything is written.
 */
import { z } from 'zod';
import { amount, int, slug, text } from '../../../lib/validate.js';

export const MAX_PLEDGE_EUR = 1_000_000_000;
export const PLEDGE_YEARS = { min: 2000, max: 2100 } as const;
export const MAX_PURPOSE_LENGTH = 500;

/** `RecordPledgeInput`. The application is another subgraph's, so only its id's format is checked. */
export const recordPledgeInput = z.object({
  cityId: slug(),
  protocolCooperativeId: slug(),
  applicationId: slug().nullish(),
  amountEur: amount(MAX_PLEDGE_EUR),
  year: int(PLEDGE_YEARS.min, PLEDGE_YEARS.max),
  purpose: text(MAX_PURPOSE_LENGTH),
});

/** The `RecordPledgeInput` fields as the client sent them. */
export type RecordPledgeInput = z.input<typeof recordPledgeInput>;
