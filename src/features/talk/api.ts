import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import { requireGroup } from '../groups/groups.ts';
import {
  callerOf,
  jsonBodyOf,
  readers,
  signedIn,
} from '../groups/api-support.ts';
import { talkPostApi } from './api-posts.ts';
import { locatedPostJson, postsJson, queryOf } from './api-support.ts';
import type {
  CategoryParams,
  GroupParams,
  ThreadParams,
} from './api-support.ts';
import { createSiteCategory, ensureGroupCategory } from './categories.ts';
import { replyToThread, requirePostFor, startThread } from './discussions.ts';
import { readIdParam, readReplyInput, readThreadInput } from './input.ts';
import { POSTS_PER_PAGE, threadPage } from './pages.ts';
import {
  findCategoryRow,
  listReadableCategories,
  placeOf,
  requireReadablePlace,
} from './places.ts';
import type { Category } from './places.ts';
import { categoryJson, listedThreadJson } from './representations.ts';
import { listThreads, requireThreadFor, threadNotFound } from './threads.ts';
import type { ThreadFilter } from './threads.ts';
import { readTagFilter, taggedThreadJson, talkTagApi } from './tags/api.ts';
import { listTaggedThreads } from './tags/listing.ts';
import { talkExpertApi } from './experts/api.ts';

// The discussions API under /api/v1/talk, following DESIGN.md: categories,
// their threads, a group's discussions, a thread and its pages of posts,
// the latest and the unanswered. Every list and count goes through the
// group rule (readableContent); a thread in a place the caller may not
// read is 404 wherever it is asked for.

type Db = Kysely<Database>;

async function parentSlugOf(db: Db, category: Category) {
  if (category.parentId === null) {
    return null;
  }
  const parent = await findCategoryRow(db, { id: category.parentId });
  return parent?.slug ?? null;
}

function readUnanswered(value: unknown): ThreadFilter['unanswered'] {
  if (value === undefined || value === 'accepted') {
    return 'accepted';
  }
  if (value === 'replies') {
    return 'replies';
  }
  throw new ValidationError({
    without: 'Ask for questions without an accepted answer or without replies',
  });
}

