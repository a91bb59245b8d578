import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { readableBlogs } from '../../access/blogs.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import {
  callerOf,
  jsonBodyOf,
  readers,
  signedIn,
} from '../groups/api-support.ts';
import { tagKey } from '../talk/status/text.ts';
import { toBlog } from './blogs.ts';
import { listComments } from './comments.ts';
import { readCommentBody, readPostFields } from './input.ts';
import { listPosts } from './listing.ts';
import {
  blogJson,
  commentJson,
  listedPostJson,
  postJson,
} from './representations.ts';
import { readApiInstant } from './scheduling.ts';
import {
  changeCommentPolicy,
  commentOn,
  editPost,
  moderateComment,
  openPost,
  removePost,
  writePost,
} from './service.ts';
import type { CommentPolicy } from './tables.ts';
import { actorId, requireBlogFor } from './things.ts';
import { canInBlog } from '../../access/blogs.ts';
import { postThing } from './things.ts';

// The blog API under /api/v1/blogs (DESIGN.md). Times are ISO instants;
// `publishAt` must carry its offset, since a bare local time would mean
// whatever zone the server guessed (BUG-22).

type BlogParams = { Params: { blog: string } };
type PostParams = { Params: { blog: string; post: string } };
type CommentParams = {
  Params: { blog: string; post: string; comment: string };
};

const POLICIES: readonly CommentPolicy[] = ['open', 'approve', 'closed'];

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

function commentId(value: string): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > 2_147_483_647) {
    throw new NotFoundError('COMMENT_NOT_FOUND', 'There is no such comment');
  }
  return id;
}

/** The scheduled instant a body sends, or undefined when it sends none. */
function scheduledOf(input: Record<string, unknown>): string | undefined {
  return input.publishAt === undefined || input.publishAt === null
    ? undefined
    : readApiInstant(input.publishAt);
}

