import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../database.ts';
import { AppError } from '../../../platform/errors.ts';
import { renderMarkdown } from '../../../platform/markdown.ts';
import { pageCount, readPageRequest } from '../../../platform/pagination.ts';
import type { PageContext } from '../../../platform/views.ts';
import { personOf } from '../../groups/page-support.ts';
import { requirePostFor } from '../discussions.ts';
import { readIdParam } from '../input.ts';
import {
  categoryPath,
  formErrors,
  formOf,
  paginationFor,
  queryOf,
  signedIn,
  TALK_CRUMB,
  textOf,
  threadPath,
} from '../page-routes-support.ts';
import { postNotFound } from '../posts.ts';
import { threadNotFound } from '../threads.ts';
import {
  approvePost,
  hidePost,
  hideThread,
  MAX_REASON,
  readReason,
  rejectPost,
  requireModeratedPost,
  requireModeratedThread,
  switchThread,
  unhidePost,
} from './actions.ts';
import type { PostAction, ThreadSwitch } from './actions.ts';
import {
  FLAG_REASON_LABELS,
  FLAG_REASONS,
  flagNotFound,
  flagPost,
  hasOpenFlag,
  readFlagInput,
  settleFlags,
} from './flags.ts';
import { moderationMovePages } from './page-routes-move.ts';
import { moderatorPages } from './page-routes-moderators.ts';
import { listQueue, QUEUE_PATH } from './queue.ts';

// Moderation's pages: the queue, the forms for hiding with a reason and
// for flagging, and the buttons on the thread page and in the queue.
// Every change is a POST with the page's CSRF token, answered with a 303
// back to where the moderator was.

type ThreadParams = { Params: { threadId: string } };
type PostParams = { Params: { postId: string } };
type FlagParams = { Params: { flagId: string } };

const QUEUE_CRUMB = { text: 'Moderation', href: QUEUE_PATH };

/**
 * Where to go after an action: the queue or a thread's page the form
 * came from, never anywhere else.
 */
function readReturnTo(value: unknown, fallback: string): string {
  const text = textOf(value);
  const ours = /^\/talk\/(moderation|threads\/\d{1,10})(\?page=\d{1,5})?$/;
  return ours.test(text) ? text : fallback;
}

function flagReasonItems(chosen: unknown) {
  return FLAG_REASONS.map((reason) => ({
    value: reason,
    text: FLAG_REASON_LABELS[reason],
    checked: reason === chosen,
  }));
}

