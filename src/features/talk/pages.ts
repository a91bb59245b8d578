import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { countShownPosts, shownPlaceOf, shownPostsWithGaps } from './posts.ts';
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
  /** The position of the shown post before the page's first; 0 on page 1. */
  positionBefore: number;
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

/**
 * Page `page` of the thread; 404 beyond the last. A caller that read the
 * thread's count of shown posts with it (Thread.shownPostCount) passes it
 * as `total`, which saves reading it again.
 */
export async function threadPage(
  db: Db,
  threadId: number,
  page: number,
  pageSize = POSTS_PER_PAGE,
  total?: number,
): Promise<ThreadPage> {
  const shown = total ?? (await countShownPosts(db, threadId));
  const pageCount = pageCountOf(shown, pageSize);
  if (page > pageCount) {
    throw pageNotFound();
  }
  const first = (page - 1) * pageSize + 1;
  // One post more at the front, when there is one, to know where the
  // page begins in the order of posting.
  const rows = await shownPostsWithGaps(
    db,
    threadId,
    Math.max(1, first - 1),
    page * pageSize,
  );
  const previous = first > 1 ? rows[0] : undefined;
  const onPage = first > 1 ? rows.slice(1) : rows;
  return {
    posts: onPage.map(({ post }) => post),
    deletedBefore: new Map(
      onPage.map(({ post, deletedBefore }) => [post.id, deletedBefore]),
    ),
    positionBefore: previous?.post.position ?? 0,
    total: shown,
    page,
    pageSize,
    pageCount,
  };
}

/** The page a link to `post` lands on: where it is, or where it was. */
export async function pageOfPost(
  db: Db,
  post: Post,
  pageSize = POSTS_PER_PAGE,
): Promise<number> {
  return pageHolding(await shownPlaceOf(db, post), pageSize);
}
