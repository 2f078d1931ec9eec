import type { Knex } from 'knex';
import {
  insertAdaptations,
  insertAdoptions,
  insertApplications,
  insertReleases,
} from '../subgraphs/depository/db/writes.js';
import type { World } from './world.js';

/** Writes the depository layer of the seed world: applications, releases, adaptations, adoptions. */
export async function seedDepository(db: Knex, world: World): Promise<void> {
  await db.transaction(async (trx) => {
    await insertApplications(
      trx,
      world.applications.map((a) => ({
        id: a.id,
        name: a.name,
        summary: a.summary,
        domain: a.domain,
        license: a.license,
        repository_url: a.repositoryUrl,
        website: a.website,
        founded_year: a.foundedYear,
        illustrative: a.illustrative,
        steward_id: a.stewardId,
      })),
    );
    await insertReleases(
      trx,
      world.applications.flatMap((a) =>
        a.releases.map((r) => ({
          id: `${a.id}@${r.version}`,
          application_id: a.id,
          version: r.version,
          released_on: r.releasedOn,
          notes: r.notes,
        })),
      ),
    );
    await insertAdaptations(
      trx,
      world.adaptations.map((a) => ({
        id: a.id,
        application_id: a.applicationId,
        city_id: a.cityId,
        title: a.title,
        description: a.description,
        status: a.status,
        created_on: a.createdOn,
        // No city is known to have built the seed world's adaptations (seeds/data/applications.ts).
        illustrative: true,
      })),
    );
    for (const a of world.adaptations) await insertAdoptions(trx, a.id, a.adoptedByCityIds);
  });
}
