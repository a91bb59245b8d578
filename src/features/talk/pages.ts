import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import {
  countShownPosts,
  deletedPositionsBetween,
  shownPlaceOf,
  shownPostsBetween,
} from './posts.ts';
import type { Post } from './posts.ts';

// A thread's pages. The opening post is post 1; page N holds the shown
// posts numbered (N-1)·size+1 to N·size, read as one range over an index,
// so the last page of a long thread costs what the first does. There is
// no page after the last, and no empty one: page 1 always holds the
// opening post.

export const POSTS_PER_PAGE = 25;

export interface ThreadPage {
  posts: Post[];
  /** For each post, how many deleted replies came just before it. */
  deletedBefore: Map<number, number>;
  /** Shown posts in the whole thread. */
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
}

export function pageNotFound(): NotFoundError {
  return new NotFoundError('PAGE_NOT_FOUND', 'This thread has no such page');
}

export function pageCountOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** The page of a thread that holds shown post number `shownPosition`. */
export function pageHolding(shownPosition: number, pageSize: number): number {
  return Math.max(1, Math.ceil(shownPosition / pageSize));
}

/** Page `page` of the thread; 404 beyond the last. */
export async function threadPage(
  db: Db,
  threadId: number,
  page: number,
  pageSize = POSTS_PER_PAGE,
): Promise<ThreadPage> {
  const total = await countShownPosts(db, threadId);
  const pageCount = pageCountOf(total, pageSize);
  if (page > pageCount) {
    throw pageNotFound();
  }
  const first = (page - 1) * pageSize + 1;
  // One post more at the front, when there is one, to know where the
  // page's first post's gap of deleted replies begins.
  const rows = await shownPostsBetween(
    db,
    threadId,
    Math.max(1, first - 1),
    page * pageSize,
  );
  const previous = first > 1 ? rows[0] : undefined;
  const posts = first > 1 ? rows.slice(1) : rows;
  const deletedBefore = await countDeletedBefore(db, threadId, previous, posts);
  return { posts, deletedBefore, total, page, pageSize, pageCount };
}

async function countDeletedBefore(
  db: Db,
  threadId: number,
  previous: Post | undefined,
  posts: Post[],
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const last = posts.at(-1);
  if (!last) {
    return counts;
  }
  const deleted = await deletedPositionsBetween(
    db,
    threadId,
    previous?.position ?? 0,
    last.position,
  );
  let before = previous?.position ?? 0;
  for (const post of posts) {
    const gap = deleted.filter((p) => p > before && p < post.position);
    counts.set(post.id, gap.length);
    before = post.position;
  }
  return counts;
}

/** The page a link to `post` lands on: where it is, or where it was. */
export async function pageOfPost(
  db: Db,
  post: Post,
  pageSize = POSTS_PER_PAGE,
): Promise<number> {
  return pageHolding(await shownPlaceOf(db, post), pageSize);
}
