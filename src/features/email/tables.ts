import type { Generated } from 'kysely';

// Row shapes of the tables the e-mail feature owns. Times are ISO strings
// in UTC.

export type EmailFrequency = 'immediately' | 'daily' | 'weekly' | 'never';
export type DigestFrequency = 'daily' | 'weekly';

/** A person's digest time; people without a row have the defaults. */
export interface EmailSettingsTable {
  person_id: number;
  /** The local hour, 0 to 23, at which digests go. */
  digest_hour: number;
  /** An IANA zone name such as Europe/London. */
  time_zone: string;
  /** The weekly digest's day, 1 (Monday) to 7 (Sunday). */
  weekly_day: number;
  updated_at: string;
}

/** A choice for one kind of notification that differs from the default. */
export interface EmailPreferencesTable {
  person_id: number;
  kind: string;
  frequency: EmailFrequency;
}

/** When a person's next digest of each frequency is due, and what it covers. */
export interface EmailSchedulesTable {
  person_id: number;
  frequency: DigestFrequency;
  /** The end of the last digest's period: the start of the next one's. */
  last_at: string;
  next_at: string;
}

/**
 * - `pending`: recorded before sending; the server has not been given the
 *   end of the message, so it has not accepted it;
 * - `sending`: the end of the message went to the server; whether it
 *   accepted it is not known until it answers;
 * - `sent`: the server accepted it;
 * - `not-sent`: nothing was sent, for the reason in `detail`.
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'not-sent';

/** One message to one person for one event: unique on (person, key). */
export interface EmailDeliveriesTable {
  id: Generated<number>;
  person_id: number;
  /** The event: `notification:42`, `digest:daily:2026-12-05T08:00:00.000Z`. */
  key: string;
  state: DeliveryState;
  /** Which attempt holds the delivery: only it may move it on. */
  attempt: string;
  message_id: string;
  detail: string | null;
  created_at: string;
  updated_at: string;
}

export interface EmailTables {
  email_settings: EmailSettingsTable;
  email_preferences: EmailPreferencesTable;
  email_schedules: EmailSchedulesTable;
  email_deliveries: EmailDeliveriesTable;
}
