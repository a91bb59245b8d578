import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Db } from '../../database.ts';
import { deleteDoneJobs, enqueueJob } from '../../platform/jobs.ts';
import type { JobHandlers } from '../../platform/jobs.ts';
import type { Mailer } from '../../platform/mail.ts';
import { listDeliverableNotifications } from '../notifications/service.ts';
import { deliverOnce } from './deliveries.ts';
import { DIGEST_BATCH_JOB, sendDigestBatch } from './digest-batch.ts';
import type { DigestBatchPayload } from './digest-batch.ts';
import { notificationKey } from './digest-items.ts';
import { queueDueDigests } from './digests.ts';
import { IMMEDIATE_EMAIL_JOB } from './immediate.ts';
import type { ImmediateEmailPayload } from './immediate.ts';
import { notificationEmail } from './messages.ts';
import type { EmailSite, Recipient } from './messages.ts';
import { getEmailChoices, kindsAt } from './preferences.ts';

/** The job that queues due digests, then queues itself again. */
export const DIGEST_SCHEDULER_JOB = 'email.schedule-digests';

/** How often the scheduler looks for due digests. */
export const SCHEDULER_INTERVAL_MS = 5 * 60_000;

export interface EmailJobContext {
  mailer: Mailer;
  site: EmailSite;
  log?: Logger;
}

/**
 * Queues the scheduler's next run, keyed by its time slot, so every app
 * process may call this at start and each slot still runs once.
 */
export async function queueDigestScheduler(
  db: Db,
  now = new Date(),
): Promise<void> {
  const slot = Math.floor(now.getTime() / SCHEDULER_INTERVAL_MS) + 1;
  await enqueueJob(db, {
    type: DIGEST_SCHEDULER_JOB,
    payload: {},
    runAt: new Date(slot * SCHEDULER_INTERVAL_MS),
    key: `${DIGEST_SCHEDULER_JOB}:${slot}`,
  });
}

async function recipient(db: Db, personId: number) {
  const person = await db
    .selectFrom('people')
    .select(['id', 'display_name', 'email'])
    .where('id', '=', personId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!person?.email) {
    return undefined;
  }
  const to: Recipient = {
    id: person.id,
    displayName: person.display_name,
    email: person.email,
  };
  return to;
}

// An immediate e-mail goes only for a notification made in the day
// before it was queued; older ones (an import, a backlog) wait for the
// page and digests rather than arriving as if new.
const IMMEDIATE_WINDOW_MS = 24 * 60 * 60_000;

/** The e-mail feature's job handlers, for src/job-handlers.ts. */
export function emailJobHandlers(
  context: EmailJobContext,
): JobHandlers<Database> {
  const host = context.site.publicUrl.hostname;
  const options = { host, ...(context.log ? { log: context.log } : {}) };
  return {
    [DIGEST_SCHEDULER_JOB]: async (db) => {
      const queued = await queueDueDigests(db);
      const deleted = await deleteDoneJobs(db);
      context.log?.info(
        { queued, deleted },
        'digests queued, old jobs deleted',
      );
      await queueDigestScheduler(db);
    },

    [DIGEST_BATCH_JOB]: async (db, payload) => {
      await sendDigestBatch(db, context, payload as DigestBatchPayload);
    },

    [IMMEDIATE_EMAIL_JOB]: async (db: Kysely<Database>, payload) => {
      const job = payload as ImmediateEmailPayload;
      await deliverOnce(
        db,
        context.mailer,
        {
          personId: job.personId,
          key: notificationKey(job.notificationId),
          build: (messageId) => buildImmediate(db, context, job, messageId),
        },
        options,
      );
    },
  };
}

async function buildImmediate(
  db: Db,
  context: EmailJobContext,
  job: ImmediateEmailPayload,
  messageId: string,
) {
  const to = await recipient(db, job.personId);
  if (!to) {
    return undefined;
  }
  const now = new Date();
  const queued = Date.parse(job.queuedAt);
  // Sent only while its kind is still `immediately`; otherwise the
  // digest of its new frequency takes it (see digest-items.ts).
  const choices = await getEmailChoices(db, job.personId);
  const wanted = kindsAt(choices, 'immediately');
  // Read through the notifications' own read rule: one whose content
  // its recipient can no longer see is not sent.
  const items = await listDeliverableNotifications(db, job.personId, {
    since: new Date(queued - IMMEDIATE_WINDOW_MS).toISOString(),
    until: now.toISOString(),
    kinds: wanted,
  });
  const notification = items.find((n) => n.id === job.notificationId);
  if (!notification) {
    return undefined;
  }
  return notificationEmail(context.site, to, notification, messageId);
}
