/**
 * OKH manifests against the production database: matching a checked manifest to the open
 * design it describes and writing it with its bill of materials (one transaction per
 * manifest), and reading designs back for export.
 *
 * A design is identified by its repository URL and its name (case-insensitive): one
 * repository can hold several designs (WikiHouse's does). A design with no public repository
 * is exported with the graph's own record URL as `repo`, which the import reads back as that
 * design.
 */
import type { Knex } from 'knex';
import { freeSlug, parseRecordUrl, recordUrl, sameName, type RecordReport } from '../../../lib/interop.js';
import type { BillOfMaterialsLineRow, EmissionFactorRow, OpenDesignRow } from '../db/tables.js';
import * as w from '../db/writes.js';
import type { AssetKind } from '../domain.js';
import { kilogramsOf, licenceNoteOf, type OkhDocument, type OkhExport } from './okh.js';

/** The asset kinds a design can be for. */
export const ASSET_KINDS: readonly string[] = ['CAR', 'E_BIKE', 'BIKE', 'CARGO_BIKE', 'HOME', 'ROOM', 'TOOL'];

export interface OkhImportOptions {
  /** The asset kind of new designs (`--asset-kind`): OKH does not classify designs by what they are. */
  assetKind?: string;
}

/** A problem that rejects the manifest: thrown inside its transaction, so nothing is kept. */
class Rejection extends Error {}

/** The MATERIAL emission factor a part's name names: by id or by name, case-insensitive. */
function materialOf(factors: readonly EmissionFactorRow[], name: string): EmissionFactorRow | undefined {
  return factors.find((factor) => factor.id === name.toLowerCase() || sameName(factor.name, name));
}

/** The stored design a manifest describes, or the id a new one would take. */
async function findDesign(
  trx: Knex.Transaction,
  doc: OkhDocument,
): Promise<{ stored: OpenDesignRow | null; id: string | null }> {
  const record = doc.repo ? parseRecordUrl(doc.repo) : null;
  if (record) {
    if (record.field !== 'openDesign')
      throw new Rejection(`repo: points at a ${record.field} of the graph, not at a design`);
    const stored = await trx<OpenDesignRow>('open_designs').where('id', record.id).first();
    return { stored: stored ?? null, id: record.id };
  }
  const candidates = await trx<OpenDesignRow>('open_designs').where((query) =>
    doc.repo ? query.where('repository_url', doc.repo) : query.whereNull('repository_url'),
  );
  return { stored: candidates.find((row) => sameName(row.name, doc.name)) ?? null, id: null };
}

/**
 * Imports one checked manifest in one transaction. Returns the design's report first, then
 * one rejected line per part that cannot be a bill-of-materials line (unknown material, no
 * mass). The design is stored with its other parts: the report says which are missing.
 */
