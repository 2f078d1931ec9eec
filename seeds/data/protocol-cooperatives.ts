/**
 * Protocol co-ops (the stewards of commons applications) and the pledges cities make to them.
 *
 * Real: Fairbnb.coop (started as a movement in 2016, based in Bologna), Open Systems Lab
 * (the UK non-profit that maintains WikiHouse) and the Open Food Foundation (established in
 * Australia in October 2012, steward of the Open Food Network). Their `fundingLeagueIds`
 * are left empty: we know of no league funding them.
 * Illustrative (`illustrative: true`): the MuniRide and MuniBnB stewards (MuniRide and
 * MuniBnB are the examples of Bauwens & Niaros 2017, "Changing Societies through Urban
 * Commons Transitions", not existing products), and the LocalTools and Energy Commons
 * stewards.
 * ALL PLEDGES ARE ILLUSTRATIVE: cities, co-ops and applications exist in this seed world,
 * but no amount, year or purpose below is a public fact. Pledges to the real co-ops say so
 * in their purpose.
 */
import type { PledgeSeed, ProtocolCooperativeSeed } from './types.js';

export const protocolCooperatives: ProtocolCooperativeSeed[] = [
  {
    id: 'fairbnb-coop',
    name: 'Fairbnb.coop',
    description:
      'Cooperative home-sharing platform that started as a movement in 2016 and is based in Bologna; half of its booking commission funds local community projects.',
    website: 'https://fairbnb.coop',
    foundedYear: 2016,
    cityId: 'bologna',
    fundingLeagueIds: [],
    illustrative: false,
  },
  {
    id: 'open-systems-lab',
    name: 'Open Systems Lab',
    description:
      'UK non-profit that maintains WikiHouse, the open-source building system of CNC-cut timber blocks (earlier stewarded by the WikiHouse Foundation).',
    website: 'https://www.wikihouse.cc',
    foundedYear: null,
    cityId: null,
    fundingLeagueIds: [],
    illustrative: false,
  },
  {
    id: 'open-food-foundation',
    name: 'Open Food Foundation',
    description:
      'Australian non-profit established in October 2012 to hold open-source knowledge and code for fair food systems; steward of the Open Food Network.',
    website: 'https://openfoodnetwork.org',
    foundedYear: 2012,
    cityId: null,
    fundingLeagueIds: [],
    illustrative: false,
  },
  {
    id: 'muniride-protocol-coop',
    name: 'MuniRide Protocol Co-op',
    description:
      'Illustrative steward of MuniRide, the municipal ride-sharing commons used as an example by Bauwens & Niaros (2017); not an existing organisation.',
    website: null,
    foundedYear: 2023,
    cityId: 'gent',
    fundingLeagueIds: ['commons-cities-league'],
    illustrative: true,
  },
  {
    id: 'munibnb-protocol-coop',
    name: 'MuniBnB Protocol Co-op',
    description:
      'Illustrative steward of MuniBnB, the municipal home-sharing commons used as an example by Bauwens & Niaros (2017); not an existing organisation.',
    website: null,
    foundedYear: 2023,
    cityId: 'amsterdam',
    fundingLeagueIds: ['commons-cities-league', 'sharing-cities-alliance'],
    illustrative: true,
  },
  {
    id: 'commons-tools-protocol-coop',
    name: 'LocalTools Protocol Co-op',
    description: 'Illustrative steward of LocalTools, shared software for neighbourhood tool libraries.',
    website: null,
    foundedYear: 2022,
    cityId: 'preston',
    fundingLeagueIds: ['commons-cities-league'],
    illustrative: true,
  },
  {
    id: 'energy-commons-protocol-coop',
    name: 'Energy Commons Protocol Co-op',
    description: 'Illustrative steward of Energy Commons, software for sharing community-owned solar generation.',
    website: null,
    foundedYear: 2024,
    cityId: 'grenoble',
    fundingLeagueIds: ['fearless-cities'],
    illustrative: true,
  },
];