export const moderationPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  app.get(QUEUE_PATH, signedIn, async (request, reply) => {
    const actor = personOf(request);
    const page = readPageRequest(queryOf(request));
    const result = await listQueue(db, actor, page);
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw new AppError(404, 'PAGE_NOT_FOUND', 'There is no such page');
    }
    return reply.render('talk/moderation/views/queue.njk', {
      breadcrumbs: [TALK_CRUMB],
      items: result.items.map((item) => ({
        ...item,
        html: renderMarkdown(item.post.body),
        threadPath: threadPath(item.thread.id),
        categoryPath: categoryPath(item.category.slug),
        flags: item.flags.map((flag) => ({
          ...flag,
          label: FLAG_REASON_LABELS[flag.reason],
        })),
      })),
      total: result.total,
      pagination: paginationFor(request.url, page, result.total),
      here: request.url,
      notice: textOf(queryOf(request).done) === 'yes' ? 'Done.' : undefined,
    });
  });

  const switches: ThreadSwitch[] = ['pin', 'unpin', 'lock', 'unlock'];
  for (const change of switches) {
    app.post<ThreadParams>(
      `/talk/threads/:threadId/${change}`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const id = readIdParam(request.params.threadId, threadNotFound);
        await db
          .transaction()
          .execute((trx) => switchThread(trx, actor, id, change));
        return reply.redirect(threadPath(id), 303);
      },
    );
  }

  app.post<ThreadParams>(
    '/talk/threads/:threadId/unhide',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      await db.transaction().execute((trx) => hideThread(trx, actor, id, null));
      return reply.redirect(threadPath(id), 303);
    },
  );

  /** The form asking why a thread or a post is to be hidden. */
  async function renderHide(
    reply: FastifyReply,
    what: { kind: 'thread' | 'post'; action: string; title: string },
    backTo: string,
    context: PageContext = {},
    status = 200,
  ) {
    return reply.render(
      'talk/moderation/views/hide.njk',
      {
        breadcrumbs: [TALK_CRUMB, { text: what.title, href: backTo }],
        what,
        backTo,
        maxReason: MAX_REASON,
        values: { reason: '' },
        ...context,
      },
      status,
    );
  }

  app.get<ThreadParams>(
    '/talk/threads/:threadId/hide',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { thread } = await requireModeratedThread(db, actor, id);
      const what = {
        kind: 'thread' as const,
        action: `/talk/threads/${thread.id}/hide`,
        title: thread.title,
      };
      return renderHide(reply, what, threadPath(thread.id));
    },
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/hide',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { thread } = await requireModeratedThread(db, actor, id);
      const values = { reason: textOf(formOf(request).reason) };
      const errors = await formErrors(async () => {
        const reason = readReason(values);
        await db
          .transaction()
          .execute((trx) => hideThread(trx, actor, thread.id, reason));
      });
      if (errors) {
        const what = {
          kind: 'thread' as const,
          action: `/talk/threads/${thread.id}/hide`,
          title: thread.title,
        };
        const context = { values, errors };
        return renderHide(reply, what, threadPath(id), context, 400);
      }
      return reply.redirect(threadPath(thread.id), 303);
    },
  );

  app.get<PostParams>(
    '/talk/posts/:postId/hide',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const { post, thread } = await requireModeratedPost(db, actor, id);
      const what = {
        kind: 'post' as const,
        action: `/talk/posts/${post.id}/hide`,
        title: thread.title,
      };
      return renderHide(reply, what, threadPath(thread.id));
    },
  );

  app.post<PostParams>(
    '/talk/posts/:postId/hide',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const { post, thread } = await requireModeratedPost(db, actor, id);
      const values = { reason: textOf(formOf(request).reason) };
      const errors = await formErrors(async () => {
        const reason = readReason(values);
        await db
          .transaction()
          .execute((trx) => hidePost(trx, actor, post.id, reason));
      });
      if (errors) {
        const what = {
          kind: 'post' as const,
          action: `/talk/posts/${post.id}/hide`,
          title: thread.title,
        };
        const context = { values, errors };
        return renderHide(reply, what, threadPath(thread.id), context, 400);
      }
      return reply.redirect(threadPath(thread.id), 303);
    },
  );

  const postActions: Record<string, PostAction> = {
    unhide: unhidePost,
    approve: approvePost,
    reject: rejectPost,
  };
  for (const [name, act] of Object.entries(postActions)) {
    app.post<PostParams>(
      `/talk/posts/:postId/${name}`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const id = readIdParam(request.params.postId, postNotFound);
        const result = await db
          .transaction()
          .execute((trx) => act(trx, actor, id));
        const thread = threadPath(result.thread.id);
        const removed = result.threadRemoved === true;
        const fallback = removed ? QUEUE_PATH : thread;
        const back = readReturnTo(formOf(request).returnTo, fallback);
        return reply.redirect(
          removed && back !== QUEUE_PATH ? fallback : back,
          303,
        );
      },
    );
  }

  async function renderFlag(
    request: FastifyRequest<PostParams>,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
  ) {
    const actor = personOf(request);
    const id = readIdParam(request.params.postId, postNotFound);
    const { post, thread } = await requirePostFor(db, actor, id);
    if (post.shownPosition === null) {
      throw postNotFound();
    }
    const values = (context.values ?? {}) as Record<string, unknown>;
    return reply.render(
      'talk/moderation/views/flag.njk',
      {
        breadcrumbs: [
          TALK_CRUMB,
          { text: thread.title, href: threadPath(thread.id) },
        ],
        post: {
          id: post.id,
          author: post.authorName,
          html: renderMarkdown(post.body),
        },
        own: post.authorId === actor.id,
        flagged: await hasOpenFlag(db, post.id, actor.id),
        reasons: flagReasonItems(values.reason),
        maxNote: MAX_REASON,
        threadPath: threadPath(thread.id),
        values: { note: '' },
        ...context,
      },
      status,
    );
  }

  app.get<PostParams>('/talk/posts/:postId/flag', signedIn, (request, reply) =>
    renderFlag(request, reply),
  );

  app.post<PostParams>(
    '/talk/posts/:postId/flag',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const form = formOf(request);
      const values = { reason: textOf(form.reason), note: textOf(form.note) };
      let threadId = 0;
      const errors = await formErrors(async () => {
        const input = readFlagInput(values);
        await db.transaction().execute(async (trx) => {
          threadId = (await requirePostFor(trx, actor, id)).thread.id;
          await flagPost(trx, actor, id, input);
        });
      }).catch((error: unknown) => {
        // Flagging one's own post, or flagging twice, is told on the
        // form, as any other mistake in it would be.
        const polite = ['FLAG_OWN_POST', 'ALREADY_FLAGGED'];
        if (error instanceof AppError && polite.includes(error.code)) {
          return { reason: error.message };
        }
        throw error;
      });
      if (errors) {
        return renderFlag(request, reply, { values, errors }, 400);
      }
      return reply.redirect(`${threadPath(threadId)}?flagged=${id}`, 303);
    },
  );

  for (const outcome of ['resolve', 'dismiss'] as const) {
    app.post<FlagParams>(
      `/talk/flags/:flagId/${outcome}`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const id = readIdParam(request.params.flagId, flagNotFound);
        const form = formOf(request);
        await db
          .transaction()
          .execute((trx) =>
            settleFlags(
              trx,
              actor,
              id,
              outcome === 'resolve'
                ? { status: 'resolved', hidePost: form.hidePost === 'yes' }
                : { status: 'dismissed' },
            ),
          );
        return reply.redirect(readReturnTo(form.returnTo, QUEUE_PATH), 303);
      },
    );
  }

  await app.register(moderationMovePages, { db });
  await app.register(moderatorPages, { db, crumb: QUEUE_CRUMB });
};
