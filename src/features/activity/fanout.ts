import type { Kysely } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { notifyPeople } from '../notifications/service.ts';
import type { NewNotification } from '../notifications/service.ts';
import { peopleAtLevel } from '../talk/reading.ts';
import { watchersOfPage } from '../wiki/watches.ts';
import { peopleWatching } from './follows.ts';

// Telling watchers of new content, from a job: a category 21,000 people
// watch is told in batches outside the request that wrote the post.
// Running it twice notifies nobody twice (a notification is unique per
// person and event), so a worker that dies halfway is simply run again.
//
// Who is told: a thread's watchers of its replies; a category's of its
// new threads and replies; a group's of new threads, status posts, blog
// posts and wiki pages in it; a blog's of its new posts; a wiki page's or
// space's of every change. The nearer setting wins: muting a thread
// silences its category's watch, muting a category its group's, muting a
// blog its group's.

export const ACTIVITY_FANOUT_JOB = 'activity.fanout';

/** Where the new content sits, as far as watches go. */
export interface WatchTargets {
  threadId?: number;
  categoryId?: number;
  groupId?: number | null;
  blogId?: number;
  page?: { id: number; spaceId: number };
  /** Whether the group's watchers hear of it (new content, not replies). */
  toGroup?: boolean;
}

/** A job's payload: the notification and where to find its watchers. */
export interface FanOut {
  notification: NewNotification;
  targets: WatchTargets;
  /** People the content mentions, told first and as a mention. */
  mentioned?: number[];
  /** What a mention says, e.g. "Ava mentioned you in “Roadmap”". */
  mentionSummary?: string;
}

/** Who of the watchers of `targets` hears of new content there. */
export async function watchersOf(
  db: Db,
  targets: WatchTargets,
): Promise<Set<number>> {
  const told = new Set<number>();
  const add = (ids: Iterable<number>, except: ReadonlySet<number>) => {
    for (const id of ids) {
      if (!except.has(id)) {
        told.add(id);
      }
    }
  };
  const none = new Set<number>();
  const threadMutes = new Set(
    targets.threadId === undefined
      ? []
      : await peopleAtLevel(db, { threadId: targets.threadId }, 'mute'),
  );
  const categoryMutes = new Set(
    targets.categoryId === undefined
      ? []
      : await peopleAtLevel(db, { categoryId: targets.categoryId }, 'mute'),
  );
  const blogMutes = new Set(
    targets.blogId === undefined
      ? []
      : await peopleWatching(db, { blogId: targets.blogId }, 'mute'),
  );
  if (targets.threadId !== undefined) {
    add(await peopleAtLevel(db, { threadId: targets.threadId }, 'watch'), none);
  }
  if (targets.categoryId !== undefined) {
    const watching = await peopleAtLevel(
      db,
      { categoryId: targets.categoryId },
      'watch',
    );
    add(watching, threadMutes);
  }
  if (targets.blogId !== undefined) {
    add(await peopleWatching(db, { blogId: targets.blogId }, 'watch'), none);
  }
  if (targets.page !== undefined) {
    add(await watchersOfPage(db, targets.page), none);
  }
  if (targets.toGroup === true && targets.groupId) {
    const group = { groupId: targets.groupId };
    const muted = new Set([
      ...threadMutes,
      ...categoryMutes,
      ...blogMutes,
      ...(await peopleWatching(db, group, 'mute')),
    ]);
    add(await peopleWatching(db, group, 'watch'), muted);
  }
  return told;
}

/** Runs one fan-out: the mentioned first, then every watcher. */
export async function fanOut(db: Db, job: FanOut): Promise<number> {
  // Checked no earlier than the content's own instant, and never before
  // the time of running: what was hidden meanwhile reaches nobody.
  const now = new Date().toISOString();
  const at =
    job.notification.createdAt > now ? job.notification.createdAt : now;
  const checked = { ...job.notification, checkedAt: at };
  let count = 0;
  if (job.mentioned && job.mentioned.length > 0) {
    count += await notifyPeople(db, job.mentioned, {
      ...checked,
      kind: 'mention',
      summary: job.mentionSummary ?? checked.summary,
    });
  }
  const watchers = await watchersOf(db, job.targets);
  count += await notifyPeople(db, watchers, checked);
  return count;
}

/** The job handler, as src/job-handlers.ts registers it. */
export async function runFanOutJob(
  db: Kysely<Database>,
  payload: unknown,
): Promise<void> {
  await fanOut(db, payload as FanOut);
}
