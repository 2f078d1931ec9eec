/**
 * The two serialisations of the catalogue's triples: Turtle by the n3 Writer, and JSON-LD
 * written here as a flattened `@graph` (one object per subject, full or prefixed IRIs, every
 * literal with its language or datatype), which maps each triple to exactly one JSON-LD value
 * and so carries the same triples as the Turtle. The suite parses both and compares.
 */
import { Writer, type Quad } from 'n3';
import { PREFIXES, iri } from './vocabulary.js';

/** The triples grouped by subject, subjects in the order they first appear, so each is written once. */
function bySubject(quads: readonly Quad[]): Quad[] {
  const groups = new Map<string, Quad[]>();
  for (const quad of quads) {
    const group = groups.get(quad.subject.value) ?? [];
    group.push(quad);
    groups.set(quad.subject.value, group);
  }
  return [...groups.values()].flat();
}

/** Turtle with the catalogue's prefixes, one block per subject. */
export function toTurtle(quads: readonly Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads(bySubject(quads));
  return new Promise((resolve, reject) =>
    writer.end((error, result: string) => (error ? reject(error) : resolve(result))),
  );
}

/** An IRI shortened by a prefix of the context when one fits (the JSON-LD processor expands it back). */
function compact(value: string): string {
  for (const [prefix, namespace] of Object.entries(PREFIXES)) {
    const local = value.slice(namespace.length);
    // Only plain local names: anything else stays a full IRI, which never needs a prefix.
    if (value.startsWith(namespace) && /^[A-Za-z_][\w-]*$/.test(local)) return `${prefix}:${local}`;
  }
  return value;
}

type JsonLdValue = string | { '@id': string } | { '@value': string; '@language'?: string; '@type'?: string };

function valueOf(object: Quad['object']): JsonLdValue {
  if (object.termType === 'NamedNode') return { '@id': compact(object.value) };
  if (object.termType !== 'Literal') throw new Error(`unexpected ${object.termType} in the catalogue`);
  if (object.language) return { '@value': object.value, '@language': object.language };
  if (object.datatype.value === iri('xsd', 'string')) return object.value;
  return { '@value': object.value, '@type': compact(object.datatype.value) };
}

/** JSON-LD 1.1, flattened: `@context` of prefixes and a `@graph` of one node object per subject. */
export function toJsonLd(quads: readonly Quad[]): string {
  const nodes = new Map<string, Record<string, unknown>>();
  const rdfType = iri('rdf', 'type');
  for (const { subject, predicate, object } of quads) {
    if (subject.termType !== 'NamedNode') throw new Error('the catalogue has IRIs for every node');
    let entry = nodes.get(subject.value);
    if (!entry) {
      entry = { '@id': compact(subject.value) };
      nodes.set(subject.value, entry);
    }
    const [key, value] =
      predicate.value === rdfType ? ['@type', compact(object.value)] : [compact(predicate.value), valueOf(object)];
    const values = (entry[key] as unknown[] | undefined) ?? [];
    values.push(value);
    entry[key] = values;
  }
  return `${JSON.stringify({ '@context': PREFIXES, '@graph': [...nodes.values()] }, null, 2)}\n`;
}
