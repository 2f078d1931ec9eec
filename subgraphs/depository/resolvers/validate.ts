/**
 * The depository's mutation inputs as zod schemas built from the shared rules of
 * lib/validate.ts: every field of every input is checked by them before anything is written.
 */
import { z } from 'zod';
import { latestToday } from '../../../lib/dates.js';
import { isoDate, oneOf, parseInput, slug, text } from '../../../lib/validate.js';

/** Semantic-versioning-like release names: `1.2.0`, `v5.1.0`, `2024.1`, `2.0.0-rc.1+build.5`. */
const VERSION = /^v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Longest release version accepted. */
export const MAX_VERSION_LENGTH = 32;
/** First day a release may carry. */
export const EARLIEST_RELEASE_DAY = '2000-01-01';
export const MAX_NOTES_LENGTH = 5000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;

/** A release version: semantic-versioning-like, at most MAX_VERSION_LENGTH characters. */
const versionRule = z.string().refine((value) => value.length <= MAX_VERSION_LENGTH && VERSION.test(value), {
  message: `must be a version like 1.2.0, v1.2.0, 2024.1 or 2.0.0-rc.1 (an optional v, 1 to 4 numbers separated by dots, optional -pre-release and +build parts), at most ${MAX_VERSION_LENGTH} characters.`,
});

/** Checks one version outside a mutation (the publiccode.yml importer); throws a BadInputError naming `path`. */
export function version(path: string, value: string): string {
  return parseInput(versionRule, value, path);
}

/**
 * `PublishReleaseInput`. The release day is one already begun somewhere on Earth (up to
 * tomorrow in UTC, the date at UTC+14), so every caller can give their own today.
 */
export const publishReleaseInput = z.object({
  applicationId: slug(),
  version: versionRule,
  releasedOn: isoDate(EARLIEST_RELEASE_DAY, () => latestToday(), `from ${EARLIEST_RELEASE_DAY} to today`),
  notes: text(MAX_NOTES_LENGTH),
});

/** `ProposeAdaptationInput`. The city is the league's, so only its id's format is checked. */
export const proposeAdaptationInput = z.object({
  applicationId: slug(),
  cityId: slug(),
  title: text(MAX_TITLE_LENGTH),
  description: text(MAX_DESCRIPTION_LENGTH),
});

/** `AdoptAdaptationInput`. */
export const adoptAdaptationInput = z.object({ adaptationId: slug(), cityId: slug() });

/** `SetAdaptationStatusInput`. */
export const setAdaptationStatusInput = z.object({
  adaptationId: slug(),
  status: oneOf(['LOCAL', 'PROPOSED_UPSTREAM', 'MERGED_UPSTREAM']),
});

/** The `PublishReleaseInput` fields as the client sent them. */
export type PublishReleaseInput = z.input<typeof publishReleaseInput>;
/** The `ProposeAdaptationInput` fields as the client sent them. */
export type ProposeAdaptationInput = z.input<typeof proposeAdaptationInput>;
/** The `AdoptAdaptationInput` fields as the client sent them. */
export type AdoptAdaptationInput = z.input<typeof adoptAdaptationInput>;
/** The `SetAdaptationStatusInput` fields as the client sent them. */
export type SetAdaptationStatusInput = z.input<typeof setAdaptationStatusInput>;
/** A status of a local adaptation. */
export type AdaptationStatus = z.output<typeof setAdaptationStatusInput>['status'];
