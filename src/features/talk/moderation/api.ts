import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../../platform/pagination.ts';
import { renderMarkdown } from '../../../platform/markdown.ts';
import {
  callerOf,
  jsonBodyOf,
  readPersonIdParam,
  signedIn,
} from '../../groups/api-support.ts';
import { queryOf } from '../api-support.ts';
import type {
  CategoryParams,
  PostParams,
  ThreadParams,
} from '../api-support.ts';
import { readIdParam } from '../input.ts';
import { requireReadablePlace } from '../places.ts';
import { postNotFound } from '../posts.ts';
import { threadNotFound } from '../threads.ts';
import {
  approvePost,
  hidePost,
  hideThread,
  moveThread,
  readReason,
  rejectPost,
  switchThread,
  unhidePost,
} from './actions.ts';
import type { PostAction, ThreadSwitch } from './actions.ts';
import { asksForApproval } from './approval.ts';
import { flagNotFound, flagPost, readFlagInput, settleFlags } from './flags.ts';
import {
  appointModerator,
  listModerators,
  removeModerator,
  setApproval,
} from './moderators.ts';
import { listQueue } from './queue.ts';
import type { QueueItem } from './queue.ts';

// The moderation API under /api/v1/talk (DESIGN.md): the queue, a
// category's moderators and its approval setting, and each action on a
// thread, a post or a flag. An action answers 204; who may act is
// decided in the service, so the pages and the API cannot disagree.

type FlagParams = { Params: { flagId: string } };
type ModeratorParams = { Params: { category: string; personId: string } };

function queueItemJson(item: QueueItem) {
  return {
    kind: item.kind,
    since: item.since,
    post: {
      ...item.post,
      html: renderMarkdown(item.post.body),
      path: `/api/v1/talk/posts/${item.post.id}`,
    },
    thread: {
      id: item.thread.id,
      title: item.thread.title,
      heldWithPost: item.thread.heldWithPost,
      path: `/api/v1/talk/threads/${item.thread.id}`,
    },
    category: item.category,
    flags: item.flags,
  };
}

function readBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field] ?? false;
  if (typeof value !== 'boolean') {
    throw new ValidationError({ [field]: `${field} must be true or false` });
  }
  return value;
}

export const moderationApi: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  app.get('/api/v1/talk/moderation', signedIn, async (request) => {
    const page = readPageRequest(queryOf(request));
    const result = await listQueue(db, callerOf(request), page);
    return pageOf(result, page, queueItemJson);
  });

  app.get<CategoryParams>(
    '/api/v1/talk/categories/:category/moderators',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const page = readPageRequest(queryOf(request));
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      const result = await listModerators(db, place, page);
      return {
        ...pageOf(result, page, (m) => ({
          person: { id: m.personId, name: m.name },
          addedAt: m.addedAt,
        })),
        approveFirstPosts: await asksForApproval(db, place),
      };
    },
  );

  app.put<ModeratorParams>(
    '/api/v1/talk/categories/:category/moderators/:personId',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const personId = readPersonIdParam(request.params.personId);
      await db.transaction().execute(async (trx) => {
        const place = await requireReadablePlace(
          trx,
          actor,
          request.params.category,
        );
        await appointModerator(trx, actor, place, personId);
      });
      reply.code(204);
    },
  );

  app.delete<ModeratorParams>(
    '/api/v1/talk/categories/:category/moderators/:personId',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const personId = readPersonIdParam(request.params.personId);
      await db.transaction().execute(async (trx) => {
        const place = await requireReadablePlace(
          trx,
          actor,
          request.params.category,
        );
        await removeModerator(trx, actor, place, personId);
      });
      reply.code(204);
    },
  );

  app.put<CategoryParams>(
    '/api/v1/talk/categories/:category/approval',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const required = readBoolean(jsonBodyOf(request), 'required');
      await db.transaction().execute(async (trx) => {
        const place = await requireReadablePlace(
          trx,
          actor,
          request.params.category,
        );
        await setApproval(trx, actor, place, required);
      });
      return { required };
    },
  );

  const switches: ThreadSwitch[] = ['pin', 'unpin', 'lock', 'unlock'];
  for (const change of switches) {
    app.post<ThreadParams>(
      `/api/v1/talk/threads/:threadId/${change}`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const id = readIdParam(request.params.threadId, threadNotFound);
        await db
          .transaction()
          .execute((trx) => switchThread(trx, actor, id, change));
        reply.code(204);
      },
    );
  }

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/hide',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const reason = readReason(jsonBodyOf(request));
      await db
        .transaction()
        .execute((trx) => hideThread(trx, actor, id, reason));
      reply.code(204);
    },
  );

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/unhide',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      await db.transaction().execute((trx) => hideThread(trx, actor, id, null));
      reply.code(204);
    },
  );

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/move',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const target = jsonBodyOf(request).category;
      const slug = typeof target === 'string' ? target : '';
      await db.transaction().execute((trx) => moveThread(trx, actor, id, slug));
      reply.code(204);
    },
  );

  app.post<PostParams>(
    '/api/v1/talk/posts/:postId/hide',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const reason = readReason(jsonBodyOf(request));
      await db.transaction().execute((trx) => hidePost(trx, actor, id, reason));
      reply.code(204);
    },
  );

  const postActions: Record<string, PostAction> = {
    unhide: unhidePost,
    approve: approvePost,
    reject: rejectPost,
  };
  for (const [name, act] of Object.entries(postActions)) {
    app.post<PostParams>(
      `/api/v1/talk/posts/:postId/${name}`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const id = readIdParam(request.params.postId, postNotFound);
        await db.transaction().execute((trx) => act(trx, actor, id));
        reply.code(204);
      },
    );
  }

  app.post<PostParams>(
    '/api/v1/talk/posts/:postId/flags',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const input = readFlagInput(jsonBodyOf(request));
      const flagId = await db
        .transaction()
        .execute((trx) => flagPost(trx, actor, id, input));
      reply.code(201);
      return { id: flagId, postId: id, reason: input.reason, status: 'open' };
    },
  );

  app.post<FlagParams>(
    '/api/v1/talk/flags/:flagId/resolve',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.flagId, flagNotFound);
      const hide = readBoolean(jsonBodyOf(request), 'hidePost');
      await db.transaction().execute((trx) =>
        settleFlags(trx, actor, id, {
          status: 'resolved',
          hidePost: hide,
        }),
      );
      reply.code(204);
    },
  );

  app.post<FlagParams>(
    '/api/v1/talk/flags/:flagId/dismiss',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.flagId, flagNotFound);
      await db
        .transaction()
        .execute((trx) => settleFlags(trx, actor, id, { status: 'dismissed' }));
      reply.code(204);
    },
  );
};
