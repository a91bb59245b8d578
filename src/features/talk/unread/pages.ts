import type { Actor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { pageHolding, POSTS_PER_PAGE } from '../pages.ts';
import { threadPath, threadRow } from '../page-routes-support.ts';
import type { ListedThread } from '../threads.ts';
import { unreadInThreads } from './unread.ts';
import type { Unread } from './unread.ts';

// What Talk's pages show of a reader's unread posts. Only staff get
// markers: signed-out readers and guests from partner bodies see none,
// and for them `unread` is null.

/** The reader whose markers a page shows, or null for none. */
function markedReaderOf(actor: Actor): number | null {
  return actor.kind === 'person' && actor.role !== 'guest' ? actor.id : null;
}

/** The address of a thread's first unread post: its page and anchor. */
function firstUnreadPath(threadId: number, unread: Unread): string {
  if (!unread.first) {
    return threadPath(threadId);
  }
  const page = pageHolding(unread.first.shownPosition, POSTS_PER_PAGE);
  return `${threadPath(threadId, page)}#post-${unread.first.postId}`;
}

/**
 * Threads as lists show them, each with `unread`: how many posts are new
 * to the reader and where the first is, or null when none is (or nobody
 * is signed in). One query for the whole page of threads.
 */
export async function threadRowsFor(
  db: Db,
  actor: Actor,
  threads: readonly ListedThread[],
) {
  const readerId = markedReaderOf(actor);
  const unread =
    readerId === null
      ? new Map<number, Unread>()
      : await unreadInThreads(
          db,
          readerId,
          threads.map((thread) => thread.id),
        );
  return threads.map((thread) => {
    const mark = unread.get(thread.id);
    return {
      ...threadRow(thread),
      unread:
        mark && mark.count > 0
          ? { count: mark.count, path: firstUnreadPath(thread.id, mark) }
          : null,
    };
  });
}

/** What threadPageUnread needs of the page: its posts, and where it starts. */
interface PageOfPosts {
  posts: readonly { id: number; position: number }[];
  /** The position of the shown post before the page's first; 0 on page 1. */
  positionBefore: number;
}

/**
 * What a thread's page shows the signed-in reader: the post before which
 * "New since your last visit" goes (only for a thread they have opened
 * before), and the form that marks this page's posts read. It needs no
 * query: the page and the reader's marker `readTo` (null before their
 * first visit) are read already.
 */
export function threadPageUnread(
  actor: Actor,
  threadId: number,
  page: PageOfPosts,
  readTo: number | null,
  here: string,
) {
  if (markedReaderOf(actor) === null) {
    return null;
  }
  const { posts } = page;
  const lastOnPage = Math.max(0, ...posts.map((post) => post.position));
  return {
    // "Since your last visit" needs a visit: none on the first.
    dividerBefore: readTo === null ? null : firstUnreadOnPage(page, readTo),
    action: `/talk/threads/${threadId}/read`,
    position: lastOnPage,
    returnTo: here,
    readTo: readTo ?? 0,
    unreadHere: lastOnPage > (readTo ?? 0),
    // The script marks posts read as they come into view.
    posts: JSON.stringify(posts.map((post) => [post.id, post.position])),
  };
}

/**
 * The id of the thread's first shown post after the marker `readTo`, when
 * it is on this page: the first of the page's posts past the marker, as
 * long as the shown post before it is not past the marker too.
 */
function firstUnreadOnPage(page: PageOfPosts, readTo: number): number | null {
  let before = page.positionBefore;
  for (const post of page.posts) {
    if (post.position > readTo) {
      return before <= readTo ? post.id : null;
    }
    before = post.position;
  }
  return null;
}
