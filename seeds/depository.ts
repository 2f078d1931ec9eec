import type { Knex } from 'knex';
import type {
  AdaptationAdoptionRow,
  AdaptationRow,
  ApplicationRow,
  ReleaseRow,
} from '../subgraphs/depository/db/tables.js';
import { insertInChunks } from '../lib/db.js';
import type { World } from './world.js';

/** Writes the depository layer of the seed world: applications, releases, adaptations, adoptions. */
export async function seedDepository(db: Knex, world: World): Promise<void> {
  await db.transaction(async (trx) => {
    await insertInChunks<ApplicationRow>(
      trx,
      'applications',
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
    await insertInChunks<ReleaseRow>(
      trx,
      'releases',
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
    await insertInChunks<AdaptationRow>(
      trx,
      'adaptations',
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
    await insertInChunks<AdaptationAdoptionRow>(
      trx,
      'adaptation_adoptions',
      world.adaptations.flatMap((a) => a.adoptedByCityIds.map((cityId) => ({ adaptation_id: a.id, city_id: cityId }))),
    );
  });
}
