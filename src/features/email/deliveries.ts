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
 * missing e-mail to a person receiving the same one twice. A batch
 * records `sent` for several messages at once (deliverEach), so the rows
 * a dead worker left in `sending` are mostly messages that went; the one
 * whose fate is truly not known is among them, and the log says so.
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
  const [result] = await deliverEach(db, mailer, [delivery], options);
  if (!result) {
    throw new Error('deliverEach gave no outcome for a delivery');
  }
  if (result.outcome === undefined) {
    throw result.error;
  }
  return result.outcome;
}

/** What became of one delivery of a batch: an outcome, or its error. */
export type BatchOutcome =
  | { outcome: DeliveryOutcome; error?: undefined }
  | { outcome?: undefined; error: unknown };

/** `sent` is recorded in groups of this many, to save commits. */
const SENT_GROUP = 10;

/**
 * deliverOnce for many deliveries, with the same guarantee and fewer
 * commits: the states are read in one query, the `pending` rows are
 * claimed in one statement, and `sent` is written for up to SENT_GROUP
 * messages at a time. Only the move to `sending` stays one commit per
 * message, because it must be on disk before that message's end mark.
 * A message whose `sent` is not yet written when the worker dies stays
 * `sending`, which is not sent again: the same as dying before the
 * server's answer. One delivery failing does not stop the others; each
 * outcome, or its error, is given in order.
 */
export async function deliverEach(
  db: Db,
  mailer: Mailer,
  deliveries: readonly Delivery[],
  options: { host: string; log?: Logger },
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = deliveries.map(() => ({
    outcome: 'already-handled',
  }));
  if (deliveries.length === 0) {
    return outcomes;
  }
  const keyOf = (d: Pick<Delivery, 'personId' | 'key'>) =>
    `${d.personId}\n${d.key}`;
  const existing = await db
    .selectFrom('email_deliveries')
    .select(['person_id', 'key', 'state'])
    .where('person_id', 'in', [...new Set(deliveries.map((d) => d.personId))])
    .where('key', 'in', [...new Set(deliveries.map((d) => d.key))])
    .execute();
  const handled = new Set(
    existing
      .filter((row) => row.state !== 'pending')
      .map((row) => keyOf({ personId: row.person_id, key: row.key })),
  );

  const built: { index: number; messageId: string; email: OutgoingEmail }[] =
    [];
  for (const [index, delivery] of deliveries.entries()) {
    if (handled.has(keyOf(delivery))) {
      continue;
    }
    try {
      const messageId = deliveryMessageId(delivery, options.host);
      const email = await delivery.build(messageId);
      if (email) {
        built.push({ index, messageId, email });
      } else {
        outcomes[index] = { outcome: 'nothing-to-send' };
      }
    } catch (error) {
      outcomes[index] = { error };
    }
  }
  if (built.length === 0) {
    return outcomes;
  }

  const attempt = randomUUID();
  const now = new Date().toISOString();
  const claimed = await db
    .insertInto('email_deliveries')
    .values(
      built.map(({ index, messageId }) => ({
        person_id: deliveries[index]!.personId,
        key: deliveries[index]!.key,
        state: 'pending' as const,
        attempt,
        message_id: messageId,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['person_id', 'key'])
        .doUpdateSet({ attempt, updated_at: now })
        .where('email_deliveries.state', '=', 'pending'),
    )
    .returning(['id', 'person_id', 'key'])
    .execute();
  const ids = new Map(
    claimed.map((row) => [
      keyOf({ personId: row.person_id, key: row.key }),
      row.id,
    ]),
  );

  const mine = (rows: number[]) =>
    db
      .updateTable('email_deliveries')
      .where('id', 'in', rows)
      .where('attempt', '=', attempt);
  let sent: number[] = [];
  const recordSent = async () => {
    if (sent.length > 0) {
      const rows = sent;
      sent = [];
      await mine(rows)
        .set({ state: 'sent', detail: null, updated_at: nowIso() })
        .execute();
    }
  };

  try {
    for (const { index, email } of built) {
      const delivery = deliveries[index]!;
      const id = ids.get(keyOf(delivery));
      if (id === undefined) {
        continue; // Another attempt finished it meanwhile.
      }
      try {
        const result = await mailer.send(email, {
          beforeEnd: () => markSending(db, id, attempt),
        });
        if (result.status === 'not-sent') {
          await mine([id])
            .set({
              state: 'not-sent',
              detail: result.reason,
              updated_at: nowIso(),
            })
            .execute();
          outcomes[index] = { outcome: 'not-sent' };
        } else {
          sent.push(id);
          outcomes[index] = { outcome: 'sent' };
          if (sent.length >= SENT_GROUP) {
            await recordSent();
          }
        }
      } catch (error) {
        outcomes[index] = await afterFailure(db, error, {
          id,
          attempt,
          personId: delivery.personId,
          ...(options.log ? { log: options.log } : {}),
        });
      }
    }
  } finally {
    await recordSent();
  }
  return outcomes;
}

function nowIso(): string {
  return new Date().toISOString();
}

/** What a failed send means for its row; see the comment at the top. */
async function afterFailure(
  db: Db,
  error: unknown,
  row: { id: number; attempt: string; personId: number; log?: Logger },
): Promise<BatchOutcome> {
  if (error instanceof SendAbandonedError) {
    return { outcome: 'taken-over' };
  }
  if (error instanceof SendFailedError && error.afterEnd) {
    if (!error.rejected) {
      row.log?.warn(
        { personId: row.personId, deliveryId: row.id },
        'e-mail outcome unknown: the connection ended before the answer',
      );
      return { outcome: 'already-handled' };
    }
    // The server refused the finished message: it kept nothing.
    await db
      .updateTable('email_deliveries')
      .set({ state: 'pending', updated_at: nowIso() })
      .where('id', '=', row.id)
      .where('attempt', '=', row.attempt)
      .where('state', '=', 'sending')
      .execute();
  }
  return { error };
}