export const talkApi: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/api/v1/talk/categories', readers, async (request) => {
    const page = readPageRequest(queryOf(request));
    const result = await listReadableCategories(db, request.actor, page);
    const slugs = new Map(result.items.map((c) => [c.id, c.slug]));
    return pageOf(result, page, (category) =>
      categoryJson(
        category,
        category.parentId === null
          ? null
          : (slugs.get(category.parentId) ?? null),
      ),
    );
  });

  app.post('/api/v1/talk/categories', signedIn, async (request, reply) => {
    const actor = callerOf(request);
    const category = await db
      .transaction()
      .execute((trx) => createSiteCategory(trx, actor, jsonBodyOf(request)));
    reply.code(201);
    return categoryJson(category, await parentSlugOf(db, category));
  });

  app.get<CategoryParams>(
    '/api/v1/talk/categories/:category',
    readers,
    async (request) => {
      const place = await requireReadablePlace(
        db,
        request.actor,
        request.params.category,
      );
      return {
        ...categoryJson(place.category, await parentSlugOf(db, place.category)),
        may: { post: place.mayPost, moderate: place.mayModerate },
      };
    },
  );

  app.get<CategoryParams>(
    '/api/v1/talk/categories/:category/threads',
    readers,
    async (request) => {
      const query = queryOf(request);
      const page = readPageRequest(query);
      const tagKey = readTagFilter(query);
      const place = await requireReadablePlace(
        db,
        request.actor,
        request.params.category,
      );
      const filter = { categoryId: place.category.id };
      const result =
        tagKey === undefined
          ? await listThreads(db, request.actor, filter, page)
          : await listTaggedThreads(
              db,
              request.actor,
              { ...filter, tagKey },
              page,
            );
      return pageOf(result, page, listedThreadJson);
    },
  );

  app.post<CategoryParams>(
    '/api/v1/talk/categories/:category/threads',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const input = readThreadInput(jsonBodyOf(request));
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      const { threadId } = await db
        .transaction()
        .execute((trx) => startThread(trx, actor, place, input));
      const { thread } = await requireThreadFor(db, actor, threadId);
      reply.code(201);
      return taggedThreadJson(db, actor, thread, place, POSTS_PER_PAGE);
    },
  );

  app.get<GroupParams>(
    '/api/v1/talk/groups/:slug/threads',
    readers,
    async (request) => {
      const query = queryOf(request);
      const page = readPageRequest(query);
      const tagKey = readTagFilter(query);
      const group = await requireGroup(
        db,
        request.actor,
        request.params.slug,
        'group.read',
      );
      const category = await findCategoryRow(db, { groupId: group.id });
      if (!category) {
        return pageOf({ items: [], total: 0 }, page, listedThreadJson);
      }
      const filter = { categoryId: category.id };
      const result =
        tagKey === undefined
          ? await listThreads(db, request.actor, filter, page)
          : await listTaggedThreads(
              db,
              request.actor,
              { ...filter, tagKey },
              page,
            );
      return pageOf(result, page, listedThreadJson);
    },
  );

  app.post<GroupParams>(
    '/api/v1/talk/groups/:slug/threads',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const input = readThreadInput(jsonBodyOf(request));
      const group = await requireGroup(
        db,
        actor,
        request.params.slug,
        'group.read',
      );
      const { threadId, place } = await db
        .transaction()
        .execute(async (trx) => {
          const category = await ensureGroupCategory(trx, group);
          const made = await placeOf(trx, actor, category);
          const ids = await startThread(trx, actor, made, input);
          return { threadId: ids.threadId, place: made };
        });
      const { thread } = await requireThreadFor(db, actor, threadId);
      reply.code(201);
      return taggedThreadJson(db, actor, thread, place, POSTS_PER_PAGE);
    },
  );

  app.get('/api/v1/talk/latest', readers, async (request) => {
    const page = readPageRequest(queryOf(request));
    const result = await listThreads(db, request.actor, {}, page);
    return pageOf(result, page, listedThreadJson);
  });

  app.get('/api/v1/talk/unanswered', readers, async (request) => {
    const query = queryOf(request);
    const page = readPageRequest(query);
    const filter = { unanswered: readUnanswered(query.without) };
    const result = await listThreads(db, request.actor, filter, page);
    return pageOf(result, page, listedThreadJson);
  });

  app.get<ThreadParams>(
    '/api/v1/talk/threads/:threadId',
    readers,
    async (request) => {
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { pageSize } = readPageRequest(queryOf(request), POSTS_PER_PAGE);
      const { thread, place } = await requireThreadFor(db, request.actor, id);
      return taggedThreadJson(db, request.actor, thread, place, pageSize);
    },
  );

  app.get<ThreadParams>(
    '/api/v1/talk/threads/:threadId/replies',
    readers,
    async (request) => {
      const id = readIdParam(request.params.threadId, threadNotFound);
      const asked = readPageRequest(queryOf(request), POSTS_PER_PAGE);
      const { thread } = await requireThreadFor(db, request.actor, id);
      const page = await threadPage(
        db,
        thread.id,
        asked.page,
        asked.pageSize,
        thread.shownPostCount,
      );
      return {
        items: await postsJson(
          db,
          request.actor,
          thread,
          page.posts,
          page.deletedBefore,
        ),
        total: page.total,
        page: page.page,
        pageSize: page.pageSize,
        pageCount: page.pageCount,
        thread: { id: thread.id, title: thread.title },
      };
    },
  );

  app.post<ThreadParams>(
    '/api/v1/talk/threads/:threadId/replies',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const input = readReplyInput(jsonBodyOf(request));
      const postId = await db
        .transaction()
        .execute((trx) => replyToThread(trx, actor, id, input));
      const found = await requirePostFor(db, actor, postId);
      reply.code(201);
      return locatedPostJson(
        db,
        actor,
        found.thread,
        found.post,
        POSTS_PER_PAGE,
      );
    },
  );

  await app.register(talkPostApi, { db });
  await app.register(talkTagApi, { db });
  await app.register(talkExpertApi, { db });
};
