import type { Db } from '../../database.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import type { SubjectType } from './subjects.ts';
import type { FanOut } from './fanout.ts';
import { ACTIVITY_FANOUT_JOB } from './fanout.ts';

// Writing activity events, in the transaction of the content they are
// about. An event is what streams show; notifications of watchers are
// made by a job (./fanout.ts) queued in the same transaction, because a
// category 21,000 people watch must not hold up the request.

export type ActivityVerb =
  | 'thread.started'
  | 'reply.posted'
  | 'answer.accepted'
  | 'status.posted'
  | 'blog_post.published'
  | 'blog_comment.added'
  | 'wiki_page.created'
  | 'wiki_page.changed'
  | 'group.created'
  | 'group.joined';

export interface NewActivity {
  actorId: number;
  verb: ActivityVerb;
  subject: { type: SubjectType; id: number };
  /** The group it happened in; null for site-wide or personal spaces. */
  groupId: number | null;
  summary: string;
  url: string;
  /** When it happened, or will: a scheduled post's publishing instant. */
  createdAt: string;
  /** A site announcement, on every home page. */
  announcement?: boolean;
  /** Names the happening; by default its verb and subject. */
  eventKey?: string;
}

/**
 * Records an event once: a second event with the same key updates the
 * first's time and text instead (a scheduled post moved to another
 * instant). Returns the event's id.
 */
export async function recordActivity(
  db: Db,
  event: NewActivity,
): Promise<number> {
  const key =
    event.eventKey ?? `${event.verb}:${event.subject.type}:${event.subject.id}`;
  const row = await db
    .insertInto('activity_events')
    .values({
      actor_id: event.actorId,
      verb: event.verb,
      subject_type: event.subject.type,
      subject_id: event.subject.id,
      group_id: event.groupId,
      announcement: event.announcement === true ? 1 : 0,
      summary: event.summary,
      url: event.url,
      event_key: key,
      created_at: event.createdAt,
    })
    .onConflict((oc) =>
      oc.column('event_key').doUpdateSet({
        summary: event.summary,
        url: event.url,
        created_at: event.createdAt,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Queues the notifications of an event's watchers, to run from the
 * event's instant on (a scheduled post's watchers hear of it when it is
 * published, not when it is written). Once per event and instant.
 */
export async function queueFanOut(
  db: Db,
  eventId: number,
  fanOut: FanOut,
): Promise<void> {
  await enqueueJob(db, {
    type: ACTIVITY_FANOUT_JOB,
    payload: fanOut,
    runAt: new Date(fanOut.notification.createdAt),
    key: `${ACTIVITY_FANOUT_JOB}:${eventId}:${fanOut.notification.createdAt}`,
  });
}
