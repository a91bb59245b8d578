import type { Actor, PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { auditActorOf } from '../groups/groups.ts';
import type { EditInput, ReplyInput, ThreadInput } from './input.ts';
import { mustAwaitApproval } from './moderation/approval.ts';
import {
  appendPost,
  deleteThread,
  revisePost,
  findPost,
  postNotFound,
  removeUnshownPost,
  unshowPost,
} from './posts.ts';
import type { Post } from './posts.ts';
import type { Place } from './places.ts';
import { react } from './reactions.ts';
import type { ReactionKind } from './reactions.ts';
import {
  assertOpenForReplies,
  createThread,
  removeHeldThread,
  requireThreadFor,
} from './threads.ts';
import type { Thread } from './threads.ts';
import { markOwnPostRead } from './unread/unread.ts';
import { setThreadTags } from './tags/tags.ts';
import { indexTalkPost } from '../search/sources.ts';
import {
  answerAccepted,
  replyPosted,
  threadStarted,
} from '../activity/hooks.ts';
import { threadRetitled } from '../activity/changes.ts';

// What people do in discussions, each checked against the place: start a
// thread, reply, edit, delete, accept an answer. The caller owns the
// transaction and has read the input (./input.ts).

function forbidden(message: string): ForbiddenError {
  return new ForbiddenError('TALK_FORBIDDEN', message);
}

function assertMayPost(place: Place): void {
  if (!place.mayPost) {
    throw forbidden(
      place.group
        ? 'Only members of this group can post in its discussions'
        : 'Only staff can post in site categories',
    );
  }
}

/**
 * Starts a thread in `place`; returns its id, its opening post's, and
 * whether it waits for a moderator's approval.
 */
export async function startThread(
  db: Db,
  actor: PersonActor,
  place: Place,
  input: ThreadInput,
  now = new Date().toISOString(),
): Promise<{ threadId: number; postId: number; held: boolean }> {
  assertMayPost(place);
  // A new member's thread may wait for approval (moderation/approval.ts).
  const held = await mustAwaitApproval(db, actor, place);
  const made = await createThread(db, {
    awaitingApproval: held,
    categoryId: place.category.id,
    title: input.title,
    body: input.body,
    authorId: actor.id,
    authorName: actor.displayName,
    isQuestion: input.isQuestion,
    createdAt: now,
  });
  await setThreadTags(db, made.threadId, input.tags);
  // What a person wrote is not news to them, whichever way they wrote it.
  await markOwnPostRead(db, actor.id, made.postId);
  // A held thread is news once a moderator approves it (approvePost).
  if (!held) {
    await threadStarted(db, actor, place.category, made, input, now);
  }
  return { ...made, held };
}

/** Adds a reply; a quote must be of a shown post of the same thread. */
export async function replyToThread(
  db: Db,
  actor: PersonActor,
  threadId: number,
  input: ReplyInput,
  now = new Date().toISOString(),
): Promise<number> {
  const { thread, place } = await requireThreadFor(db, actor, threadId);
  assertMayPost(place);
  assertOpenForReplies(thread, place);
  if (input.quoteOf !== null) {
    const quoted = await findPost(db, input.quoteOf);
    if (
      !quoted ||
      quoted.threadId !== thread.id ||
      quoted.shownPosition === null
    ) {
      throw new ValidationError({
        quoteOf: 'You can only quote a post in this thread',
      });
    }
  }
  const held = await mustAwaitApproval(db, actor, place);
  const postId = await appendPost(db, thread.id, {
    body: input.body,
    authorId: actor.id,
    authorName: actor.displayName,
    createdAt: now,
    quoteOf: input.quoteOf,
    awaitingApproval: held,
  });
  await markOwnPostRead(db, actor.id, postId);
  if (!held) {
    const post = { id: postId, body: input.body };
    await replyPosted(db, actor, thread, place.category.groupId, post, now);
  }
  return postId;
}

/** A post `actor` may read, with its thread and place. */
export interface ReadablePost {
  post: Post;
  thread: Thread;
  place: Place;
}

/**
 * The post when `actor` may read its thread. A hidden post is "not
 * found" except to moderators, and a held one except to them and its
 * author; a deleted one is found, as a placeholder.
 * A post in a thread kept from `actor` answers just as a missing post
 * does, so its id tells nothing of a secret group.
 */
export async function requirePostFor(
  db: Db,
  actor: Actor,
  postId: number,
): Promise<ReadablePost> {
  const post = await findPost(db, postId);
  if (!post) {
    throw postNotFound();
  }
  const { thread, place } = await requireThreadFor(
    db,
    actor,
    post.threadId,
  ).catch((error: unknown) => {
    throw error instanceof NotFoundError ? postNotFound() : error;
  });
  const own = actor.kind === 'person' && post.authorId === actor.id;
  const held = post.awaitingApproval && !own;
  if ((post.hiddenAt !== null || held) && !place.mayModerate) {
    throw postNotFound();
  }
  return { post, thread, place };
}

/**
 * Adds `actor`'s reaction to a shown post. Reacting is taking part, so,
 * like a reply, it needs the right to post in the place.
 */
export async function reactToPost(
  db: Db,
  actor: PersonActor,
  postId: number,
  kind: ReactionKind,
): Promise<void> {
  const { post, place } = await requirePostFor(db, actor, postId);
  if (post.shownPosition === null) {
    throw postNotFound();
  }
  assertMayPost(place);
  await react(db, post.id, actor.id, kind);
}

function assertMayChange(
  actor: PersonActor,
  found: ReadablePost,
  doing: string,
): void {
  const own = found.post.authorId === actor.id;
  if (!own && !found.place.mayModerate) {
    throw forbidden(`Only the author or a moderator can ${doing} this post`);
  }
  if (found.post.deletedAt !== null) {
    throw new AppError(409, 'POST_DELETED', 'This post has been deleted');
  }
}

/** Edits a post's text (and an opening post's title), keeping history. */
export async function editPost(
  db: Db,
  actor: PersonActor,
  postId: number,
  change: EditInput,
  now = new Date().toISOString(),
): Promise<ReadablePost> {
  const found = await requirePostFor(db, actor, postId);
  assertMayChange(actor, found, 'edit');
  if (change.title !== null && found.post.position !== 1) {
    throw new ValidationError({
      title: 'Only the opening post of a thread has a title',
    });
  }
  if (change.tags !== null && found.post.position !== 1) {
    throw new ValidationError({
      tags: 'Only the opening post of a thread has tags',
    });
  }
  if (change.tags !== null) {
    await setThreadTags(db, found.thread.id, change.tags);
  }
  const renames = change.title !== null && change.title !== found.thread.title;
  const rewrites = change.body !== null && change.body !== found.post.body;
  if (renames || rewrites) {
    const body = change.body ?? found.post.body;
    const previousTitle = renames ? found.thread.title : null;
    await revisePost(db, found.post, { body, previousTitle }, actor.id, now);
  }
  if (renames && change.title !== null) {
    await db
      .updateTable('talk_threads')
      .set({ title: change.title, updated_at: now })
      .where('id', '=', found.thread.id)
      .execute();
    await threadRetitled(db, found.thread.id, found.thread.title, change.title);
  }
  await indexTalkPost(db, postId);
  return found;
}

/**
 * Refuses an author's deleting a thread that others have replied to: it
 * would take their replies with it. A moderator still may.
 */
async function assertNoRepliesByOthers(
  db: Db,
  threadId: number,
  authorId: number,
): Promise<void> {
  const other = await db
    .selectFrom('talk_posts')
    .select('id')
    .where('thread_id', '=', threadId)
    .where('shown_position', 'is not', null)
    .where((eb) =>
      eb.or([eb('author_id', '!=', authorId), eb('author_id', 'is', null)]),
    )
    .limit(1)
    .executeTakeFirst();
  if (other) {
    throw new AppError(
      409,
      'THREAD_HAS_REPLIES',
      'Others have replied to this thread: only a moderator can delete it',
    );
  }
}

/**
 * Deletes a post. A reply leaves the pages (the replies after it move
 * up) and its id answers as a placeholder; deleting the opening post
 * deletes the thread, which would otherwise have no beginning, so only a
 * moderator may do that once others have replied.
 */
export async function deletePost(
  db: Db,
  actor: PersonActor,
  postId: number,
  now = new Date().toISOString(),
): Promise<{ threadDeleted: boolean }> {
  const found = await requirePostFor(db, actor, postId);
  assertMayChange(actor, found, 'delete');
  const opening = found.post.position === 1;
  if (opening && !found.place.mayModerate) {
    await assertNoRepliesByOthers(db, found.thread.id, actor.id);
  }
  if (found.post.awaitingApproval) {
    // Never shown, so withdrawn without a trace.
    await (opening
      ? removeHeldThread(db, found.thread.id)
      : removeUnshownPost(db, found.post));
  } else if (opening) {
    await deleteThread(db, found.thread.id, now);
  } else {
    await unshowPost(db, found.post, { deletedAt: now });
  }
  await recordAudit(
    db,
    {
      action: 'talk.post.deleted',
      actor: auditActorOf(actor),
      subject: { type: 'talk-post', id: postId },
      details: {
        threadId: found.thread.id,
        byModerator: found.post.authorId !== actor.id,
        threadDeleted: opening,
      },
    },
    now,
  );
  return { threadDeleted: opening };
}

/**
 * Accepts `postId` as the answer to a question thread: the asker or a
 * moderator may, and only a shown reply of the same thread can be it.
 */
export async function acceptAnswer(
  db: Db,
  actor: PersonActor,
  threadId: number,
  postId: number | null,
  now = new Date().toISOString(),
): Promise<void> {
  const { thread, place } = await requireThreadFor(db, actor, threadId);
  if (!thread.isQuestion) {
    throw new AppError(409, 'NOT_A_QUESTION', 'This thread is not a question');
  }
  if (thread.authorId !== actor.id && !place.mayModerate) {
    throw forbidden('Only the person who asked or a moderator can do that');
  }
  if (postId !== null) {
    const post = await findPost(db, postId);
    const reply =
      post?.threadId === thread.id &&
      post.position > 1 &&
      post.shownPosition !== null;
    if (!reply) {
      throw new ValidationError({
        postId: 'Choose a reply in this thread as the answer',
      });
    }
    await answerAccepted(db, actor, thread, place.category.groupId, post, now);
  }
  await db
    .updateTable('talk_threads')
    .set({ accepted_post_id: postId })
    .where('id', '=', thread.id)
    .execute();
  await recordAudit(
    db,
    {
      action:
        postId === null ? 'talk.answer.unaccepted' : 'talk.answer.accepted',
      actor: auditActorOf(actor),
      subject: { type: 'talk-thread', id: thread.id },
      details: { postId: postId ?? thread.acceptedPostId },
    },
    now,
  );
}
