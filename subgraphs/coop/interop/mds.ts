/**
 * MDS (Open Mobility Foundation, Mobility Data Specification) provider `trips` as pure
 * functions: reading a trips payload, checking each trip, and giving trips pseudonymous rider
 * references. No database and no GraphQL here; `apply.ts` turns trips into usage events.
 *
 * MDS carries no rider identity at all (by design), yet suppression counts distinct members
 * per co-op and day. What the trips do prove is a lower bound: trips that overlap in time were
 * made by different people, so a day needs at least as many riders as the most trips under
 * way at one moment. `assignRiderSlots` gives each trip a rider slot such that the number of
 * slots on a day is exactly that bound, so a bin is shown only when at least k different
 * people provably rode that day; figures counting members are lower bounds.
 */
import { isObject, RefusedFileError } from '../../../lib/interop.js';

/** MDS versions whose provider trips payload (`{ version, data: { trips } }`) this reads. */
export const SUPPORTED_MDS_VERSIONS = /^1\.[0-2](\.\d+)?$/;

/** Length limits that keep a trip id usable as an ingest client id (`mds:<trip_id>`). */
const MAX_ID_LENGTH = 120;

/** A trip that passed the checks that need no database. */
export interface MdsTrip {
  index: number;
  tripId: string;
  providerId: string;
  deviceId: string;
  vehicleId: string | null;
  /** The asset kind its vehicle type and propulsion make it. */
  kind: string;
  vehicleType: string;
  startMs: number;
  endMs: number;
  distanceMetres: number;
}

/** One entry of `data.trips`: a checked trip, or why it is rejected. */
export type MdsTripCheck = { ok: true; trip: MdsTrip } | { ok: false; index: number; key: string; problem: string };

const isTimestamp = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 8.64e15;

/**
 * The asset kind of an MDS vehicle: a bicycle with electric assist (or electric propulsion)
 * is an E_BIKE, other bicycles BIKE, `cargo_bicycle` CARGO_BIKE, `car` CAR. Scooters, mopeds
 * and the rest have no kind in this graph, so their trips are rejected.
 */
export function kindOfVehicle(vehicleType: unknown, propulsion: unknown): string | null {
  const electric = Array.isArray(propulsion) && propulsion.some((p) => p === 'electric_assist' || p === 'electric');
  if (vehicleType === 'bicycle') return electric ? 'E_BIKE' : 'BIKE';
  if (vehicleType === 'cargo_bicycle') return 'CARGO_BIKE';
  if (vehicleType === 'car') return 'CAR';
  return null;
}

/**
 * Reads a provider trips payload. Malformed JSON, a missing or unsupported `version`, or no
 * `data.trips` list throw `RefusedFileError`; each trip is then checked on its own.
 */