export const pledges: PledgeSeed[] = [
  {
    id: 'pledge-gent-muniride-2023',
    cityId: 'gent',
    protocolCooperativeId: 'muniride-protocol-coop',
    applicationId: 'muniride',
    amountEur: 120_000,
    year: 2023,
    purpose: 'Core development of cargo-bike booking',
  },
  {
    id: 'pledge-gent-muniride-2024',
    cityId: 'gent',
    protocolCooperativeId: 'muniride-protocol-coop',
    applicationId: 'muniride',
    amountEur: 80_000,
    year: 2024,
    purpose: 'Low-traffic-zone rules module',
  },
  {
    id: 'pledge-leuven-muniride-2024',
    cityId: 'leuven',
    protocolCooperativeId: 'muniride-protocol-coop',
    applicationId: 'muniride',
    amountEur: 40_000,
    year: 2024,
    purpose: 'Membership tiers and academic-calendar pricing',
  },
  {
    id: 'pledge-seoul-muniride-2024',
    cityId: 'seoul',
    protocolCooperativeId: 'muniride-protocol-coop',
    applicationId: 'muniride',
    amountEur: 200_000,
    year: 2024,
    purpose: 'Korean localisation and transit-card unlock',
  },
  {
    id: 'pledge-paris-muniride-2025',
    cityId: 'paris',
    protocolCooperativeId: 'muniride-protocol-coop',
    applicationId: 'muniride',
    amountEur: 110_000,
    year: 2025,
    purpose: 'Recurring bookings for school-run cargo bikes',
  },
  {
    id: 'pledge-amsterdam-munibnb-2023',
    cityId: 'amsterdam',
    protocolCooperativeId: 'munibnb-protocol-coop',
    applicationId: 'munibnb',
    amountEur: 150_000,
    year: 2023,
    purpose: 'Host registration checks and annual night caps',
  },
  {
    id: 'pledge-barcelona-munibnb-2024',
    cityId: 'barcelona',
    protocolCooperativeId: 'munibnb-protocol-coop',
    applicationId: 'munibnb',
    amountEur: 100_000,
    year: 2024,
    purpose: 'Tourist-licence checks on listings',
  },
  {
    id: 'pledge-madrid-munibnb-2023',
    cityId: 'madrid',
    protocolCooperativeId: 'munibnb-protocol-coop',
    applicationId: null,
    amountEur: 40_000,
    year: 2023,
    purpose: 'General operating support for the co-op',
  },
  {
    id: 'pledge-lisboa-munibnb-2025',
    cityId: 'lisboa',
    protocolCooperativeId: 'munibnb-protocol-coop',
    applicationId: 'munibnb',
    amountEur: 55_000,
    year: 2025,
    purpose: 'Portuguese localisation and local-lodging register checks',
  },
  {
    id: 'pledge-bologna-fairbnb-2023',
    cityId: 'bologna',
    protocolCooperativeId: 'fairbnb-coop',
    applicationId: 'fairbnb',
    amountEur: 50_000,
    year: 2023,
    purpose: 'Community-project voting for hosts and guests (illustrative pledge)',
  },
  {
    id: 'pledge-barcelona-fairbnb-2024',
    cityId: 'barcelona',
    protocolCooperativeId: 'fairbnb-coop',
    applicationId: 'fairbnb',
    amountEur: 60_000,
    year: 2024,
    purpose: 'Open data export for the city housing office (illustrative pledge)',
  },
  {
    id: 'pledge-venezia-fairbnb-2025',
    cityId: 'venezia',
    protocolCooperativeId: 'fairbnb-coop',
    applicationId: 'fairbnb',
    amountEur: 45_000,
    year: 2025,
    purpose: 'Guest information on the access fee for day visitors (illustrative pledge)',
  },
  {
    id: 'pledge-bristol-wikihouse-2024',
    cityId: 'bristol',
    protocolCooperativeId: 'open-systems-lab',
    applicationId: 'wikihouse',
    amountEur: 75_000,
    year: 2024,
    purpose: 'Structural test data for two-storey homes (illustrative pledge)',
  },
  {
    id: 'pledge-valencia-ofn-2024',
    cityId: 'valencia',
    protocolCooperativeId: 'open-food-foundation',
    applicationId: 'open-food-network',
    amountEur: 20_000,
    year: 2024,
    purpose: 'Valencian translation and onboarding of local food hubs (illustrative pledge)',
  },
  {
    id: 'pledge-preston-localtools-2023',
    cityId: 'preston',
    protocolCooperativeId: 'commons-tools-protocol-coop',
    applicationId: 'local-tools',
    amountEur: 30_000,
    year: 2023,
    purpose: 'Payroll-based membership for anchor-institution staff',
  },
  {
    id: 'pledge-gent-localtools-2025',
    cityId: 'gent',
    protocolCooperativeId: 'commons-tools-protocol-coop',
    applicationId: 'local-tools',
    amountEur: 25_000,
    year: 2025,
    purpose: 'Repair-café scheduling',
  },
  {
    id: 'pledge-grenoble-energy-2024',
    cityId: 'grenoble',
    protocolCooperativeId: 'energy-commons-protocol-coop',
    applicationId: 'energy-commons',
    amountEur: 90_000,
    year: 2024,
    purpose: 'Allocation of shared rooftop-solar output',
  },
];
