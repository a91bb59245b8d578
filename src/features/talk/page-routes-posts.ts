import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { AppError, ForbiddenError } from '../../platform/errors.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { readPageRequest } from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { personOf } from '../groups/page-support.ts';
import { deletePost, editPost, requirePostFor } from './discussions.ts';
import type { ReadablePost } from './discussions.ts';
import { MAX_TITLE, readEditInput, readIdParam } from './input.ts';
import { pageOfPost, POSTS_PER_PAGE } from './pages.ts';
import { placePath } from './page-routes-categories.ts';
import {
  done,
  formErrors,
  formOf,
  paginationFor,
  personPath,
  queryOf,
  readers,
  signedIn,
  TALK_CRUMB,
  textOf,
  threadPath,
} from './page-routes-support.ts';
import { findPost, listPostRevisions, postNotFound } from './posts.ts';

// Changing one's own discussion post from the pages: edit it (the
// opening post's form also changes the thread's title), delete it after
// a confirmation, and read the bodies it had before each edit. The
// rules are discussions.ts's, as the API's PATCH and DELETE use them.

type PostParams = { Params: { postId: string } };

const REVISIONS_PER_PAGE = 20;

/** Who may edit or delete a post: its author or a moderator. */
export function mayChangePost(actor: Actor, found: ReadablePost): boolean {
  if (actor.kind !== 'person' || found.post.deletedAt !== null) {
    return false;
  }
  return found.post.authorId === actor.id || found.place.mayModerate;
}

export function postEditPath(postId: number): string {
  return `/talk/posts/${postId}/edit`;
}

export function postDeletePath(postId: number): string {
  return `/talk/posts/${postId}/delete`;
}

export function postHistoryPath(postId: number): string {
  return `/talk/posts/${postId}/history`;
}

/** The page and anchor of a shown post, or its thread's first page. */
async function placeOfPost(db: Db, postId: number): Promise<string> {
  const post = await findPost(db, postId);
  if (!post || post.shownPosition === null) {
    return threadPath(post?.threadId ?? 0);
  }
  const page = await pageOfPost(db, post, POSTS_PER_PAGE);
  return `${threadPath(post.threadId, page)}#post-${post.id}`;
}

function crumbsFor(found: ReadablePost) {
  return [
    TALK_CRUMB,
    { text: found.place.category.name, href: placePath(found.place) },
    { text: found.thread.title, href: threadPath(found.thread.id) },
  ];
}

async function requireChangeable(
  db: Db,
  actor: Actor,
  postId: number,
): Promise<ReadablePost> {
  const found = await requirePostFor(db, actor, postId);
  if (!mayChangePost(actor, found)) {
    throw new ForbiddenError(
      'TALK_FORBIDDEN',
      found.post.deletedAt === null
        ? 'Only the author or a moderator can change this post'
        : 'This post has been deleted',
    );
  }
  return found;
}

export const talkPostPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  function renderEdit(
    reply: FastifyReply,
    found: ReadablePost,
    context: PageContext,
    status = 200,
  ) {
    const opening = found.post.position === 1;
    return reply.render(
      'talk/views/post-edit.njk',
      {
        breadcrumbs: crumbsFor(found),
        post: { id: found.post.id, opening },
        action: postEditPath(found.post.id),
        backPath: threadPath(found.thread.id),
        maxTitle: MAX_TITLE,
        ...context,
      },
      status,
    );
  }

  app.get<PostParams>(
    '/talk/posts/:postId/edit',
    signedIn,
    async (request, reply) => {
      const id = readIdParam(request.params.postId, postNotFound);
      const found = await requireChangeable(db, request.actor, id);
      const values = { title: found.thread.title, body: found.post.body };
      return renderEdit(reply, found, { values });
    },
  );

  app.post<PostParams>(
    '/talk/posts/:postId/edit',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const found = await requireChangeable(db, actor, id);
      const form = formOf(request);
      const opening = found.post.position === 1;
      const values = {
        title: opening ? textOf(form.title) : '',
        body: textOf(form.body),
      };
      const errors = await formErrors(async () => {
        const input = readEditInput(opening ? values : { body: values.body });
        await db
          .transaction()
          .execute((trx) => editPost(trx, actor, id, input));
      });
      if (errors) {
        return renderEdit(reply, found, { values, errors }, 400);
      }
      return reply.redirect(
        done(await placeOfPost(db, id), 'post-edited'),
        303,
      );
    },
  );

  function renderDelete(
    reply: FastifyReply,
    found: ReadablePost,
    context: PageContext = {},
    status = 200,
  ) {
    return reply.render(
      'talk/views/post-delete.njk',
      {
        breadcrumbs: crumbsFor(found),
        post: {
          opening: found.post.position === 1,
          html: renderMarkdown(found.post.body),
        },
        threadTitle: found.thread.title,
        action: postDeletePath(found.post.id),
        backPath: threadPath(found.thread.id),
        ...context,
      },
      status,
    );
  }

  app.get<PostParams>(
    '/talk/posts/:postId/delete',
    signedIn,
    async (request, reply) => {
      const id = readIdParam(request.params.postId, postNotFound);
      return renderDelete(
        reply,
        await requireChangeable(db, request.actor, id),
      );
    },
  );

  app.post<PostParams>(
    '/talk/posts/:postId/delete',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const found = await requireChangeable(db, actor, id);
      try {
        await db.transaction().execute((trx) => deletePost(trx, actor, id));
      } catch (error) {
        if (error instanceof AppError && error.code === 'THREAD_HAS_REPLIES') {
          // Said on the confirmation page, not as a bare error page.
          const refusal = error.message;
          return renderDelete(reply, found, { refusal }, 409);
        }
        throw error;
      }
      if (found.post.position === 1) {
        return reply.redirect(
          done(placePath(found.place), 'thread-deleted'),
          303,
        );
      }
      const back = done(threadPath(found.thread.id), 'post-deleted');
      return reply.redirect(back, 303);
    },
  );

  app.get<PostParams>(
    '/talk/posts/:postId/history',
    readers,
    async (request, reply) => {
      const id = readIdParam(request.params.postId, postNotFound);
      const page = readPageRequest(queryOf(request), REVISIONS_PER_PAGE);
      const found = await requirePostFor(db, request.actor, id);
      const { post } = found;
      // A deleted post keeps no words, its earlier ones included.
      const shown = post.deletedAt === null;
      const { items: rows, total } = shown
        ? await listPostRevisions(db, post.id, page)
        : { items: [], total: 0 };
      return reply.render('talk/views/post-history.njk', {
        breadcrumbs: crumbsFor(found),
        post: {
          id: post.id,
          html: shown ? renderMarkdown(post.body) : null,
          editedAt: shown ? post.editedAt : null,
          path: `/talk/posts/${post.id}`,
        },
        revisions: rows.map((row) => ({
          html: renderMarkdown(row.body),
          title: row.title,
          replacedAt: row.created_at,
          editor: row.display_name ?? 'A former contributor',
          editorPath: row.display_name ? personPath(row.editor_id) : null,
        })),
        total,
        pagination: paginationFor(request.url, page, total),
      });
    },
  );
};
