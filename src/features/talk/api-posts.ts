import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import {
  callerOf,
  jsonBodyOf,
  readers,
  signedIn,
} from '../groups/api-support.ts';
import { locatedPostJson, queryOf } from './api-support.ts';
import type {
  CategoryParams,
  PostParams,
  ReactionParams,
  ThreadParams,
} from './api-support.ts';
import {
  acceptAnswer,
  deletePost,
  editPost,
  reactToPost,
  requirePostFor,
} from './discussions.ts';
import { readEditInput, readIdField, readIdParam } from './input.ts';
import { POSTS_PER_PAGE } from './pages.ts';
import { requireReadablePlace } from './places.ts';
import { listPostRevisions, postNotFound } from './posts.ts';
import { isReactionKind, unreact } from './reactions.ts';
import { clearWatch, markRead, setWatch, WATCH_LEVELS } from './reading.ts';
import type { WatchLevel } from './tables.ts';
import { requireThreadFor, threadNotFound } from './threads.ts';

// The Talk API's routes about one post, and what a reader does to a
// thread: edit and delete, react, accept an answer, watch, mark read.

type Db = Kysely<Database>;

function readKind(kind: string) {
  if (!isReactionKind(kind)) {
    throw new ValidationError({
      kind: 'React with like, thanks, agree or insightful',
    });
  }
  return kind;
}

function readLevel(body: Record<string, unknown>): WatchLevel {
  const level = body.level ?? 'watch';
  if (!WATCH_LEVELS.includes(level as WatchLevel)) {
    throw new ValidationError({ level: 'Choose watch or mute' });
  }
  return level as WatchLevel;
}

export const talkPostApi: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  app.get<PostParams>(
    '/api/v1/talk/posts/:postId',
    readers,
    async (request) => {
      const id = readIdParam(request.params.postId, postNotFound);
      const { pageSize } = readPageRequest(queryOf(request), POSTS_PER_PAGE);
      const { post, thread } = await requirePostFor(db, request.actor, id);
      return locatedPostJson(db, request.actor, thread, post, pageSize);
    },
  );

  app.get<PostParams>(
    '/api/v1/talk/posts/:postId/revisions',
    readers,
    async (request) => {
      const id = readIdParam(request.params.postId, postNotFound);
      const page = readPageRequest(queryOf(request));
      const { post } = await requirePostFor(db, request.actor, id);
      // A deleted post keeps no words, its earlier ones included.
      const found =
        post.deletedAt === null
          ? await listPostRevisions(db, post.id, page)
          : { items: [], total: 0 };
      return pageOf(found, page, (row) => ({
        id: row.id,
        // The thread's title before this edit, when the edit changed it.
        title: row.title,
        body: row.body,
        replacedAt: row.created_at,
        editor: { id: row.editor_id, name: row.display_name },
      }));
    },
  );

  app.patch<PostParams>(
    '/api/v1/talk/posts/:postId',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const change = readEditInput(jsonBodyOf(request));
      await db.transaction().execute((trx) => editPost(trx, actor, id, change));
      const { post, thread } = await requirePostFor(db, actor, id);
      return locatedPostJson(db, actor, thread, post, POSTS_PER_PAGE);
    },
  );

  app.delete<PostParams>(
    '/api/v1/talk/posts/:postId',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      await db.transaction().execute((trx) => deletePost(trx, actor, id));
      reply.code(204);
    },
  );

  app.put<ReactionParams>(
    '/api/v1/talk/posts/:postId/reactions/:kind',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const kind = readKind(request.params.kind);
      await reactToPost(db, actor, id, kind);
      reply.code(204);
    },
  );

  app.delete<ReactionParams>(
    '/api/v1/talk/posts/:postId/reactions/:kind',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const kind = readKind(request.params.kind);
      const { post } = await requirePostFor(db, actor, id);
      await unreact(db, post.id, actor.id, kind);
      reply.code(204);
    },
  );

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/accept',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const postId = readIdField(
        jsonBodyOf(request),
        'postId',
        'Choose a reply in this thread as the answer',
      );
      await db
        .transaction()
        .execute((trx) => acceptAnswer(trx, actor, id, postId));
      reply.code(204);
    },
  );

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/unaccept',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      await db
        .transaction()
        .execute((trx) => acceptAnswer(trx, actor, id, null));
      reply.code(204);
    },
  );

  app.put<ThreadParams>(
    '/api/v1/talk/threads/:threadId/watch',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const level = readLevel(jsonBodyOf(request));
      const { thread } = await requireThreadFor(db, actor, id);
      await setWatch(db, actor.id, { threadId: thread.id }, level);
      return { level };
    },
  );

  app.delete<ThreadParams>(
    '/api/v1/talk/threads/:threadId/watch',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { thread } = await requireThreadFor(db, actor, id);
      await clearWatch(db, actor.id, { threadId: thread.id });
      reply.code(204);
    },
  );

  app.put<CategoryParams>(
    '/api/v1/talk/categories/:category/watch',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const level = readLevel(jsonBodyOf(request));
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      await setWatch(db, actor.id, { categoryId: place.category.id }, level);
      return { level };
    },
  );

  app.delete<CategoryParams>(
    '/api/v1/talk/categories/:category/watch',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      await clearWatch(db, actor.id, { categoryId: place.category.id });
      reply.code(204);
    },
  );

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/read',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const position = readIdField(
        jsonBodyOf(request),
        'position',
        'Send the position of the last post read',
      );
      const { thread } = await requireThreadFor(db, actor, id);
      const last = await markRead(db, actor.id, thread.id, position);
      return { lastReadPosition: last };
    },
  );
};
