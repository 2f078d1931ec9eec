/**
 * Leagues: networks of cities that can pool money for protocol co-ops.
 *
 * Real: Eurocities (founded 1986) and the member cities listed for it, which are members as
 * far as the authors know. Illustrative (`illustrative: true`): the member lists of the
 * Sharing Cities Alliance and of Fearless Cities, which do not publish a membership of city
 * governments we could check, and the Commons Cities League, which is this project's own
 * example of a funding league.
 */
import type { LeagueSeed } from './types.js';

export const leagues: LeagueSeed[] = [
  {
    id: 'eurocities',
    name: 'Eurocities',
    description:
      'Network of large European cities founded in 1986. Only cities known to be members are listed; the network has many more.',
    foundedYear: 1986,
    website: 'https://eurocities.eu',
    memberCityIds: [
      'gent',
      'amsterdam',
      'barcelona',
      'valencia',
      'madrid',
      'bologna',
      'venezia',
      'genova',
      'paris',
      'bristol',
      'lisboa',
      'kobenhavn',
    ],
    illustrative: false,
  },
  {
    id: 'sharing-cities-alliance',
    name: 'Sharing Cities Alliance',
    description:
      'Amsterdam-based alliance of cities working on the sharing economy, founded in 2018. The member list here is illustrative, not the published membership.',
    foundedYear: 2018,
    website: null,
    memberCityIds: ['amsterdam', 'barcelona', 'seoul', 'gent', 'paris', 'lisboa'],
    illustrative: true,
  },
  {
    id: 'fearless-cities',
    name: 'Fearless Cities',
    description:
      'International municipalist movement that grew out of the Fearless Cities summit in Barcelona (2017). It is a network of citizen platforms rather than of city governments, so the city list here is illustrative.',
    foundedYear: 2017,
    website: 'https://fearlesscities.com',
    memberCityIds: ['barcelona', 'madrid', 'valencia', 'grenoble'],
    illustrative: true,
  },
  {
    id: 'commons-cities-league',
    name: 'Commons Cities League',
    description:
      'Illustrative league of cities that pool funds for protocol co-ops, in the spirit of the translocal city alliances in Bauwens & Niaros (2017). Not an existing organisation.',
    foundedYear: null,
    website: null,
    memberCityIds: ['gent', 'leuven', 'bologna', 'amsterdam', 'barcelona', 'seoul', 'bristol', 'preston', 'grenoble', 'lisboa'],
    illustrative: true,
  },
];
