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

/** One person's digest and the notifications it may carry. */
export interface DigestClaim {
  personId: number;
  /** The digest's delivery key. */
  digest: string;
  messageId: string;
  items: DeliverableNotification[];
}

/**
 * Of each person's notifications, those no other e-mail has taken: no
 * delivery row, a row an immediate attempt left `pending`, or a row this
 * digest wrote on an earlier try. One query for the whole batch.
 */
export async function notYetEmailedMany(
  db: Db,
  claims: readonly DigestClaim[],
): Promise<DigestClaim[]> {
  const keys = claims.flatMap((c) => c.items.map((n) => notificationKey(n.id)));
  if (keys.length === 0) {
    return claims.map((claim) => ({ ...claim, items: [] }));
  }
  const rows = await db
    .selectFrom('email_deliveries')
    .select(['person_id', 'key', 'state', 'detail'])
    .where('person_id', 'in', [...new Set(claims.map((c) => c.personId))])
    .where('key', 'in', keys)
    .execute();
  const taken = new Map<string, string | null>();
  for (const row of rows) {
    if (row.state !== 'pending') {
      taken.set(`${row.person_id}\n${row.key}`, row.detail);
    }
  }
  return claims.map((claim) => ({
    ...claim,
    items: claim.items.filter((item) => {
      const mark = `${claim.personId}\n${notificationKey(item.id)}`;
      return !taken.has(mark) || taken.get(mark) === claim.digest;
    }),
  }));
}

/** notYetEmailedMany for one person. */
export async function notYetEmailed(
  db: Db,
  personId: number,
  digest: string,
  items: DeliverableNotification[],
): Promise<DeliverableNotification[]> {
  const [claim] = await notYetEmailedMany(db, [
    { personId, digest, messageId: '', items },
  ]);
  return claim?.items ?? [];
}

const WRITE_BATCH = 500;

/**
 * Writes the delivery rows that give the notifications to their digests,
 * a few statements for the whole batch, and returns what each digest
 * holds: an immediate e-mail that got there in between keeps its own.
 */
export async function takeForDigests(
  db: Db,
  claims: readonly DigestClaim[],
): Promise<DigestClaim[]> {
  const now = new Date().toISOString();
  const values = claims.flatMap((claim) =>
    claim.items.map((item) => ({
      person_id: claim.personId,
      key: notificationKey(item.id),
      state: 'sent' as const,
      attempt: claim.digest,
      message_id: claim.messageId,
      detail: claim.digest,
      created_at: now,
      updated_at: now,
    })),
  );
  const held = new Set<string>();
  for (let at = 0; at < values.length; at += WRITE_BATCH) {
    const rows = await db
      .insertInto('email_deliveries')
      .values(values.slice(at, at + WRITE_BATCH))
      .onConflict((oc) =>
        oc
          .columns(['person_id', 'key'])
          .doUpdateSet((eb) => ({
            state: 'sent',
            attempt: eb.ref('excluded.attempt'),
            message_id: eb.ref('excluded.message_id'),
            detail: eb.ref('excluded.detail'),
            updated_at: now,
          }))
          .where((eb) =>
            eb.or([
              eb('email_deliveries.state', '=', 'pending'),
              eb('email_deliveries.detail', '=', eb.ref('excluded.detail')),
            ]),
          ),
      )
      .returning(['person_id', 'key'])
      .execute();
    for (const row of rows) {
      held.add(`${row.person_id}\n${row.key}`);
    }
  }
  return claims.map((claim) => ({
    ...claim,
    items: claim.items.filter((item) =>
      held.has(`${claim.personId}\n${notificationKey(item.id)}`),
    ),
  }));
}

/** takeForDigests for one person. */
export async function takeForDigest(
  db: Db,
  personId: number,
  digest: string,
  messageId: string,
  items: DeliverableNotification[],
): Promise<DeliverableNotification[]> {
  const [claim] = await takeForDigests(db, [
    { personId, digest, messageId, items },
  ]);
  return claim?.items ?? [];
}
