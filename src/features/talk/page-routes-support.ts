import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import { ValidationError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { paginationParams } from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import type { StatusPost } from './status/streams.ts';
import type { ListedThread } from './threads.ts';
import { tagPath } from './tags/tags.ts';

// What Talk's pages share: the routes' access, the addresses of threads
// and posts, what lists show of a thread, and the notice a page shows
// after a change.

export const readers = { config: { access: 'readers' } } as const;
export const signedIn = { config: { access: 'signed-in' } } as const;

export const TALK_CRUMB = { text: 'Talk', href: '/talk' };

export function threadPath(threadId: number, page = 1): string {
  return page > 1
    ? `/talk/threads/${threadId}?page=${page}`
    : `/talk/threads/${threadId}`;
}

export function categoryPath(slug: string): string {
  return `/talk/categories/${encodeURIComponent(slug)}`;
}

export function statusPath(id: number): string {
  return `/talk/status/${id}`;
}

/** A person's page, or null for a former contributor without one. */
export function personPath(id: number | null): string | null {
  return id === null ? null : `/people/${id}`;
}

/** A thread as a list shows it. */
export function threadRow(thread: ListedThread) {
  return {
    id: thread.id,
    title: thread.title,
    path: threadPath(thread.id),
    category: {
      name: thread.categoryName,
      path: categoryPath(thread.categorySlug),
    },
    author: thread.authorName,
    authorPath: personPath(thread.authorId),
    replyCount: thread.replyCount,
    lastActivityAt: thread.lastActivityAt,
    question: thread.isQuestion,
    answered: thread.acceptedPostId !== null,
    pinned: thread.pinned,
    locked: thread.locked,
    tags: thread.tags.map(({ tag, key }) => ({
      text: tag,
      path: tagPath(key),
    })),
  };
}

/** A status post as a page shows it. */
export function statusRow(post: StatusPost) {
  return {
    ...post,
    path: statusPath(post.id),
    authorPath: personPath(post.author.id),
    groupPath: post.group
      ? `/groups/${encodeURIComponent(post.group.slug)}`
      : null,
  };
}

/** `govukPagination` for a list on the page at `url`. */
export function paginationFor(
  url: string,
  page: PageRequest,
  total: number,
  name = 'page',
) {
  return paginationParams(page.page, total, page.pageSize, (n) =>
    withQuery(url, { [name]: n === 1 ? null : n }),
  );
}

/** The reader's id when signed in. */
export function readerIdOf(actor: Actor): number | null {
  return actor.kind === 'person' ? actor.id : null;
}

/** A form's fields; an empty object when nothing was sent. */
export function formOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object'
    ? (body as Record<string, unknown>)
    : {};
}

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

/** A form or query value sent once as text, else ''. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The first page of a list, `size` long. */
export function firstPage(size: number): PageRequest {
  return { page: 1, pageSize: size, offset: 0 };
}

/**
 * Runs `act`; a ValidationError becomes `{ errors }` for the form to show
 * again, anything else is thrown on.
 */
export async function formErrors(
  act: () => Promise<unknown>,
): Promise<Record<string, string> | null> {
  try {
    await act();
    return null;
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.fields ? { ...error.fields } : { body: error.message };
    }
    throw error;
  }
}

// A change ends in a redirect with `?done=KEY`; the page it lands on
// shows the sentence for the key. Only these sentences can appear, so a
// crafted link cannot put words of its own on the page.
const NOTICES: Record<string, string> = {
  'thread-started': 'Your discussion has been started.',
  'thread-held':
    'Your discussion is awaiting a moderator’s approval. Others will see ' +
    'it once it is approved.',
  replied: 'Your reply has been posted.',
  'reply-held':
    'Your reply is awaiting a moderator’s approval. Others will see it ' +
    'once it is approved.',
  accepted: 'The answer has been accepted.',
  unaccepted: 'The answer is no longer accepted.',
  watching: 'You are watching this thread.',
  muted: 'You have muted this thread.',
  unwatched: 'You are no longer watching or muting this thread.',
  'category-made': 'The category has been made.',
  'category-changed': 'The category has been changed.',
  'category-watching': 'You are watching this category.',
  'category-muted': 'You have muted this category.',
  'category-unwatched': 'You are no longer watching or muting this category.',
  'post-edited': 'The post has been changed.',
  'post-deleted': 'The post has been deleted.',
  'thread-deleted': 'The discussion has been deleted.',
  'status-posted': 'Your status post has been posted.',
  'status-replied': 'Your reply has been posted.',
  'status-deleted': 'The status post has been deleted.',
  'tags-changed': 'The thread’s tags have been changed.',
  'marked-read': 'You have marked these posts as read.',
  'category-read': 'You have marked every discussion here as read.',
};

/** The success notice a redirect asked for, if any. */
export function noticeOf(request: FastifyRequest): string | undefined {
  const key = queryOf(request).done;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key)
    ? NOTICES[key]
    : undefined;
}

/** `path` with `done=KEY` added, for the redirect after a change. */
export function done(path: string, key: keyof typeof NOTICES): string {
  const [base, hash] = path.split('#');
  const url = withQuery(base ?? path, { done: key });
  return hash === undefined ? url : `${url}#${hash}`;
}
