/**
 * The GBFS side of the seeded vehicle-sharing co-ops (the MuniRide ones): each publishes a
 * GBFS system, and keeps its vehicles at a few sharing hubs (GBFS stations) between uses.
 *
 * Illustrative: the co-ops are invented (see platform-cooperatives.ts), so are their systems
 * and hubs. The hubs sit at real, public places of each city (main railway stations, central
 * squares; coordinates rounded), so maps and GBFS consumers show something sensible; contact
 * addresses use the reserved example.org domain. Homes, rooms and tools are not GBFS vehicles:
 * their co-ops publish no system.
 */

export interface SharingHubSeed {
  /** The GBFS station id, unique within the co-op. */
  stationId: string;
  name: string;
  lat: number;
  lon: number;
  address: string | null;
}

export interface GbfsSystemSeed {
  platformCooperativeId: string;
  timezone: string;
  /** IETF BCP 47, the first is the feeds' language. */
  languages: string[];
  hubs: SharingHubSeed[];
}

/** When the seeded systems, types and hubs are said to have last changed (static feeds' last_updated). */
export const SEEDED_GBFS_AT = '2025-01-01T00:00:00.000Z';

/** Spare docks at each seeded hub beyond the vehicles kept there. */
export const SPARE_DOCKS = 4;

export const gbfsSystems: GbfsSystemSeed[] = [
  {
    platformCooperativeId: 'muniride-gent',
    timezone: 'Europe/Brussels',
    languages: ['nl', 'en'],
    hubs: [
      { stationId: 'sint-pieters', name: 'Gent-Sint-Pieters', lat: 51.0357, lon: 3.7104, address: 'Koningin Maria Hendrikaplein' },
      { stationId: 'korenmarkt', name: 'Korenmarkt', lat: 51.0545, lon: 3.7214, address: 'Korenmarkt' },
      { stationId: 'dampoort', name: 'Gent-Dampoort', lat: 51.0561, lon: 3.7404, address: 'Dampoort' },
    ],
  },
  {
    platformCooperativeId: 'muniride-leuven',
    timezone: 'Europe/Brussels',
    languages: ['nl', 'en'],
    hubs: [
      { stationId: 'station', name: 'Leuven station', lat: 50.8814, lon: 4.7158, address: 'Martelarenplein' },
      { stationId: 'ladeuzeplein', name: 'Ladeuzeplein', lat: 50.8794, lon: 4.7041, address: 'Monseigneur Ladeuzeplein' },
    ],
  },
  {
    platformCooperativeId: 'muniride-seoul',
    timezone: 'Asia/Seoul',
    languages: ['ko', 'en'],
    hubs: [
      { stationId: 'seoul-station', name: 'Seoul Station', lat: 37.5547, lon: 126.9707, address: null },
      { stationId: 'city-hall', name: 'Seoul City Hall', lat: 37.5663, lon: 126.9779, address: null },
      { stationId: 'gangnam', name: 'Gangnam Station', lat: 37.4979, lon: 127.0276, address: null },
    ],
  },
  {
    platformCooperativeId: 'muniride-bristol',
    timezone: 'Europe/London',
    languages: ['en'],
    hubs: [
      { stationId: 'temple-meads', name: 'Bristol Temple Meads', lat: 51.4491, lon: -2.5813, address: 'Station Approach' },
      { stationId: 'harbourside', name: 'Harbourside', lat: 51.4505, lon: -2.5985, address: null },
    ],
  },
  {
    platformCooperativeId: 'muniride-grenoble',
    timezone: 'Europe/Paris',
    languages: ['fr'],
    hubs: [
      { stationId: 'gare', name: 'Gare de Grenoble', lat: 45.1913, lon: 5.7146, address: 'Place de la Gare' },
      { stationId: 'victor-hugo', name: 'Place Victor Hugo', lat: 45.1893, lon: 5.7245, address: 'Place Victor Hugo' },
    ],
  },
  {
    platformCooperativeId: 'muniride-paris',
    timezone: 'Europe/Paris',
    languages: ['fr', 'en'],
    hubs: [
      { stationId: 'gare-de-lyon', name: 'Gare de Lyon', lat: 48.8443, lon: 2.3744, address: 'Place Louis-Armand' },
      { stationId: 'republique', name: 'Place de la République', lat: 48.8674, lon: 2.3636, address: null },
    ],
  },
  {
    platformCooperativeId: 'muniride-lido-venezia',
    timezone: 'Europe/Rome',
    languages: ['it', 'en'],
    hubs: [{ stationId: 'santa-maria-elisabetta', name: 'Santa Maria Elisabetta', lat: 45.4188, lon: 12.3689, address: null }],
  },
  {
    platformCooperativeId: 'muniride-preston',
    timezone: 'Europe/London',
    languages: ['en'],
    hubs: [{ stationId: 'station', name: 'Preston station', lat: 53.7566, lon: -2.7079, address: 'Fishergate' }],
  },
];

/** The GBFS vehicle type each vehicle kind is published as by the seeded systems. */
export const SEEDED_VEHICLE_TYPES: Record<
  string,
  { vehicleTypeId: string; formFactor: string; propulsionType: string; name: string; maxRangeMeters: number | null }
> = {
  BIKE: { vehicleTypeId: 'bike', formFactor: 'bicycle', propulsionType: 'human', name: 'Bike', maxRangeMeters: null },
  E_BIKE: {
    vehicleTypeId: 'e-bike',
    formFactor: 'bicycle',
    propulsionType: 'electric_assist',
    name: 'E-bike',
    maxRangeMeters: 60000,
  },
  CARGO_BIKE: {
    vehicleTypeId: 'cargo-bike',
    formFactor: 'cargo_bicycle',
    propulsionType: 'human',
    name: 'Cargo bike',
    maxRangeMeters: null,
  },
  // The shared-car emission factor is a battery-electric car's (seeds/coop.ts): so is the type.
  CAR: { vehicleTypeId: 'car', formFactor: 'car', propulsionType: 'electric', name: 'Electric car', maxRangeMeters: 300000 },
};
