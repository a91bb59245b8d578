import { renderMarkdown } from '../../platform/markdown.ts';
import type { Category, Place } from './places.ts';
import type { Post } from './posts.ts';
import type { ReactionSummary } from './reactions.ts';
import type { ListedThread, Thread } from './threads.ts';
import type { WatchLevel } from './tables.ts';

// How discussions look in the API's JSON. Every thread and post carries
// its id, its title where it has one (a thread, and its opening post),
// its author and its times. Bodies go out as the Markdown written and as
// sanitised HTML.

export function threadApiPath(threadId: number): string {
  return `/api/v1/talk/threads/${threadId}`;
}

export function postApiPath(postId: number): string {
  return `/api/v1/talk/posts/${postId}`;
}

export function categoryJson(category: Category, parentSlug: string | null) {
  return {
    slug: category.slug,
    name: category.name,
    description: category.description,
    parent: parentSlug,
    group: category.groupId !== null,
    path: `/api/v1/talk/categories/${encodeURIComponent(category.slug)}`,
    createdAt: category.createdAt,
  };
}

function author(id: number | null, name: string) {
  return { id, name };
}

export function listedThreadJson(thread: ListedThread) {
  return {
    id: thread.id,
    title: thread.title,
    category: { slug: thread.categorySlug, name: thread.categoryName },
    author: author(thread.authorId, thread.authorName),
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
    lastReplyAt: thread.lastReplyAt,
    lastActivityAt: thread.lastActivityAt,
    replyCount: thread.replyCount,
    question: thread.isQuestion,
    answered: thread.acceptedPostId !== null,
    pinned: thread.pinned,
    locked: thread.locked,
    tags: thread.tags.map(({ tag }) => tag),
    path: threadApiPath(thread.id),
  };
}

/** A quoted post: its author and a link stay even when it is gone. */
export interface QuoteJson {
  id: number;
  author: { id: number | null; name: string };
  /** Null once the quoted post is deleted or hidden. */
  body: string | null;
  html: string | null;
  path: string;
}

export function quoteJson(quoted: Post): QuoteJson {
  const shown = quoted.shownPosition !== null;
  return {
    id: quoted.id,
    author: author(quoted.authorId, quoted.authorName),
    body: shown ? quoted.body : null,
    html: shown ? renderMarkdown(quoted.body) : null,
    path: postApiPath(quoted.id),
  };
}

export interface PostExtras {
  thread: Thread;
  reactions?: ReactionSummary;
  quote?: QuoteJson | null;
  deletedBefore?: number;
}

/** A post; a deleted one is a placeholder keeping only its place. */
export function postJson(post: Post, extras: PostExtras) {
  const deleted = post.deletedAt !== null;
  const opening = post.position === 1;
  return {
    id: post.id,
    threadId: post.threadId,
    title: opening ? extras.thread.title : null,
    position: post.position,
    opening,
    deleted,
    hidden: post.hiddenAt !== null,
    // Only moderators are given hidden posts; only they see why.
    hiddenReason: post.hiddenAt === null ? null : post.hiddenReason,
    awaitingApproval: post.awaitingApproval,
    author: deleted ? null : author(post.authorId, post.authorName),
    body: deleted ? null : post.body,
    html: deleted ? null : renderMarkdown(post.body),
    createdAt: post.createdAt,
    editedAt: deleted ? null : post.editedAt,
    deletedAt: post.deletedAt,
    accepted: extras.thread.acceptedPostId === post.id,
    quote: deleted ? null : (extras.quote ?? null),
    reactions: deleted ? null : (extras.reactions?.counts ?? null),
    score: deleted ? null : (extras.reactions?.score ?? null),
    myReactions: deleted ? [] : (extras.reactions?.mine ?? []),
    deletedRepliesBefore: extras.deletedBefore ?? 0,
    path: postApiPath(post.id),
  };
}

export interface ThreadExtras {
  place: Place;
  opening: ReturnType<typeof postJson> | null;
  acceptedReply: ReturnType<typeof postJson> | null;
  pageCount: number;
  watch: WatchLevel | null;
  firstUnread: { postId: number; position: number; page: number } | null;
}

export function threadJson(thread: Thread, extras: ThreadExtras) {
  const { place } = extras;
  return {
    id: thread.id,
    title: thread.title,
    category: { slug: place.category.slug, name: place.category.name },
    group: place.group
      ? { slug: place.group.slug, name: place.group.name }
      : null,
    author: author(thread.authorId, thread.authorName),
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
    lastReplyAt: thread.lastReplyAt,
    lastActivityAt: thread.lastActivityAt,
    replyCount: thread.replyCount,
    pageCount: extras.pageCount,
    question: thread.isQuestion,
    pinned: thread.pinned,
    locked: thread.locked,
    hidden: thread.hidden,
    hiddenReason: place.mayModerate ? thread.hiddenReason : null,
    awaitingApproval: thread.awaitingApproval,
    opening: extras.opening,
    acceptedReply: extras.acceptedReply,
    watch: extras.watch,
    firstUnread: extras.firstUnread,
    may: {
      reply: place.mayPost && (!thread.locked || place.mayModerate),
      moderate: place.mayModerate,
    },
    path: threadApiPath(thread.id),
    repliesPath: `${threadApiPath(thread.id)}/replies`,
  };
}
