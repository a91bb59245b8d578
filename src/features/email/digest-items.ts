import type { Db } from '../../database.ts';
import type { DeliverableNotification } from '../notifications/service.ts';
import type { DigestFrequency } from './tables.ts';

/**
 * Which e-mail carries a notification is decided per notification, not
 * per time window, so changing a kind's frequency never sends one twice
 * and never drops one:
 *
 * - every notification has at most one delivery row, keyed
 *   `notification:<id>`, for its recipient. Whoever writes it first
 *   e-mails the notification; nobody else does;
 * - the immediate job writes it (through deliverOnce) only if the kind is
 *   still `immediately` when the job runs. Otherwise it writes nothing and
 *   leaves the notification to the digest of the kind's new frequency;
 * - a digest takes the notifications whose kind is now in its frequency,
 *   made in its look-back (see digestSince) and with no delivery row yet,
 *   and writes their rows (state `sent`, detail naming the digest) before
 *   the digest itself is claimed. A retry of the same digest finds the
 *   rows it wrote and takes those notifications again, so a crash does not
 *   lose them; any other e-mail finds the rows and leaves them out.
 *
 * A row left `pending` by an immediate attempt that died is not a send:
 * a digest may take it over. The price of writing the rows first: if a
 * digest is finally refused by the SMTP server (`not-sent`), its
 * notifications are not tried again by another e-mail.
 */

/** The delivery key that marks a notification as e-mailed. */
export function notificationKey(notificationId: number): string {
  return `notification:${notificationId}`;
}

/** The delivery key of a digest, unique per person and period. */
export function digestKey(frequency: DigestFrequency, until: string): string {
  return `digest:${frequency}:${until}`;
}

const DAY_MS = 24 * 60 * 60_000;
const LOOK_BACK_MS: Record<DigestFrequency, number> = {
  daily: 2 * DAY_MS,
  weekly: 8 * DAY_MS,
};

/**
 * Where a digest starts looking: one period and a day before its end, or
 * its schedule's start if that is earlier (a scheduler that was down). A
 * notification made before the look-back that no e-mail took (its kind
 * was `never` then) is not dug up.
 */
export function digestSince(
  frequency: DigestFrequency,
  since: string,
  until: string,
): string {
  const back = new Date(Date.parse(until) - LOOK_BACK_MS[frequency]);
  return back.toISOString() < since ? back.toISOString() : since;
}

/**
 * Of a person's notifications, those no other e-mail has taken: no
 * delivery row, a row an immediate attempt left `pending`, or a row this
 * digest wrote on an earlier try.
 */
export async function notYetEmailed(
  db: Db,
  personId: number,
  digest: string,
  items: DeliverableNotification[],
): Promise<DeliverableNotification[]> {
  if (items.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom('email_deliveries')
    .select(['key', 'state', 'detail'])
    .where('person_id', '=', personId)
    .where(
      'key',
      'in',
      items.map((item) => notificationKey(item.id)),
    )
    .execute();
  const taken = new Set(
    rows
      .filter((row) => row.state !== 'pending' && row.detail !== digest)
      .map((row) => row.key),
  );
  return items.filter((item) => !taken.has(notificationKey(item.id)));
}

/**
 * Writes the delivery rows that give the notifications to this digest,
 * and returns the ones it holds: an immediate e-mail that got there in
 * between keeps its own.
 */
export async function takeForDigest(
  db: Db,
  personId: number,
  digest: string,
  messageId: string,
  items: DeliverableNotification[],
): Promise<DeliverableNotification[]> {
  if (items.length === 0) {
    return [];
  }
  const now = new Date().toISOString();
  const held = await db
    .insertInto('email_deliveries')
    .values(
      items.map((item) => ({
        person_id: personId,
        key: notificationKey(item.id),
        state: 'sent' as const,
        attempt: digest,
        message_id: messageId,
        detail: digest,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['person_id', 'key'])
        .doUpdateSet({
          state: 'sent',
          attempt: digest,
          message_id: messageId,
          detail: digest,
          updated_at: now,
        })
        .where((eb) =>
          eb.or([
            eb('email_deliveries.state', '=', 'pending'),
            eb('email_deliveries.detail', '=', digest),
          ]),
        ),
    )
    .returning('key')
    .execute();
  const keys = new Set(held.map((row) => row.key));
  return items.filter((item) => keys.has(notificationKey(item.id)));
}
