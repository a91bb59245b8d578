import type { Db } from '../../database.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { frequenciesFor, isEmailKind } from './preferences.ts';
import type { EmailKind } from './preferences.ts';

/** The job that e-mails one notification to its recipient at once. */
export const IMMEDIATE_EMAIL_JOB = 'email.notification';

export interface ImmediateEmailPayload {
  notificationId: number;
  personId: number;
  /** When it was queued: the notification was made in the day before. */
  queuedAt: string;
}

/**
 * Queues an e-mail for each new notification whose recipient wants that
 * kind immediately, in the caller's transaction: the job exists exactly
 * when the notification does. Keyed by the notification, so calling this
 * twice for one notification queues one e-mail.
 */
export async function queueNotificationEmails(
  trx: Db,
  notifications: { id: number; personId: number; kind: string }[],
): Promise<void> {
  const byKind = new Map<EmailKind, typeof notifications>();
  for (const notification of notifications) {
    if (isEmailKind(notification.kind)) {
      const list = byKind.get(notification.kind) ?? [];
      list.push(notification);
      byKind.set(notification.kind, list);
    }
  }
  for (const [kind, list] of byKind) {
    const people = [...new Set(list.map((n) => n.personId))];
    const frequencies = await frequenciesFor(trx, kind, people);
    for (const notification of list) {
      if (frequencies.get(notification.personId) !== 'immediately') {
        continue;
      }
      const payload: ImmediateEmailPayload = {
        notificationId: notification.id,
        personId: notification.personId,
        queuedAt: new Date().toISOString(),
      };
      await enqueueJob(trx, {
        type: IMMEDIATE_EMAIL_JOB,
        payload,
        key: `email.notification:${notification.id}`,
      });
    }
  }
}
