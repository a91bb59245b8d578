import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { SendAbandonedError, SendFailedError } from '../../platform/mail.ts';
import type { Mailer, OutgoingEmail } from '../../platform/mail.ts';

/**
 * At most one message to a person for an event, even when a worker dies
 * mid-send and its job runs again.
 *
 * A delivery row, unique on (person, key), is committed as `pending`
 * before anything goes to the SMTP server. Once the whole message is with
 * the server, and before the end-of-data mark that makes it take the
 * message, the row moves to `sending` (platform/mail.ts asks at exactly
 * that point); when the server answers it becomes `sent`. After a crash:
 *
 * - `pending`: the server never got the end of the message and kept
 *   nothing (RFC 5321), so it is sent again; the new attempt takes the
 *   row over, and an older attempt still running can no longer reach
 *   `sending`, so two live workers cannot both finish it;
 * - `sending`: the end went, and the crash came before the answer was
 *   recorded. The server most likely took it, so it is not sent again.
 *
 * That last case is the trade-off: at most once. A crash in the short
 * moment between writing `sending` and the end-of-data mark leaving the
 * process loses the message instead of repeating it; we prefer a rare
 * missing e-mail to a person receiving the same one twice. Rows left in
 * `sending` are the ones whose fate is not known, and the log says so.
 */

export interface Delivery {
  personId: number;
  /** The event, unique per person: `notification:42`, `digest:daily:…`. */
  key: string;
  /** Builds the message; undefined when there is nothing to send. */
  build: (messageId: string) => Promise<OutgoingEmail | undefined>;
}

export type DeliveryOutcome =
  'sent' | 'not-sent' | 'nothing-to-send' | 'already-handled' | 'taken-over';

/** The same Message-ID for every attempt at one delivery. */
export function deliveryMessageId(
  delivery: Pick<Delivery, 'personId' | 'key'>,
  host: string,
): string {
  const hash = createHash('sha256')
    .update(`${delivery.personId}\n${delivery.key}`)
    .digest('base64url')
    .slice(0, 22);
  return `<${hash}.${delivery.personId}@${host}>`;
}

/**
 * Moves the delivery to `sending` if this attempt still holds it. On
 * PostgreSQL the commit does not wait for the disk (synchronous_commit
 * off): a worker killed while a flush took its milliseconds would leave
 * `sending` committed and the message never finished, so waiting would
 * widen the moment in which a crash loses a message from microseconds
 * to milliseconds. The price: if the database server itself crashes in
 * the fraction of a second before the flush, the row may fall back to
 * `pending` and the message go twice.
 */
async function markSending(
  db: Db,
  id: number,
  attempt: string,
): Promise<boolean> {
  const move = (on: Db) =>
    on
      .updateTable('email_deliveries')
      .set({ state: 'sending', updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('attempt', '=', attempt)
      .where('state', '=', 'pending')
      .executeTakeFirst();
  if (db.isTransaction || dialectOf(db) !== 'postgres') {
    return Number((await move(db)).numUpdatedRows) === 1;
  }
  const moved = await db.transaction().execute(async (trx) => {
    await sql`set local synchronous_commit = off`.execute(trx);
    return move(trx);
  });
  return Number(moved.numUpdatedRows) === 1;
}

/** Sends a delivery unless it was handled before; see above. */
export async function deliverOnce(
  db: Db,
  mailer: Mailer,
  delivery: Delivery,
  options: { host: string; log?: Logger },
): Promise<DeliveryOutcome> {
  const existing = await db
    .selectFrom('email_deliveries')
    .select('state')
    .where('person_id', '=', delivery.personId)
    .where('key', '=', delivery.key)
    .executeTakeFirst();
  if (existing && existing.state !== 'pending') {
    return 'already-handled';
  }

  const messageId = deliveryMessageId(delivery, options.host);
  const email = await delivery.build(messageId);
  if (!email) {
    return 'nothing-to-send';
  }

  const attempt = randomUUID();
  const now = new Date().toISOString();
  const claimed = await db
    .insertInto('email_deliveries')
    .values({
      person_id: delivery.personId,
      key: delivery.key,
      state: 'pending',
      attempt,
      message_id: messageId,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['person_id', 'key'])
        .doUpdateSet({ attempt, updated_at: now })
        .where('email_deliveries.state', '=', 'pending'),
    )
    .returning('id')
    .executeTakeFirst();
  if (!claimed) {
    return 'already-handled';
  }
  const mine = () =>
    db
      .updateTable('email_deliveries')
      .where('id', '=', claimed.id)
      .where('attempt', '=', attempt);

  try {
    const result = await mailer.send(email, {
      beforeEnd: () => markSending(db, claimed.id, attempt),
    });
    const at = new Date().toISOString();
    if (result.status === 'not-sent') {
      await mine()
        .set({ state: 'not-sent', detail: result.reason, updated_at: at })
        .execute();
      return 'not-sent';
    }
    await mine().set({ state: 'sent', detail: null, updated_at: at }).execute();
    return 'sent';
  } catch (error) {
    if (error instanceof SendAbandonedError) {
      return 'taken-over';
    }
    if (error instanceof SendFailedError && error.afterEnd) {
      if (error.rejected) {
        // The server refused the finished message: it kept nothing.
        await mine()
          .set({ state: 'pending', updated_at: new Date().toISOString() })
          .where('state', '=', 'sending')
          .execute();
      } else {
        options.log?.warn(
          { personId: delivery.personId, deliveryId: claimed.id },
          'e-mail outcome unknown: the connection ended before the answer',
        );
        return 'already-handled';
      }
    }
    throw error;
  }
}