export const blogsApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  const writing = (now: string) => ({
    clampAudience: false,
    now,
    timeField: 'publishAt',
  });

  app.get('/api/v1/blogs', readers, async (request) => {
    const page = readPageRequest(queryOf(request));
    const query = db
      .selectFrom('blogs as b')
      .where(readableBlogs(db, request.actor));
    const counted = await query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('b')
      .orderBy('b.slug')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute();
    return pageOf(
      { items: rows.map(toBlog), total: Number(counted.total) },
      page,
      blogJson,
    );
  });

  app.get<{ Params: { tag: string } }>(
    '/api/v1/blogs/tags/:tag',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const now = new Date().toISOString();
      const key = tagKey(request.params.tag);
      const result = await listPosts(
        db,
        request.actor,
        { tagKey: key },
        page,
        now,
      );
      return pageOf(result, page, (post) => listedPostJson(post, now));
    },
  );

  app.patch<BlogParams>('/api/v1/blogs/:blog', signedIn, async (request) => {
    const actor = callerOf(request);
    const input = jsonBodyOf(request);
    const policy = input.commentPolicy;
    if (!POLICIES.includes(policy as CommentPolicy)) {
      throw new ValidationError({
        commentPolicy: `Choose commentPolicy from: ${POLICIES.join(', ')}`,
      });
    }
    const now = new Date().toISOString();
    await db
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
    const opened = await requireBlogFor(db, actor, request.params.blog);
    return blogJson(opened.blog);
  });

  app.get<BlogParams>('/api/v1/blogs/:blog/posts', readers, async (request) => {
    const query = queryOf(request);
    const page = readPageRequest(query);
    const now = new Date().toISOString();
    const { blog } = await requireBlogFor(
      db,
      request.actor,
      request.params.blog,
    );
    const mine = query.unpublished === 'mine';
    const filter = mine
      ? { blogId: blog.id, unpublishedBy: actorId(request.actor) }
      : { blogId: blog.id };
    const result = await listPosts(db, request.actor, filter, page, now);
    return pageOf(result, page, (post) => listedPostJson(post, now));
  });

  app.post<BlogParams>(
    '/api/v1/blogs/:blog/posts',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const input = jsonBodyOf(request);
      const fields = readPostFields(input);
      const scheduled = scheduledOf(input) ?? null;
      const now = new Date().toISOString();
      const opened = await db
        .transaction()
        .execute((trx) =>
          writePost(
            trx,
            actor,
            request.params.blog,
            fields,
            scheduled,
            writing(now),
          ),
        );
      request.log.info({ postId: opened.post.id }, 'blog post written');
      reply.code(201);
      return postJson(opened.blog, opened.post, now);
    },
  );

  app.get<PostParams>(
    '/api/v1/blogs/:blog/posts/:post',
    readers,
    async (request) => {
      const now = new Date().toISOString();
      const { params } = request;
      const opened = await openPost(
        db,
        request.actor,
        params.blog,
        params.post,
        now,
      );
      return postJson(opened.blog, opened.post, now);
    },
  );

  app.patch<PostParams>(
    '/api/v1/blogs/:blog/posts/:post',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const input = jsonBodyOf(request);
      const fields = readPostFields(input, true);
      const scheduled = scheduledOf(input);
      const now = new Date().toISOString();
      const { params } = request;
      const opened = await db
        .transaction()
        .execute((trx) =>
          editPost(
            trx,
            actor,
            params.blog,
            params.post,
            fields,
            scheduled,
            writing(now),
          ),
        );
      return postJson(opened.blog, opened.post, now);
    },
  );

  app.delete<PostParams>(
    '/api/v1/blogs/:blog/posts/:post',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const now = new Date().toISOString();
      const { params } = request;
      await db
        .transaction()
        .execute((trx) =>
          removePost(trx, actor, params.blog, params.post, now),
        );
      reply.code(204);
    },
  );

  app.get<PostParams>(
    '/api/v1/blogs/:blog/posts/:post/comments',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request), 100);
      const now = new Date().toISOString();
      const { params, actor } = request;
      const opened = await openPost(db, actor, params.blog, params.post, now);
      const manager = canInBlog(
        actor,
        'post.moderate',
        postThing(opened.thing, opened.post),
        now,
      );
      const viewer = { id: actorId(actor), manager };
      const result = await listComments(db, opened.post.id, viewer, page);
      return pageOf(result, page, commentJson);
    },
  );

  app.post<PostParams>(
    '/api/v1/blogs/:blog/posts/:post/comments',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const input = jsonBodyOf(request);
      const body = readCommentBody(input);
      const parent = input.parentId ?? null;
      if (parent !== null && !Number.isInteger(parent)) {
        throw new ValidationError({ parentId: 'Answer a comment by its id' });
      }
      const now = new Date().toISOString();
      const { params } = request;
      const { comment } = await db
        .transaction()
        .execute((trx) =>
          commentOn(
            trx,
            actor,
            params.blog,
            params.post,
            body,
            parent as number | null,
            now,
          ),
        );
      reply.code(201);
      return { id: comment.id, status: comment.status };
    },
  );

  app.post<CommentParams>(
    '/api/v1/blogs/:blog/posts/:post/comments/:comment/approve',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = commentId(request.params.comment);
      const now = new Date().toISOString();
      const { params } = request;
      await db
        .transaction()
        .execute((trx) =>
          moderateComment(
            trx,
            actor,
            params.blog,
            params.post,
            id,
            'approve',
            now,
          ),
        );
      reply.code(204);
    },
  );

  app.delete<CommentParams>(
    '/api/v1/blogs/:blog/posts/:post/comments/:comment',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = commentId(request.params.comment);
      const now = new Date().toISOString();
      const { params } = request;
      await db
        .transaction()
        .execute((trx) =>
          moderateComment(
            trx,
            actor,
            params.blog,
            params.post,
            id,
            'delete',
            now,
          ),
        );
      reply.code(204);
    },
  );
};
