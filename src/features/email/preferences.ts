import type { Db } from '../../database.ts';
import { DEFAULT_TIME_ZONE } from '../../platform/time-zones.ts';
import type { EmailFrequency } from './tables.ts';

/** The kinds of notification a person can choose e-mail for. */
export const EMAIL_KINDS = [
  'mention',
  'reply',
  'watched',
  'invitation',
  'request',
  'accepted_answer',
  'page_changed',
] as const;

export type EmailKind = (typeof EMAIL_KINDS)[number];

export const EMAIL_FREQUENCIES: readonly EmailFrequency[] = [
  'immediately',
  'daily',
  'weekly',
  'never',
];

/**
 * What a person gets until they choose. Mentions, invitations and
 * requests to join ask something of the person, often today, so they go
 * at once; replies, new content in what they watch, accepted answers and
 * changed pages are news, gathered into one daily digest so nobody gets
 * a message for every reply in a busy thread.
 */
export const DEFAULT_FREQUENCIES: Record<EmailKind, EmailFrequency> = {
  mention: 'immediately',
  reply: 'daily',
  watched: 'daily',
  invitation: 'immediately',
  request: 'immediately',
  accepted_answer: 'daily',
  page_changed: 'daily',
};

/** Digest time until a person chooses: 08:00 in London, weekly on Monday. */
export const DEFAULT_DIGEST = {
  hour: 8,
  timeZone: DEFAULT_TIME_ZONE,
  weeklyDay: 1,
} as const;

export function isEmailKind(value: string): value is EmailKind {
  return (EMAIL_KINDS as readonly string[]).includes(value);
}

/** A person's choices: a frequency per kind, and when digests go. */
export interface EmailChoices {
  frequencies: Record<EmailKind, EmailFrequency>;
  digestHour: number;
  timeZone: string;
  /** 1 (Monday) to 7 (Sunday). */
  weeklyDay: number;
}

/** A person's choices, with defaults for what they have not chosen. */
export async function getEmailChoices(
  db: Db,
  personId: number,
): Promise<EmailChoices> {
  const [settings, rows] = await Promise.all([
    db
      .selectFrom('email_settings')
      .select(['digest_hour', 'time_zone', 'weekly_day'])
      .where('person_id', '=', personId)
      .executeTakeFirst(),
    db
      .selectFrom('email_preferences')
      .select(['kind', 'frequency'])
      .where('person_id', '=', personId)
      .execute(),
  ]);
  const frequencies = { ...DEFAULT_FREQUENCIES };
  for (const row of rows) {
    if (isEmailKind(row.kind)) {
      frequencies[row.kind] = row.frequency;
    }
  }
  return {
    frequencies,
    digestHour: settings?.digest_hour ?? DEFAULT_DIGEST.hour,
    timeZone: settings?.time_zone ?? DEFAULT_DIGEST.timeZone,
    weeklyDay: settings?.weekly_day ?? DEFAULT_DIGEST.weeklyDay,
  };
}

/**
 * Each person's frequency for one kind, for many people in one query:
 * the stored choice, or the kind's default.
 */
export async function frequenciesFor(
  db: Db,
  kind: EmailKind,
  personIds: number[],
): Promise<Map<number, EmailFrequency>> {
  const chosen = new Map<number, EmailFrequency>();
  if (personIds.length > 0) {
    const rows = await db
      .selectFrom('email_preferences')
      .select(['person_id', 'frequency'])
      .where('kind', '=', kind)
      .where('person_id', 'in', personIds)
      .execute();
    for (const row of rows) {
      chosen.set(row.person_id, row.frequency);
    }
  }
  return new Map(
    personIds.map((id) => [id, chosen.get(id) ?? DEFAULT_FREQUENCIES[kind]]),
  );
}

/** The kinds a person has chosen to get at the given frequency. */
export function kindsAt(
  choices: EmailChoices,
  frequency: EmailFrequency,
): EmailKind[] {
  return EMAIL_KINDS.filter((kind) => choices.frequencies[kind] === frequency);
}
