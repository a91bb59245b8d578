import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  pageOf,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import '../../platform/route-config.ts';
import { withQuery } from '../../platform/views.ts';
import { readSearch, searchValues } from './input.ts';
import type { SearchValues } from './input.ts';
import { SEARCH_KINDS } from './query.ts';
import { KIND_LABELS, search } from './service.ts';
import type { SearchResult } from './service.ts';

// GET /search, the page behind the box in every page's header, and
// GET /api/v1/search. Both are for 'readers': staff find what they may
// read, guests only what is in their groups, signed-out visitors (when
// the site opens open groups to the public) only open groups' content.
// Every filter is applied inside the query with who-may-see-what
// (./visibility.ts), so the total and each page count only that.

const readers = { config: { access: 'readers' as const } };

type Query = { Querystring: Record<string, unknown> };

function resultJson(result: SearchResult) {
  return {
    kind: result.kind,
    id: result.id,
    url: result.href,
    title: result.title,
    titleHtml: result.titleHtml,
    snippetHtml: result.snippetHtml,
    group: result.group && {
      slug: result.group.slug,
      name: result.group.name,
    },
    author: result.author,
    createdAt: result.createdAt,
    updatedAt: result.updatedAt,
  };
}

/** The groups offered in the form's group filter: the reader's own. */
async function groupOptions(db: Kysely<Database>, actor: Actor) {
  if (actor.kind !== 'person') {
    return [];
  }
  return db
    .selectFrom('groups as g')
    .innerJoin('group_members as m', 'm.group_id', 'g.id')
    .select(['g.slug', 'g.name'])
    .where('m.person_id', '=', actor.id)
    .orderBy('g.sort_name')
    .limit(200)
    .execute();
}

export const searchPlugin: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  async function renderPage(
    reply: FastifyReply,
    actor: Actor,
    view: Record<string, unknown> & { values: SearchValues },
    status = 200,
  ) {
    const groups = await groupOptions(db, actor);
    const chosen = view.values.group;
    if (chosen && !groups.some((group) => group.slug === chosen)) {
      groups.unshift({ slug: chosen, name: chosen });
    }
    const kinds = SEARCH_KINDS.map((kind) => ({
      value: kind,
      text: KIND_LABELS[kind],
      checked: view.values.kind.includes(kind),
    }));
    return reply.render(
      'search/views/search.njk',
      { ...view, groups, kinds, kindLabels: KIND_LABELS },
      status,
    );
  }

  app.get<Query>('/search', readers, async (request, reply) => {
    const query = request.query;
    const values = searchValues(query);
    const asked = Object.values(values).some((value) => value.length > 0);
    if (!asked && query.page === undefined) {
      return renderPage(reply, request.actor, { values });
    }
    let page: PageRequest;
    let read;
    try {
      page = readPageRequest(query, 20);
      read = await readSearch(db, request.actor, query);
    } catch (error) {
      if (error instanceof ValidationError) {
        const errors = error.fields;
        return renderPage(reply, request.actor, { values, errors }, 400);
      }
      throw error;
    }
    const result = await search(db, request.actor, read.request, page);
    // Past the last page, as every other paged page answers.
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw new NotFoundError(
        'PAGE_NOT_FOUND',
        'There is no page with that number',
      );
    }
    return renderPage(reply, request.actor, {
      values: read.values,
      result,
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
    });
  });

  app.get<Query>('/api/v1/search', readers, async (request) => {
    const page = readPageRequest(request.query);
    const { request: asked } = await readSearch(
      db,
      request.actor,
      request.query,
    );
    const result = await search(db, request.actor, asked, page);
    // Past 1,000 matches the total is a lower bound (README, API).
    return {
      ...pageOf(result, page, resultJson),
      totalIsLowerBound: result.totalIsLowerBound,
    };
  });
};
