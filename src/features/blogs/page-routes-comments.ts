import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { isolate } from '../../platform/views.ts';
import type { Database } from '../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { callerOf } from '../groups/api-support.ts';
import { readCommentBody } from './input.ts';
import {
  blogCrumbs,
  blogView,
  formOf,
  signedIn,
  textOf,
} from './page-support.ts';
import { blogPath, postPath } from './representations.ts';
import {
  changeCommentPolicy,
  commentOn,
  moderateComment,
  openPost,
} from './service.ts';
import type { CommentPolicy } from './tables.ts';
import { requireBlogFor } from './things.ts';

// Comments in forms, and a blog's comment policy. A comment that fails
// its check comes back on a page of its own with the text kept.

type PostParams = { Params: { blog: string; post: string } };
type CommentParams = {
  Params: { blog: string; post: string; comment: string };
};

const POLICIES: readonly CommentPolicy[] = ['open', 'approve', 'closed'];

function commentIdOf(value: string): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > 2_147_483_647) {
    throw new NotFoundError('COMMENT_NOT_FOUND', 'There is no such comment');
  }
  return id;
}

export const blogCommentPages: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  app.post<PostParams>(
    '/blogs/:blog/:post/comments',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const form = formOf(request);
      const now = new Date().toISOString();
      const { params } = request;
      const parentText = textOf(form.parentId);
      const parentId = /^[1-9]\d{0,9}$/.test(parentText)
        ? Number(parentText)
        : null;
      try {
        const body = readCommentBody(form);
        const { opened, comment } = await db
          .transaction()
          .execute((trx) =>
            commentOn(
              trx,
              actor,
              params.blog,
              params.post,
              body,
              parentId,
              now,
            ),
          );
        const path = postPath(opened.blog.slug, opened.post.slug);
        return reply.redirect(`${path}#comment-${comment.id}`, 303);
      } catch (error) {
        const refused = error instanceof ForbiddenError;
        if (!(error instanceof ValidationError) && !refused) {
          throw error;
        }
        const opened = await openPost(db, actor, params.blog, params.post, now);
        // Closed comments are the likeliest refusal, and a generic "no
        // permission" page would not say why.
        if (opened.blog.commentPolicy === 'closed') {
          return reply.render(
            'blogs/views/comments-closed.njk',
            {
              pageTitle: `Comments are closed – ${isolate(opened.post.title)}`,
              breadcrumbs: blogCrumbs(opened.blog),
              post: {
                title: opened.post.title,
                path: postPath(opened.blog.slug, opened.post.slug),
              },
            },
            403,
          );
        }
        if (refused) {
          throw error;
        }
        return reply.render(
          'blogs/views/comment.njk',
          {
            pageTitle: `Comment on ${isolate(opened.post.title)}`,
            breadcrumbs: blogCrumbs(opened.blog),
            post: {
              title: opened.post.title,
              path: postPath(opened.blog.slug, opened.post.slug),
            },
            values: { body: textOf(form.body), parentId: parentText },
            errors: { ...error.fields },
          },
          400,
        );
      }
    },
  );

  for (const decision of ['approve', 'delete'] as const) {
    app.post<CommentParams>(
      `/blogs/:blog/:post/comments/:comment/${decision}`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const id = commentIdOf(request.params.comment);
        const now = new Date().toISOString();
        const { params } = request;
        const opened = await db
          .transaction()
          .execute((trx) =>
            moderateComment(
              trx,
              actor,
              params.blog,
              params.post,
              id,
              decision,
              now,
            ),
          );
        const path = postPath(opened.blog.slug, opened.post.slug);
        return reply.redirect(`${path}#comments`, 303);
      },
    );
  }

  app.get<{ Params: { blog: string } }>(
    '/blogs/:blog/settings',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const opened = await requireBlogFor(
        db,
        actor,
        request.params.blog,
        'blog.manage',
      );
      return reply.render('blogs/views/settings.njk', {
        pageTitle: `Settings – ${isolate(opened.blog.title)}`,
        breadcrumbs: blogCrumbs(opened.blog),
        blog: blogView(opened, actor),
        values: { commentPolicy: opened.blog.commentPolicy },
      });
    },
  );

  app.post<{ Params: { blog: string } }>(
    '/blogs/:blog/settings',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const policy = textOf(formOf(request).commentPolicy);
      if (!POLICIES.includes(policy as CommentPolicy)) {
        const opened = await requireBlogFor(
          db,
          actor,
          request.params.blog,
          'blog.manage',
        );
        return reply.render(
          'blogs/views/settings.njk',
          {
            pageTitle: `Settings – ${isolate(opened.blog.title)}`,
            breadcrumbs: blogCrumbs(opened.blog),
            blog: blogView(opened, actor),
            values: { commentPolicy: opened.blog.commentPolicy },
            errors: { commentPolicy: 'Choose who may comment' },
          },
          400,
        );
      }
      const now = new Date().toISOString();
      const opened = await db
        .transaction()
        .execute((trx) =>
          changeCommentPolicy(
            trx,
            actor,
            request.params.blog,
            policy as CommentPolicy,
            now,
          ),
        );
      return reply.redirect(blogPath(opened.blog.slug), 303);
    },
  );
};
