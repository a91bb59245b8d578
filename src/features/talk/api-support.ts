import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { findPosts, firstShownAfter, findPost } from './posts.ts';
import type { Post } from './posts.ts';
import { pageHolding, pageOfPost } from './pages.ts';
import type { Place } from './places.ts';
import { reactionsOf } from './reactions.ts';
import { lastReadPosition, watchLevelOf } from './reading.ts';
import { postJson, quoteJson, threadJson } from './representations.ts';
import type { Thread } from './threads.ts';
import { countShownPosts, shownPostsBetween } from './posts.ts';
import { pageCountOf } from './pages.ts';

// What the Talk API's routes share: posts with their reactions and
// quotes, and a thread as one reader meets it.

export type CategoryParams = { Params: { category: string } };
export type GroupParams = { Params: { slug: string } };
export type ThreadParams = { Params: { threadId: string } };
export type PostParams = { Params: { postId: string } };
export type ReactionParams = { Params: { postId: string; kind: string } };

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

function readerIdOf(actor: Actor): number | null {
  return actor.kind === 'person' ? actor.id : null;
}

/** Posts as JSON, with reactions and quotes read in one query each. */
export async function postsJson(
  db: Db,
  actor: Actor,
  thread: Thread,
  posts: Post[],
  deletedBefore: Map<number, number> = new Map(),
) {
  const reactions = await reactionsOf(
    db,
    posts.map((post) => post.id),
    readerIdOf(actor),
  );
  const quoteIds = posts.flatMap((post) =>
    post.quoteOf === null ? [] : [post.quoteOf],
  );
  const quoted = new Map(
    (await findPosts(db, quoteIds)).map((post) => [post.id, post]),
  );
  return posts.map((post) => {
    const quote = post.quoteOf === null ? undefined : quoted.get(post.quoteOf);
    return postJson(post, {
      thread,
      reactions: reactions.get(post.id),
      quote: quote ? quoteJson(quote) : null,
      deletedBefore: deletedBefore.get(post.id) ?? 0,
    });
  });
}

/** A thread as one reader sees it: opening post, accepted answer, marks. */
export async function readerThreadJson(
  db: Db,
  actor: Actor,
  thread: Thread,
  place: Place,
  pageSize: number,
) {
  const [opening] = await shownPostsBetween(db, thread.id, 1, 1);
  const accepted =
    thread.acceptedPostId === null
      ? undefined
      : await findPost(db, thread.acceptedPostId);
  const shown = [opening, accepted].filter(
    (post): post is Post => post !== undefined && post.shownPosition !== null,
  );
  const [openingJson, acceptedJson] = await postsJson(db, actor, thread, shown);
  const total = await countShownPosts(db, thread.id);
  const readerId = readerIdOf(actor);
  let watch = null;
  let firstUnread = null;
  if (readerId !== null) {
    watch = await watchLevelOf(db, readerId, { threadId: thread.id });
    const read = (await lastReadPosition(db, readerId, thread.id)) ?? 0;
    const next = await firstShownAfter(db, thread.id, read);
    if (next?.shownPosition) {
      firstUnread = {
        postId: next.id,
        position: next.position,
        page: pageHolding(next.shownPosition, pageSize),
      };
    }
  }
  return threadJson(thread, {
    place,
    opening: opening ? (openingJson ?? null) : null,
    acceptedReply: accepted?.shownPosition ? (acceptedJson ?? null) : null,
    pageCount: pageCountOf(total, pageSize),
    watch,
    firstUnread,
  });
}

/** A single post with the thread and the page that holds it. */
export async function locatedPostJson(
  db: Db,
  actor: Actor,
  thread: Thread,
  post: Post,
  pageSize: number,
) {
  const [json] = await postsJson(db, actor, thread, [post]);
  return {
    ...json,
    thread: { id: thread.id, title: thread.title },
    page: await pageOfPost(db, post, pageSize),
    pageSize,
  };
}
