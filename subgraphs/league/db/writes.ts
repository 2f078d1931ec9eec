/**
 * Writes of the league database. Each runs in one transaction: every check that needs the
 * database happens inside it, so a refused write changes nothing.
 */
import type { Knex } from 'knex';
import { NotFoundError } from '../../../lib/errors.js';
import type { PledgeRow } from './tables.js';

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
