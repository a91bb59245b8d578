import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../database.ts';
import type { Mailer } from '../../platform/mail.ts';
import { listDeliverableNotificationsFor } from '../notifications/batch.ts';
import { deliverEach, deliveryMessageId } from './deliveries.ts';
import {
  digestKey,
  digestSince,
  notYetEmailedMany,
  takeForDigests,
} from './digest-items.ts';
import type { DigestClaim } from './digest-items.ts';
import type { DigestPayload } from './digests.ts';
import { digestEmail } from './messages.ts';
import type { EmailSite, Recipient } from './messages.ts';
import {
  DEFAULT_FREQUENCIES,
  EMAIL_KINDS,
  isEmailKind,
} from './preferences.ts';

/** The job that e-mails the digests of a batch of people. */
export const DIGEST_BATCH_JOB = 'email.digest-batch';

export interface DigestBatchPayload {
  digests: DigestPayload[];
}

/**
 * Sends a batch of digests. Everything a digest needs is read for the
 * whole batch at once (choices, addresses, the notifications each person
 * may read, which of them another e-mail took), and the notifications'
 * delivery rows are written in a few statements; then the digests go
 * through deliverEach (./deliveries.ts), so a batch run again after a
 * crash sends only the digests not yet handled. One digest failing does not stop the
 * others; the job then fails, and its retry skips what was sent.
 */
export async function sendDigestBatch(
  db: Kysely<Database>,
  context: { mailer: Mailer; site: EmailSite; log?: Logger },
  payload: DigestBatchPayload,
): Promise<void> {
  const host = context.site.publicUrl.hostname;
  const digests = payload.digests;
  const ids = [...new Set(digests.map((digest) => digest.personId))];
  if (ids.length === 0) {
    return;
  }
  const keyOf = (digest: DigestPayload) =>
    digestKey(digest.frequency, digest.until);

  const [handled, preferences, people] = await Promise.all([
    db
      .selectFrom('email_deliveries')
      .select(['person_id', 'key'])
      .where('person_id', 'in', ids)
      .where('key', 'in', [...new Set(digests.map(keyOf))])
      .where('state', '!=', 'pending')
      .execute(),
    db
      .selectFrom('email_preferences')
      .select(['person_id', 'kind', 'frequency'])
      .where('person_id', 'in', ids)
      .execute(),
    db
      .selectFrom('people')
      .select(['id', 'display_name', 'email'])
      .where('id', 'in', ids)
      .where('status', '=', 'active')
      .execute(),
  ]);
  const done = new Set(handled.map((row) => `${row.person_id}\n${row.key}`));
  const chosen = new Map<string, string>();
  for (const row of preferences) {
    chosen.set(`${row.person_id}\n${row.kind}`, row.frequency);
  }
  const recipients = new Map<number, Recipient>();
  for (const person of people) {
    if (person.email) {
      recipients.set(person.id, {
        id: person.id,
        displayName: person.display_name,
        email: person.email,
      });
    }
  }

  const wanted = digests
    .filter((digest) => recipients.has(digest.personId))
    .filter((digest) => !done.has(`${digest.personId}\n${keyOf(digest)}`))
    .map((digest) => ({
      digest,
      kinds: EMAIL_KINDS.filter(
        (kind) =>
          (chosen.get(`${digest.personId}\n${kind}`) ??
            DEFAULT_FREQUENCIES[kind]) === digest.frequency,
      ).filter(isEmailKind),
    }))
    .filter((entry) => entry.kinds.length > 0);
  const readable = await listDeliverableNotificationsFor(
    db,
    wanted.map(({ digest, kinds }) => ({
      personId: digest.personId,
      since: digestSince(digest.frequency, digest.since, digest.until),
      until: digest.until,
      kinds,
    })),
  );
  // A person may have a daily and a weekly digest in one batch: each
  // takes only its own kinds and period from the person's list.
  const claims: DigestClaim[] = wanted.map(({ digest, kinds }) => {
    const key = keyOf(digest);
    const since = digestSince(digest.frequency, digest.since, digest.until);
    const own = new Set<string>(kinds);
    return {
      personId: digest.personId,
      digest: key,
      messageId: deliveryMessageId({ personId: digest.personId, key }, host),
      items: (readable.get(digest.personId) ?? []).filter(
        (item) =>
          own.has(item.kind) &&
          item.createdAt > since &&
          item.createdAt <= digest.until,
      ),
    };
  });
  const held = await takeForDigests(db, await notYetEmailedMany(db, claims));

  const byKey = new Map(
    wanted.map(({ digest }) => [
      `${digest.personId}\n${keyOf(digest)}`,
      digest,
    ]),
  );
  const sendable = held.flatMap((claim) => {
    const digest = byKey.get(`${claim.personId}\n${claim.digest}`);
    const to = recipients.get(claim.personId);
    if (!digest || !to || claim.items.length === 0) {
      return [];
    }
    return [
      {
        personId: claim.personId,
        key: claim.digest,
        build: async (messageId: string) =>
          digestEmail(
            context.site,
            to,
            digest.frequency,
            claim.items,
            messageId,
          ),
      },
    ];
  });
  const outcomes = await deliverEach(db, context.mailer, sendable, {
    host,
    ...(context.log ? { log: context.log } : {}),
  });
  let failure: unknown;
  for (const [index, result] of outcomes.entries()) {
    if (result.error !== undefined) {
      failure ??= result.error;
      context.log?.warn(
        { err: result.error, personId: sendable[index]?.personId },
        'digest not sent; the batch will be tried again',
      );
    }
  }
  if (failure !== undefined) {
    throw failure;
  }
}
