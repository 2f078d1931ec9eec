/**
 * The RDF vocabularies and the EU controlled vocabularies (data themes, file types, licences,
 * languages, planned availability) the catalogue uses, with the labels it gives them. DCAT-AP's
 * range shapes want every object typed (a theme is a skos:Concept, a licence a
 * dct:LicenseDocument...), so each external term the catalogue points at carries its type and
 * label here, as the EU vocabularies themselves publish them.
 */
import type { CatalogSettings } from '../../lib/config.js';

/** Prefixes of both serialisations (Turtle @prefix, JSON-LD @context). */
export const PREFIXES = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
} as const;

type Prefix = keyof typeof PREFIXES;

/** A full IRI from a prefixed name, e.g. `iri('dcat', 'Dataset')`. */
export const iri = (prefix: Prefix, local: string) => `${PREFIXES[prefix]}${local}`;

const AUTHORITY = 'http://publications.europa.eu/resource/authority';

/** A term of a controlled vocabulary the catalogue points at, with its English label. */
export interface Term {
  iri: string;
  label: string;
}

/** The EU data-theme vocabulary (dcat:theme), the theme taxonomy of the catalogue. */
export const DATA_THEME_SCHEME = { iri: `${AUTHORITY}/data-theme`, title: 'Data theme' };

const theme = (code: string, label: string): Term => ({ iri: `${AUTHORITY}/data-theme/${code}`, label });
export const THEMES = {
  ENER: theme('ENER', 'Energy'),
  ENVI: theme('ENVI', 'Environment'),
  GOVE: theme('GOVE', 'Government and public sector'),
  REGI: theme('REGI', 'Regions and cities'),
  SOCI: theme('SOCI', 'Population and society'),
  TECH: theme('TECH', 'Science and technology'),
  TRAN: theme('TRAN', 'Transport'),
} as const;

/** dct:format from the EU file-type vocabulary, dcat:mediaType from IANA's register. */
export const CSV_FORMAT = `${AUTHORITY}/file-type/CSV`;
export const CSV_MEDIA_TYPE = 'https://www.iana.org/assignments/media-types/text/csv';
/** The GBFS discovery files: JSON. */
export const JSON_FORMAT = `${AUTHORITY}/file-type/JSON`;
export const JSON_MEDIA_TYPE = 'https://www.iana.org/assignments/media-types/application/json';
/** The GBFS feeds follow GBFS 3.0. */
export const GBFS_3 = {
  iri: 'https://github.com/MobilityData/gbfs/blob/v3.0/gbfs.md',
  title: 'General Bikeshare Feed Specification (GBFS) v3.0',
};
/** The CSV files follow RFC 4180. */
export const RFC_4180 = {
  iri: 'https://www.rfc-editor.org/rfc/rfc4180',
  title: 'RFC 4180: Common Format for CSV Files',
};
/** The DataService's dct:conformsTo. */
export const GRAPHQL_SPEC = {
  iri: 'https://spec.graphql.org/October2021/',
  title: 'GraphQL specification, October 2021',
};

export const ENGLISH = `${AUTHORITY}/language/ENG`;

/** dcatap:availability: the file URLs are kept stable. */
export const STABLE: Term = { iri: `${AUTHORITY}/planned-availability/STABLE`, label: 'Stable' };

const licenceType = (local: string, label: string): Term => ({
  iri: `http://purl.org/adms/licencetype/${local}`,
  label,
});
export const LICENCE_TYPES = {
  Attribution: licenceType('Attribution', 'Attribution'),
  ShareAlike: licenceType('ShareAlike', 'Share alike'),
  PublicDomain: licenceType('PublicDomain', 'Public domain'),
} as const;

/** A licence document: its IRI, its name and its ADMS licence types. */
export interface Licence {
  iri: string;
  label: string;
  types: Term[];
}

/** The licences CATALOG_LICENSE chooses from, by EU licence-authority code. */
export const LICENCES: Record<CatalogSettings['license'], Licence> = {
  CC_BY_4_0: {
    iri: `${AUTHORITY}/licence/CC_BY_4_0`,
    label: 'Creative Commons Attribution 4.0 International',
    types: [LICENCE_TYPES.Attribution],
  },
  CC_BYSA_4_0: {
    iri: `${AUTHORITY}/licence/CC_BYSA_4_0`,
    label: 'Creative Commons Attribution-ShareAlike 4.0 International',
    types: [LICENCE_TYPES.Attribution, LICENCE_TYPES.ShareAlike],
  },
  CC0: {
    iri: `${AUTHORITY}/licence/CC0`,
    label: 'Creative Commons CC0 1.0 Universal',
    types: [LICENCE_TYPES.PublicDomain],
  },
  ODC_BY: {
    iri: `${AUTHORITY}/licence/ODC_BY`,
    label: 'Open Data Commons Attribution License 1.0',
    types: [LICENCE_TYPES.Attribution],
  },
};

/** ADMS publisher type of the catalogue's publisher. */
export function publisherType(type: CatalogSettings['publisherType']): Term {
  return {
    iri: `http://purl.org/adms/publishertype/${type}`,
    label: type.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/-/g, ' / '),
  };
}
