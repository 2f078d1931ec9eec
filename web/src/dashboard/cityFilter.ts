/** How the city list is searched and ordered: the way a person types a city's name or id. */

/** One collator for ordering names: locale-aware (the page's language), accents after base letters. */
const COLLATOR = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Letters that are not a base letter plus a mark, so NFD leaves them whole: spelled as a keyboard without them would. */
const LETTERS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ł: 'l', ı: 'i', þ: 'th' };

/**
 * A text folded for search: lower case, accents and other combining marks removed, so
 * "València", "valencia" and "VALENCIA" are one key, and "København" is "kobenhavn".
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('en')
    .replace(/[øæœßđłıþ]/g, (letter) => LETTERS[letter] ?? letter)
    .trim();
}

/** True when what was typed is part of the city's name or of its id, accents and case aside. */
export function matchesCity(city: { id: string; name: string }, typed: string): boolean {
  const needle = searchKey(typed);
  return needle === '' || searchKey(city.name).includes(needle) || searchKey(city.id).includes(needle);
}

/** The cities that match, ordered by name as a reader of the page expects (not by id). */
export function filterCities<City extends { id: string; name: string }>(
  cities: readonly City[],
  typed: string,
): City[] {
  return cities.filter((city) => matchesCity(city, typed)).sort((a, b) => COLLATOR.compare(a.name, b.name));
}

/** The count line above the list: it follows the filter and says how many are loaded. */
export function countText(shown: number, loaded: number, total: number, filtered: boolean): string {
  const cities = (n: number) => `${n} ${n === 1 ? 'city' : 'cities'}`;
  const partial = loaded < total ? ` (${loaded} of ${total} loaded)` : '';
  return filtered ? `${shown} of ${cities(loaded)}${partial}` : `${cities(loaded)}${partial}`;
}