export function parseMdsTrips(text: string): { version: string; trips: MdsTripCheck[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RefusedFileError(`malformed JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw)) throw new RefusedFileError('malformed MDS payload: not a JSON object');
  if (raw.version === undefined)
    throw new RefusedFileError('version is missing: the payload does not say which MDS version it follows');
  if (typeof raw.version !== 'string' || !SUPPORTED_MDS_VERSIONS.test(raw.version)) {
    throw new RefusedFileError(
      `unsupported MDS version ${JSON.stringify(raw.version)}: this importer reads provider trips of MDS 1.0 to 1.2`,
    );
  }
  const data = raw.data;
  if (!isObject(data) || !Array.isArray(data.trips)) {
    throw new RefusedFileError('malformed MDS trips payload: data.trips is not a list');
  }
  return { version: raw.version, trips: checkTrips(data.trips) };
}

/**
 * Checks every trip: ids present, a known vehicle type, integer millisecond times with the
 * end not before the start, a distance that is not negative. A trip id that appears more than
 * once in the file is ambiguous: every copy is rejected unless all copies are identical, and
 * then only the first counts.
 */
export function checkTrips(trips: readonly unknown[]): MdsTripCheck[] {
  const firstIndex = new Map<string, number>();
  const differing = new Set<string>();
  const text = trips.map((trip) => JSON.stringify(trip));
  trips.forEach((trip, index) => {
    if (!isObject(trip) || typeof trip.trip_id !== 'string') return;
    const first = firstIndex.get(trip.trip_id);
    if (first === undefined) firstIndex.set(trip.trip_id, index);
    else if (text[first] !== text[index]) differing.add(trip.trip_id);
  });
  return trips.map((trip, index): MdsTripCheck => {
    const key = isObject(trip) && typeof trip.trip_id === 'string' ? trip.trip_id : `trips[${index}]`;
    const reject = (problem: string): MdsTripCheck => ({ ok: false, index, key, problem });
    if (!isObject(trip)) return reject('must be a JSON object');
    const problems: string[] = [];
    const id = (field: string): string | null => {
      const value = trip[field];
      if (typeof value !== 'string' || value.trim() === '') problems.push(`${field}: missing (mandatory)`);
      else if (value.length > MAX_ID_LENGTH) problems.push(`${field}: must be at most ${MAX_ID_LENGTH} characters`);
      else return value;
      return null;
    };
    const tripId = id('trip_id');
    const providerId = id('provider_id');
    const deviceId = id('device_id');
    if (tripId !== null) {
      if (differing.has(tripId)) {
        problems.push('trip_id: appears more than once in this file with different contents; none of them is imported');
      } else if (firstIndex.get(tripId) !== index) {
        problems.push(`trip_id: repeats trips[${firstIndex.get(tripId)}] of this file; only the first is imported`);
      }
    }
    const kind = kindOfVehicle(trip.vehicle_type, trip.propulsion_types);
    if (trip.vehicle_type === undefined) problems.push('vehicle_type: missing (mandatory)');
    else if (!kind) {
      problems.push(
        `vehicle_type: ${JSON.stringify(trip.vehicle_type)} has no asset kind in this graph (bicycle, cargo_bicycle and car have)`,
      );
    }
    const start = trip.start_time;
    const end = trip.end_time;
    if (!isTimestamp(start)) problems.push('start_time: must be integer milliseconds since the Unix epoch');
    if (!isTimestamp(end)) problems.push('end_time: must be integer milliseconds since the Unix epoch');
    if (isTimestamp(start) && isTimestamp(end) && end < start)
      problems.push('end_time: the trip ends before it starts');
    const distance = trip.trip_distance;
    if (distance === undefined) problems.push('trip_distance: missing (mandatory)');
    else if (typeof distance !== 'number' || !Number.isFinite(distance))
      problems.push('trip_distance: must be a number of metres');
    else if (distance < 0) problems.push(`trip_distance: must not be negative, got ${distance}`);
    if (problems.length > 0) return reject(problems.join('; '));
    return {
      ok: true,
      trip: {
        index,
        tripId: tripId!,
        providerId: providerId!,
        deviceId: deviceId!,
        vehicleId: typeof trip.vehicle_id === 'string' ? trip.vehicle_id : null,
        kind: kind!,
        vehicleType: trip.vehicle_type as string,
        startMs: start as number,
        endMs: end as number,
        distanceMetres: distance as number,
      },
    };
  });
}

/** A stored or new trip of one day, for rider slots. */
export interface TripInterval {
  id: string;
  startedAt: string;
  endedAt: string;
}

/**
 * Gives each trip of one day a rider slot (0, 1, 2, ...) so that trips sharing a slot never
 * overlap and the number of slots is the fewest possible: the most trips under way at one
 * moment. Trips are taken in start order (then end, then id, so the result never depends on
 * input order) and each takes the lowest slot that is free by its start.
 */
export function assignRiderSlots(trips: readonly TripInterval[]): Map<string, number> {
  const sorted = [...trips].sort(
    (a, b) => a.startedAt.localeCompare(b.startedAt) || a.endedAt.localeCompare(b.endedAt) || a.id.localeCompare(b.id),
  );
  const busyUntil: string[] = [];
  const slots = new Map<string, number>();
  for (const trip of sorted) {
    let slot = busyUntil.findIndex((end) => end <= trip.startedAt);
    if (slot === -1) slot = busyUntil.length;
    busyUntil[slot] = trip.endedAt;
    slots.set(trip.id, slot);
  }
  return slots;
}

/** The member reference of a rider slot: the same within a co-op on every day, never a person's. */
export const riderRef = (slot: number): string => `mds-rider-${slot + 1}`;

/** The usage-event client id of a trip: idempotent by trip id. */
export const clientEventIdOf = (tripId: string): string => `mds:${tripId}`;
