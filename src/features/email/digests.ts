import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { enqueueJobs } from '../../platform/jobs.ts';
import { DIGEST_BATCH_JOB } from './digest-batch.ts';
import { DEFAULT_DIGEST } from './preferences.ts';
import { nextDigestAt } from './schedule.ts';
import type { DigestTime } from './schedule.ts';
import type { DigestFrequency } from './tables.ts';

/** One person's digest for one period, as a batch job carries it. */
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
/** Digests per job: one job reads and writes for all of them at once. */
const DIGESTS_PER_JOB = 100;

/**
 * Jobs of up to DIGESTS_PER_JOB digests of one frequency. A job's key
 * names its digests, so a batch of due rows seen twice (two schedulers at
 * once) queues the same jobs once; should two schedulers group them
 * differently, each digest's own delivery row still sends it once.
 */
function batchJobs(payloads: DigestPayload[]) {
  const jobs = [];
  for (const frequency of FREQUENCIES) {
    const mine = payloads.filter((p) => p.frequency === frequency);
    for (let at = 0; at < mine.length; at += DIGESTS_PER_JOB) {
      const digests = mine.slice(at, at + DIGESTS_PER_JOB);
      const hash = createHash('sha256')
        .update(digests.map((d) => `${d.personId}:${d.until}`).join('\n'))
        .digest('base64url')
        .slice(0, 24);
      jobs.push({
        type: DIGEST_BATCH_JOB,
        payload: { digests },
        key: `${DIGEST_BATCH_JOB}:${frequency}:${hash}`,
      });
    }
  }
  return jobs;
}

/**
 * Queues a digest job for every schedule due by `now` and moves each on
 * to its next time, a batch per transaction. The due scan reads the
 * `next_at` index. Digests go in jobs of a batch each (batchJobs), so a
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
      .orderBy('s.person_id')
      .limit(BATCH)
      .execute();
    if (due.length === 0) {
      return queued;
    }
    const moves = new Map<string, { rows: number[]; frequency: string }>();
    const payloads = due.map((row) => {
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
      return payload;
    });
    const jobs = batchJobs(payloads);
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
    queued += payloads.length;
  }
}
