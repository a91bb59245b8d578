import type { PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import {
  AppError,
  ForbiddenError,
  ValidationError,
} from '../../../platform/errors.ts';
import { FieldValidator } from '../../../platform/validation.ts';
import { threadMoved } from '../../activity/changes.ts';
import { replyPosted, threadStarted } from '../../activity/hooks.ts';
import { recordAudit } from '../../audit/audit.ts';
import type { AuditAction } from '../../audit/audit.ts';
import { auditActorOf } from '../../groups/groups.ts';
import { requirePostFor } from '../discussions.ts';
import type { ReadablePost } from '../discussions.ts';
import { requireReadablePlace } from '../places.ts';
import type { Place } from '../places.ts';
import { removeUnshownPost, reshowPost, unshowPost } from '../posts.ts';
import {
  releaseThread,
  removeHeldThread,
  requireThreadFor,
  setThreadCategory,
  setThreadHidden,
  setThreadLocked,
  setThreadPinned,
} from '../threads.ts';
import type { Thread } from '../threads.ts';

// What a moderator does to a thread or a post: pin, lock, hide, move,
// approve or reject a held post. Each checks that the actor moderates
// the place (a thread they may not read is "not found", one they read
// but do not moderate is "forbidden"), changes it and writes one audit
// row. The caller owns the transaction.

export const MAX_REASON = 500;

export function notModerator(): ForbiddenError {
  return new ForbiddenError(
    'TALK_NOT_MODERATOR',
    'Only moderators of this category can do that',
  );
}

export function assertModerates(place: Place): void {
  if (!place.mayModerate) {
    throw notModerator();
  }
}

/** A moderator's reason for hiding something: required, 500 at most. */
export function readReason(input: Record<string, unknown>): string {
  const check = new FieldValidator(input);
  const reason = check.text('reason', {
    label: 'Reason',
    max: MAX_REASON,
    required: true,
    multiline: true,
  });
  check.done();
  return reason ?? '';
}

async function audit(
  db: Db,
  actor: PersonActor,
  action: AuditAction,
  subject: { type: 'talk-thread' | 'talk-post'; id: number },
  details: Record<string, unknown>,
  now: string,
): Promise<void> {
  await recordAudit(
    db,
    { action, actor: auditActorOf(actor), subject, details },
    now,
  );
}

/** The thread when `actor` moderates its place. */
export async function requireModeratedThread(
  db: Db,
  actor: PersonActor,
  threadId: number,
): Promise<{ thread: Thread; place: Place }> {
  const found = await requireThreadFor(db, actor, threadId);
  assertModerates(found.place);
  return found;
}

/** The post when `actor` moderates its place. */
export async function requireModeratedPost(
  db: Db,
  actor: PersonActor,
  postId: number,
): Promise<ReadablePost> {
  const found = await requirePostFor(db, actor, postId);
  assertModerates(found.place);
  return found;
}

/** An action on one post, as the routes call it. */
export type PostAction = (
  db: Db,
  actor: PersonActor,
  postId: number,
) => Promise<{ thread: { id: number }; threadRemoved?: boolean }>;

export type ThreadSwitch = 'pin' | 'unpin' | 'lock' | 'unlock';

const SWITCHES: Record<ThreadSwitch, AuditAction> = {
  pin: 'talk.thread.pinned',
  unpin: 'talk.thread.unpinned',
  lock: 'talk.thread.locked',
  unlock: 'talk.thread.unlocked',
};

/** Pins, unpins, locks or unlocks a thread. */
export async function switchThread(
  db: Db,
  actor: PersonActor,
  threadId: number,
  change: ThreadSwitch,
  now = new Date().toISOString(),
): Promise<void> {
  const { thread } = await requireModeratedThread(db, actor, threadId);
  const already =
    change === 'pin' || change === 'unpin'
      ? thread.pinned === (change === 'pin')
      : thread.locked === (change === 'lock');
  // Pressing Pin twice (two tabs, a double click) changes nothing the
  // second time, so the log does not claim two changes.
  if (already) {
    return;
  }
  if (change === 'pin' || change === 'unpin') {
    await setThreadPinned(db, thread.id, change === 'pin');
  } else {
    await setThreadLocked(db, thread.id, change === 'lock');
  }
  const subject = { type: 'talk-thread' as const, id: thread.id };
  await audit(db, actor, SWITCHES[change], subject, {}, now);
}

/** Hides a thread from everyone but moderators, or shows it again. */
export async function hideThread(
  db: Db,
  actor: PersonActor,
  threadId: number,
  reason: string | null,
  now = new Date().toISOString(),
): Promise<void> {
  const { thread } = await requireModeratedThread(db, actor, threadId);
  if (thread.hidden === (reason !== null)) {
    return;
  }
  await setThreadHidden(db, thread.id, reason === null ? null : { reason });
  await audit(
    db,
    actor,
    reason === null ? 'talk.thread.unhidden' : 'talk.thread.hidden',
    { type: 'talk-thread', id: thread.id },
    reason === null ? {} : { reason },
    now,
  );
}

/**
 * Hides a post: it leaves the pages (the posts after it move up) and
 * only moderators still find it, with the reason.
 */
export async function hidePost(
  db: Db,
  actor: PersonActor,
  postId: number,
  reason: string,
  now = new Date().toISOString(),
): Promise<ReadablePost> {
  const found = await requireModeratedPost(db, actor, postId);
  const { post } = found;
  if (post.deletedAt !== null || post.awaitingApproval) {
    throw new AppError(
      409,
      'POST_NOT_SHOWN',
      'Only a post readers are shown can be hidden',
    );
  }
  if (post.hiddenAt !== null) {
    return found;
  }
  await unshowPost(db, post, { hiddenAt: now, reason });
  await audit(
    db,
    actor,
    'talk.post.hidden',
    { type: 'talk-post', id: post.id },
    { threadId: post.threadId, reason },
    now,
  );
  return found;
}

/** Shows a hidden post again, in its place among the others. */
export async function unhidePost(
  db: Db,
  actor: PersonActor,
  postId: number,
  now = new Date().toISOString(),
): Promise<ReadablePost> {
  const found = await requireModeratedPost(db, actor, postId);
  if (found.post.hiddenAt === null) {
    return found;
  }
  await reshowPost(db, found.post, now);
  await audit(
    db,
    actor,
    'talk.post.unhidden',
    { type: 'talk-post', id: found.post.id },
    { threadId: found.post.threadId },
    now,
  );
  return found;
}

function notHeld(): AppError {
  return new AppError(
    409,
    'POST_NOT_AWAITING_APPROVAL',
    'This post is not awaiting approval',
  );
}

/**
 * Approves a held post: it takes its place and its number among the
 * shown posts, and a held opening post brings its thread into lists.
 */
export async function approvePost(
  db: Db,
  actor: PersonActor,
  postId: number,
  now = new Date().toISOString(),
): Promise<ReadablePost> {
  const found = await requireModeratedPost(db, actor, postId);
  const { post, thread } = found;
  if (!post.awaitingApproval || post.deletedAt !== null) {
    throw notHeld();
  }
  await reshowPost(db, post, now);
  if (post.position === 1 && thread.awaitingApproval) {
    await releaseThread(db, thread.id, now);
  }
  await heldPostShown(db, found, now);
  await audit(
    db,
    actor,
    'talk.post.approved',
    { type: 'talk-post', id: post.id },
    { threadId: thread.id, authorId: post.authorId },
    now,
  );
  return found;
}

/**
 * A held post was approved: now, and only now, it is news. Its stream
 * event, its mentions, its thread author's and its watchers'
 * notifications are made as they would have been when it was written.
 */
async function heldPostShown(
  db: Db,
  { post, thread, place }: ReadablePost,
  now: string,
): Promise<void> {
  if (post.authorId === null) {
    return;
  }
  const author = { id: post.authorId, displayName: post.authorName };
  if (post.position === 1) {
    const made = { threadId: thread.id, postId: post.id };
    const input = { title: thread.title, body: post.body };
    await threadStarted(db, author, place.category, made, input, now);
    return;
  }
  const shown = { id: post.id, body: post.body };
  await replyPosted(db, author, thread, place.category.groupId, shown, now);
}

/**
 * Rejects a held post: it is removed outright, and a held opening post
 * takes its thread with it. Readers were never shown it, so nothing is
 * left in its place.
 */
export async function rejectPost(
  db: Db,
  actor: PersonActor,
  postId: number,
  now = new Date().toISOString(),
): Promise<{ threadRemoved: boolean; thread: Thread }> {
  const { post, thread } = await requireModeratedPost(db, actor, postId);
  if (!post.awaitingApproval) {
    throw notHeld();
  }
  const threadRemoved = post.position === 1;
  await (threadRemoved
    ? removeHeldThread(db, thread.id)
    : removeUnshownPost(db, post));
  await audit(
    db,
    actor,
    'talk.post.rejected',
    { type: 'talk-post', id: post.id },
    { threadId: thread.id, authorId: post.authorId, threadRemoved },
    now,
  );
  return { threadRemoved, thread };
}

/**
 * Moves a thread to the category `targetSlug`. The mover must moderate
 * both places; a target they may not read is "not found" to them.
 */
export async function moveThread(
  db: Db,
  actor: PersonActor,
  threadId: number,
  targetSlug: string,
  now = new Date().toISOString(),
): Promise<Place> {
  const { thread, place } = await requireModeratedThread(db, actor, threadId);
  if (targetSlug === '') {
    throw new ValidationError({ category: 'Choose where to move it' });
  }
  const target = await requireReadablePlace(db, actor, targetSlug);
  assertModerates(target);
  if (target.category.id === place.category.id) {
    throw new ValidationError({
      category: 'The thread is already there: choose another category',
    });
  }
  await setThreadCategory(db, thread.id, target.category.id);
  await threadMoved(db, thread.id, target.category.groupId);
  await audit(
    db,
    actor,
    'talk.thread.moved',
    { type: 'talk-thread', id: thread.id },
    { from: place.category.id, to: target.category.id },
    now,
  );
  return target;
}
