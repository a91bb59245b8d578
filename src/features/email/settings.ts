import type { Db } from '../../database.ts';
import { DEFAULT_FREQUENCIES, EMAIL_KINDS } from './preferences.ts';
import type { EmailChoices, EmailKind } from './preferences.ts';
import { nextDigestAt } from './schedule.ts';
import type { DigestTime } from './schedule.ts';
import type { DigestFrequency, EmailFrequency } from './tables.ts';

/**
 * Saves frequencies for some kinds. Only choices that differ from a
 * kind's default are stored, so a later change of default reaches
 * everyone who never chose.
 */
export async function saveEmailFrequencies(
  db: Db,
  personId: number,
  frequencies: Partial<Record<EmailKind, EmailFrequency>>,
): Promise<void> {
  for (const kind of EMAIL_KINDS) {
    const frequency = frequencies[kind];
    if (!frequency) {
      continue;
    }
    if (frequency === DEFAULT_FREQUENCIES[kind]) {
      await db
        .deleteFrom('email_preferences')
        .where('person_id', '=', personId)
        .where('kind', '=', kind)
        .execute();
      continue;
    }
    await db
      .insertInto('email_preferences')
      .values({ person_id: personId, kind, frequency })
      .onConflict((oc) =>
        oc.columns(['person_id', 'kind']).doUpdateSet({ frequency }),
      )
      .execute();
  }
}

/** Saves all of a person's choices and moves their next digests. */
export async function saveEmailChoices(
  db: Db,
  personId: number,
  choices: EmailChoices,
  now = new Date(),
): Promise<void> {
  await saveEmailFrequencies(db, personId, choices.frequencies);
  const settings = {
    digest_hour: choices.digestHour,
    time_zone: choices.timeZone,
    weekly_day: choices.weeklyDay,
    updated_at: now.toISOString(),
  };
  await db
    .insertInto('email_settings')
    .values({ person_id: personId, ...settings })
    .onConflict((oc) => oc.column('person_id').doUpdateSet(settings))
    .execute();
  await rescheduleDigests(
    db,
    personId,
    {
      hour: choices.digestHour,
      timeZone: choices.timeZone,
      weeklyDay: choices.weeklyDay,
    },
    now,
  );
}

/**
 * Sets when a person's next digests are due from now. What the next one
 * covers still starts where the last one ended, so nothing is skipped.
 */
export async function rescheduleDigests(
  db: Db,
  personId: number,
  time: DigestTime,
  now: Date,
): Promise<void> {
  for (const frequency of ['daily', 'weekly'] as DigestFrequency[]) {
    const next = nextDigestAt(time, frequency, now).toISOString();
    await db
      .insertInto('email_schedules')
      .values({
        person_id: personId,
        frequency,
        last_at: now.toISOString(),
        next_at: next,
      })
      .onConflict((oc) =>
        oc.columns(['person_id', 'frequency']).doUpdateSet({ next_at: next }),
      )
      .execute();
  }
}