export async function importOkhDocument(
  db: Knex,
  doc: OkhDocument,
  options: OkhImportOptions = {},
): Promise<RecordReport[]> {
  const report: RecordReport = { key: doc.name, status: 'unchanged', notes: [] };
  const lines: RecordReport[] = [];
  try {
    await db.transaction(async (trx) => {
      const { stored, id: givenId } = await findDesign(trx, doc);
      if (!stored && !options.assetKind) {
        throw new Rejection(
          'asset kind: OKH does not say what kind of shared asset a design is for; give the kind of new designs with --asset-kind (CAR, E_BIKE, BIKE, CARGO_BIKE, HOME, ROOM, TOOL)',
        );
      }
      for (const id of doc.deprecatedLicenceIds) report.notes.push(`license uses the deprecated SPDX id ${id}`);
      const repositoryUrl = doc.repo && !parseRecordUrl(doc.repo) ? doc.repo : null;
      const licenceChanged = !stored || stored.license !== doc.license;
      const fields = {
        name: doc.name,
        description: doc.function,
        license: doc.license,
        // A licence note written by hand stays as long as the licence does.
        open_hardware: licenceChanged ? doc.openHardware : Boolean(stored.open_hardware),
        license_note: licenceChanged ? licenceNoteOf(doc.license, doc.openHardware) : stored.license_note,
        repository_url: repositoryUrl,
        version: doc.version,
        steward: doc.licensor,
        technology_readiness_level: doc.technologyReadinessLevel,
        documentation_readiness_level: doc.documentationReadinessLevel,
        fork_of: doc.forkOf,
      };
      if (doc.forkOf) {
        const upstream = await trx<OpenDesignRow>('open_designs').where('repository_url', doc.forkOf).first('id');
        if (upstream) report.notes.push(`fork of design ${upstream.id}`);
      }
      const changed: string[] = [];
      let id = stored?.id ?? givenId;
      if (stored) {
        for (const [column, value] of Object.entries(fields)) {
          const before = stored[column as keyof OpenDesignRow];
          if ((column === 'open_hardware' ? Boolean(before) : before) !== value) changed.push(column);
        }
        if (changed.length > 0) await w.updateOpenDesign(trx, stored.id, fields);
      } else {
        if (!id) {
          const taken = new Set((await trx('open_designs').select('id')).map((row: { id: string }) => row.id));
          id = freeSlug(doc.name, (candidate) => taken.has(candidate), 64);
        }
        await w.insertOpenDesign(trx, {
          id,
          ...fields,
          asset_kind: options.assetKind as AssetKind,
          manufacturing_energy_kwh: 0,
          transport_km: 0,
        });
        report.notes.push(
          'manufacturing energy and transport distance are not in OKH: recorded as 0, so the embodied figure counts materials only',
        );
      }
      report.entity = `OpenDesign ${id}`;

      if (doc.parts) {
        const factors = await trx<EmissionFactorRow>('emission_factors').where('category', 'MATERIAL').orderBy('id');
        const wanted: BillOfMaterialsLineRow[] = [];
        for (const part of doc.parts) {
          const key = `${doc.name}/part[${part.index}]`;
          const material = part.name ? materialOf(factors, part.name) : undefined;
          const problem =
            part.problem ??
            (material
              ? null
              : `name: ${JSON.stringify(part.name)} is no known material; a part's name must be a MATERIAL emission factor (${factors.map((factor) => factor.name).join(', ')})`);
          if (problem || !material) {
            lines.push({ key, at: `part[${part.index}]`, status: 'rejected', reason: problem ?? '', notes: [] });
            continue;
          }
          wanted.push({
            design_id: id!,
            position: wanted.length + 1,
            emission_factor_id: material.id,
            mass_kg: kilogramsOf(part.massGrams!),
          });
        }
        if (lines.length > 0) {
          report.notes.push(
            `${lines.length} of ${doc.parts.length} parts were rejected: the bill of materials lacks them, and so does the embodied figure`,
          );
        }
        const storedLines = await trx<BillOfMaterialsLineRow>('bill_of_materials_lines')
          .where('design_id', id!)
          .orderBy('position');
        const same =
          storedLines.length === wanted.length &&
          storedLines.every(
            (line, index) =>
              line.emission_factor_id === wanted[index]!.emission_factor_id && line.mass_kg === wanted[index]!.mass_kg,
          );
        if (!same) {
          await w.replaceBillOfMaterials(trx, id!, wanted);
          if (stored) changed.push('bill of materials');
        }
      } else if (!stored) {
        report.notes.push('the manifest lists no parts: the design has no bill of materials');
      }
      if (!stored) report.status = 'created';
      else if (changed.length > 0) {
        report.status = 'updated';
        report.notes.unshift(`changed: ${changed.join(', ')}`);
      }
    });
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return [{ key: doc.name, status: 'rejected', reason: error.message, notes: [] }];
  }
  return [report, ...lines];
}

/** Reads every design (or those with the given ids) as the manifests an export writes. */
export async function loadOkhExports(
  db: Knex,
  baseUrl: string,
  ids?: readonly string[],
): Promise<{ id: string; manifest: OkhExport }[]> {
  const query = db<OpenDesignRow>('open_designs').orderBy('id');
  if (ids) query.whereIn('id', ids);
  const designs = await query;
  const lines = await db('bill_of_materials_lines as l')
    .join('emission_factors as f', 'f.id', 'l.emission_factor_id')
    .whereIn(
      'l.design_id',
      designs.map((design) => design.id),
    )
    .orderBy(['l.design_id', 'l.position'])
    .select('l.design_id', 'l.mass_kg', 'f.name');
  return designs.map((design) => ({
    id: design.id,
    manifest: {
      name: design.name,
      repo: design.repository_url ?? recordUrl(baseUrl, 'openDesign', design.id),
      version: design.version,
      license: design.license,
      licensor: design.steward,
      function: design.description,
      technologyReadinessLevel: design.technology_readiness_level,
      documentationReadinessLevel: design.documentation_readiness_level,
      forkOf: design.fork_of,
      parts: lines
        .filter((line: { design_id: string }) => line.design_id === design.id)
        .map((line: { name: string; mass_kg: number }) => ({ material: line.name, massKg: line.mass_kg })),
    },
  }));
}
