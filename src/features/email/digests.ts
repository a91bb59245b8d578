import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { enqueueJobs } from '../../platform/jobs.ts';
import { DEFAULT_DIGEST } from './preferences.ts';
import { nextDigestAt } from './schedule.ts';
import type { DigestTime } from './schedule.ts';
import type { DigestFrequency } from './tables.ts';

/** The job that e-mails one person's digest for one period. */
export const DIGEST_JOB = 'email.digest';

export interface DigestPayload {
  personId: number;
  frequency: DigestFrequency;
  /** The period the digest covers: after `since`, up to `until`. */
  since: string;
  until: string;
}

const FREQUENCIES: DigestFrequency[] = ['daily', 'weekly'];
const DEFAULT_TIME: DigestTime = {
  hour: DEFAULT_DIGEST.hour,
  timeZone: DEFAULT_DIGEST.timeZone,
  weeklyDay: DEFAULT_DIGEST.weeklyDay,
};

/**
 * Gives every active person who has none a schedule at the default time.
 * Everyone at the default is due at the same instants, so one statement
 * per frequency does it; their first digest covers from now.
 */
async function scheduleNewPeople(db: Db, now: Date): Promise<void> {
  for (const frequency of FREQUENCIES) {
    const next = nextDigestAt(DEFAULT_TIME, frequency, now).toISOString();
    await db
      .insertInto('email_schedules')
      .columns(['person_id', 'frequency', 'last_at', 'next_at'])
      .expression(
        db
          .selectFrom('people as p')
          .select([
            'p.id',
            sql<string>`${frequency}`.as('frequency'),
            sql<string>`${now.toISOString()}`.as('last_at'),
            sql<string>`${next}`.as('next_at'),
          ])
          .where('p.status', '=', 'active')
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('email_schedules as s')
                  .select('s.person_id')
                  .whereRef('s.person_id', '=', 'p.id')
                  .where('s.frequency', '=', frequency),
              ),
            ),
          ),
      )
      .execute();
  }
}

const BATCH = 500;

/**
 * Queues a digest job for every schedule due by `now` and moves each on
 * to its next time, a batch per transaction. The due scan reads the
 * `next_at` index. A job's key names the person and the period, so a
 * batch done twice (two schedulers at once) queues each digest once.
 * Returns how many digests were queued.
 */
export async function queueDueDigests(
  db: Kysely<Database>,
  now = new Date(),
): Promise<number> {
  await scheduleNewPeople(db, now);
  const at = now.toISOString();
  let queued = 0;
  for (;;) {
    const due = await db
      .selectFrom('email_schedules as s')
      .leftJoin('email_settings as e', 'e.person_id', 's.person_id')
      .select([
        's.person_id',
        's.frequency',
        's.last_at',
        's.next_at',
        'e.digest_hour',
        'e.time_zone',
        'e.weekly_day',
      ])
      .where('s.next_at', '<=', at)
      .orderBy('s.next_at')
      .limit(BATCH)
      .execute();
    if (due.length === 0) {
      return queued;
    }
    const moves = new Map<string, { rows: number[]; frequency: string }>();
    const jobs = due.map((row) => {
      const time: DigestTime = {
        hour: row.digest_hour ?? DEFAULT_TIME.hour,
        timeZone: row.time_zone ?? DEFAULT_TIME.timeZone,
        weeklyDay: row.weekly_day ?? DEFAULT_TIME.weeklyDay,
      };
      const next = nextDigestAt(time, row.frequency, now).toISOString();
      const move = `${row.frequency}\n${row.next_at}\n${next}`;
      const group = moves.get(move) ?? { rows: [], frequency: row.frequency };
      group.rows.push(row.person_id);
      moves.set(move, group);
      const payload: DigestPayload = {
        personId: row.person_id,
        frequency: row.frequency,
        since: row.last_at,
        until: row.next_at,
      };
      return {
        type: DIGEST_JOB,
        payload,
        key: `${DIGEST_JOB}:${row.person_id}:${row.frequency}:${row.next_at}`,
      };
    });
    await db.transaction().execute(async (trx) => {
      await enqueueJobs(trx, jobs);
      for (const [move, group] of moves) {
        const [, last, next] = move.split('\n');
        await trx
          .updateTable('email_schedules')
          .set({ last_at: last ?? at, next_at: next ?? at })
          .where('frequency', '=', group.frequency as DigestFrequency)
          .where('person_id', 'in', group.rows)
          .where('next_at', '=', last ?? at)
          .execute();
      }
    });
    queued += jobs.length;
  }
}
