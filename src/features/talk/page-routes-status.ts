import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { pageCount, readPageRequest } from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { personOf } from '../groups/page-support.ts';
import {
  done,
  formErrors,
  formOf,
  noticeOf,
  paginationFor,
  queryOf,
  readers,
  readerIdOf,
  signedIn,
  statusPath,
  statusRow,
  TALK_CRUMB,
  textOf,
  threadRow,
} from './page-routes-support.ts';
import {
  canInContainer,
  deleteStatus,
  replyToStatus,
  requireReadableRow,
  setLike,
} from './status/posts.ts';
import { getStatus, listStatus } from './status/streams.ts';
import { listTaggedThreads } from './tags/listing.ts';
import {
  readStatusBody,
  STATUS_MAX_CHARACTERS,
  tagKey,
} from './status/text.ts';

// A status post's page with its replies, the forms to reply, like and
// delete (after a confirmation), and a tag's page. A post the reader may
// not read is not found, as in the API.

type StatusParams = { Params: { statusId: string } };
type TagParams = { Params: { tag: string } };

const REPLIES_PER_PAGE = 50;
const TAGGED_PER_PAGE = 20;

function statusNotFound(): NotFoundError {
  return new NotFoundError('STATUS_NOT_FOUND', 'There is no such status post');
}

function readStatusId(value: string): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > 2_147_483_647) {
    throw statusNotFound();
  }
  return id;
}

function noSuchPage(): NotFoundError {
  return new NotFoundError(
    'PAGE_NOT_FOUND',
    'There is no page with that number',
  );
}

export const talkStatusPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  async function renderStatus(
    request: FastifyRequest<StatusParams>,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
  ) {
    const actor = request.actor;
    const id = readStatusId(request.params.statusId);
    const row = await requireReadableRow(db, actor, id);
    const post = await getStatus(db, actor, id);
    const page = readPageRequest(queryOf(request), REPLIES_PER_PAGE);
    const replies =
      row.parentId === null
        ? await listStatus(db, actor, { parentId: id }, page)
        : { items: [], total: 0 };
    if (page.page > pageCount(replies.total, page.pageSize)) {
      throw noSuchPage();
    }
    const readerId = readerIdOf(actor);
    const [mayWrite, mayModerate] =
      readerId === null
        ? [false, false]
        : await Promise.all([
            canInContainer(db, actor, row.groupId, 'write'),
            canInContainer(db, actor, row.groupId, 'moderate'),
          ]);
    const own = readerId !== null && readerId === row.authorId;
    return reply.render(
      'talk/views/status.njk',
      {
        breadcrumbs: [TALK_CRUMB],
        post: statusRow(post),
        parentPath: row.parentId === null ? null : statusPath(row.parentId),
        replies: replies.items.map((item) => ({
          ...statusRow(item),
          mayDelete:
            readerId !== null && (item.author.id === readerId || mayModerate),
        })),
        replyTotal: replies.total,
        pagination: paginationFor(request.url, page, replies.total),
        may: {
          reply: mayWrite && row.parentId === null,
          like: mayWrite,
          delete: own || mayModerate,
        },
        maxCharacters: STATUS_MAX_CHARACTERS,
        notice: noticeOf(request),
        values: { body: '' },
        ...context,
      },
      status,
    );
  }

  app.get<StatusParams>(
    '/talk/status/:statusId',
    readers,
    async (request, reply) => renderStatus(request, reply),
  );

  app.post<StatusParams>(
    '/talk/status/:statusId/replies',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readStatusId(request.params.statusId);
      const values = { body: textOf(formOf(request).body) };
      let replyId = 0;
      const errors = await formErrors(async () => {
        const body = readStatusBody(values.body);
        replyId = await db
          .transaction()
          .execute((trx) => replyToStatus(trx, actor, id, body));
      });
      if (errors) {
        return renderStatus(request, reply, { values, errors }, 400);
      }
      const path = `${statusPath(id)}#status-${replyId}`;
      return reply.redirect(done(path, 'status-replied'), 303);
    },
  );

  app.post<StatusParams>(
    '/talk/status/:statusId/like',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readStatusId(request.params.statusId);
      const form = formOf(request);
      const liked = form.liked !== 'no';
      const row = await requireReadableRow(db, actor, id);
      await db.transaction().execute((trx) => setLike(trx, actor, id, liked));
      const back = statusPath(row.parentId ?? row.id);
      return reply.redirect(`${back}#status-${id}`, 303);
    },
  );

  app.get<StatusParams>(
    '/talk/status/:statusId/delete',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readStatusId(request.params.statusId);
      const post = await getStatus(db, actor, id);
      return reply.render('talk/views/status-delete.njk', {
        breadcrumbs: [TALK_CRUMB],
        post: statusRow(post),
        backPath: statusPath(post.parentId ?? post.id),
      });
    },
  );

  app.post<StatusParams>(
    '/talk/status/:statusId/delete',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readStatusId(request.params.statusId);
      const row = await requireReadableRow(db, actor, id);
      await db.transaction().execute((trx) => deleteStatus(trx, actor, id));
      const back = row.parentId === null ? '/talk' : statusPath(row.parentId);
      return reply.redirect(done(back, 'status-deleted'), 303);
    },
  );

  app.get<TagParams>('/talk/tags/:tag', readers, async (request, reply) => {
    const key = tagKey(request.params.tag);
    if (key === '') {
      throw new NotFoundError('TAG_NOT_FOUND', 'There is no such tag');
    }
    const query = queryOf(request);
    const page = readPageRequest(query, TAGGED_PER_PAGE);
    const threadPage = readPageRequest(
      { page: query.threadsPage },
      TAGGED_PER_PAGE,
    );
    const [result, threads] = await Promise.all([
      listStatus(db, request.actor, { tagKey: key }, page),
      listTaggedThreads(db, request.actor, { tagKey: key }, threadPage),
    ]);
    if (
      page.page > pageCount(result.total, page.pageSize) ||
      threadPage.page > pageCount(threads.total, threadPage.pageSize)
    ) {
      throw noSuchPage();
    }
    return reply.render('talk/views/tag.njk', {
      breadcrumbs: [TALK_CRUMB],
      tag: key,
      posts: result.items.map(statusRow),
      total: result.total,
      pagination: paginationFor(request.url, page, result.total),
      threads: threads.items.map(threadRow),
      threadTotal: threads.total,
      threadPagination: paginationFor(
        request.url,
        threadPage,
        threads.total,
        'threadsPage',
      ),
    });
  });
};
