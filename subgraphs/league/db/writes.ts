/**
 * Every write of the league database. `recordPledge` runs in one transaction: every check that
 * needs the database happens inside it, so a refused write changes nothing. The bulk inserts
 * load rows known to be valid (the seed world, the synthetic generator), in chunks one statement
 * may carry; pass a transaction so a load lands whole.
 */
import type { Knex } from 'knex';
import { insertInChunks } from '../../../lib/db.js';
import { NotFoundError } from '../../../lib/errors.js';
import type {
  CityRow,
  LeagueMemberRow,
  LeagueRow,
  PledgeRow,
  ProtocolCooperativeFunderRow,
  ProtocolCooperativeRow,
} from './tables.js';

/** A checked pledge, ready to store; `recordPledge` gives it its id. */
export type NewPledge = Omit<PledgeRow, 'id' | 'illustrative'>;

/**
 * Stores a pledge after checking that its city and protocol cooperative exist. Its id is
 * `pledge-<city>-<protocol co-op>-<year>-<n>`, n counting that city's pledges to that co-op
 * for that year; the insert skips an id a concurrent write took first and tries the next.
 */
export function recordPledge(db: Knex, pledge: NewPledge): Promise<PledgeRow> {
  return db.transaction(async (trx) => {
    if (!(await trx('cities').where('id', pledge.city_id).first('id'))) {
      throw new NotFoundError('input.cityId', `no city has id "${pledge.city_id}".`);
    }
    if (!(await trx('protocol_cooperatives').where('id', pledge.protocol_cooperative_id).first('id'))) {
      throw new NotFoundError(
        'input.protocolCooperativeId',
        `no protocol cooperative has id "${pledge.protocol_cooperative_id}".`,
      );
    }
    const sameKind = {
      city_id: pledge.city_id,
      protocol_cooperative_id: pledge.protocol_cooperative_id,
      year: pledge.year,
    };
    const counted = await trx('pledges').where(sameKind).count({ count: '*' }).first();
    const prefix = `pledge-${pledge.city_id}-${pledge.protocol_cooperative_id}-${pledge.year}`;
    for (let n = Number(counted?.count ?? 0) + 1; ; n++) {
      const inserted: PledgeRow[] = await trx('pledges')
        .insert({ id: `${prefix}-${n}`, ...pledge })
        .onConflict('id')
        .ignore()
        .returning('*');
      if (inserted[0]) return inserted[0];
    }
  });
}

/** Inserts cities. */
export async function insertCities(db: Knex, rows: readonly CityRow[]): Promise<void> {
  await insertInChunks(db, 'cities', rows);
}

/** Inserts leagues. */
export async function insertLeagues(db: Knex, rows: readonly LeagueRow[]): Promise<void> {
  await insertInChunks(db, 'leagues', rows);
}

/** Inserts cities' memberships of leagues. */
export async function insertLeagueMembers(db: Knex, rows: readonly LeagueMemberRow[]): Promise<void> {
  await insertInChunks(db, 'league_members', rows);
}

/** Inserts protocol cooperatives. */
export async function insertProtocolCooperatives(db: Knex, rows: readonly ProtocolCooperativeRow[]): Promise<void> {
  await insertInChunks(db, 'protocol_cooperatives', rows);
}

/** Inserts which leagues fund which protocol cooperatives. */
export async function insertProtocolCooperativeFunders(
  db: Knex,
  rows: readonly ProtocolCooperativeFunderRow[],
): Promise<void> {
  await insertInChunks(db, 'protocol_cooperative_funders', rows);
}

/** Inserts pledges with their ids given (recordPledge is the checked path that makes ids). */
export async function insertPledges(db: Knex, rows: readonly PledgeRow[]): Promise<void> {
  await insertInChunks(db, 'pledges', rows);
}
