import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, PersonActor } from '../../access/actor.ts';
import { can } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { pageCount, readPageRequest } from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { listGroups, requireGroup } from '../groups/groups.ts';
import { personOf } from '../groups/page-support.ts';
import { ensureGroupCategory } from './categories.ts';
import { startThread } from './discussions.ts';
import { MAX_TITLE, readThreadInput } from './input.ts';
import { QUEUE_PATH, waitingForModerator } from './moderation/queue.ts';
import {
  categoryPath,
  done,
  firstPage,
  formErrors,
  formOf,
  noticeOf,
  paginationFor,
  queryOf,
  readers,
  signedIn,
  statusRow,
  TALK_CRUMB,
  textOf,
  threadPath,
} from './page-routes-support.ts';
import {
  categoryFamily,
  categoryWatchView,
  mayManageCategories,
  talkCategoryPages,
} from './page-routes-categories.ts';
import { talkPostPages } from './page-routes-posts.ts';
import { talkStatusPages } from './page-routes-status.ts';
import { talkThreadPages } from './page-routes-thread.ts';
import {
  categoryNotFound,
  findCategoryRow,
  listReadableCategories,
  placeOf,
  requireReadablePlace,
} from './places.ts';
import type { Place } from './places.ts';
import { createStatus } from './status/posts.ts';
import { listStatus } from './status/streams.ts';
import { readStatusBody, STATUS_MAX_CHARACTERS } from './status/text.ts';
import { listThreads } from './threads.ts';
import type { ThreadFilter } from './threads.ts';
import { readTagFilter } from './tags/api.ts';
import { listTaggedThreads } from './tags/listing.ts';
import { talkTagPages } from './tags/page-routes.ts';
import { MAX_THREAD_TAGS, splitTagText, tagPath } from './tags/tags.ts';
import { talkUnreadPages } from './unread/page-routes.ts';
import { threadRowsFor } from './unread/pages.ts';

// Talk's pages: the front page (a status box, the Talk stream, the
// latest threads and the categories), a category's or a group's
// threads with the form to start one, and the unanswered questions.
// Every list comes from the service, which filters by the group rule.

const LATEST_SHOWN = 10;
const CATEGORIES_SHOWN = 100;
const GROUPS_SHOWN = 100;
const THREADS_PER_PAGE = 25;
const STATUS_PER_PAGE = 20;

type CategoryParams = { Params: { category: string } };
type GroupParams = { Params: { slug: string } };

interface ThreadForm {
  title: string;
  body: string;
  question: boolean;
  tags: string;
}

function noSuchPage(): NotFoundError {
  return new NotFoundError(
    'PAGE_NOT_FOUND',
    'There is no page with that number',
  );
}

function readThreadForm(form: Record<string, unknown>): ThreadForm {
  return {
    title: textOf(form.title),
    body: textOf(form.body),
    question: form.question === 'yes',
    tags: textOf(form.tags),
  };
}

/** Where a person may post a status: their profile (staff), their groups. */
async function statusPlaces(db: Db, actor: Actor) {
  if (actor.kind !== 'person') {
    return [];
  }
  const groups = await listGroups(
    db,
    actor,
    { memberId: actor.id },
    firstPage(GROUPS_SHOWN),
  );
  const places = can(actor, { name: 'site.read' })
    ? [{ value: '', text: 'Your profile' }]
    : [];
  return [
    ...places,
    ...groups.items.map((group) => ({ value: group.slug, text: group.name })),
  ];
}

export const talkPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  async function renderHome(
    request: FastifyRequest,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
  ) {
    const actor = request.actor;
    const page = readPageRequest(queryOf(request), STATUS_PER_PAGE);
    const [stream, latest, categories, places, waiting] = await Promise.all([
      listStatus(db, actor, {}, page),
      listThreads(db, actor, {}, firstPage(LATEST_SHOWN)),
      listReadableCategories(db, actor, firstPage(CATEGORIES_SHOWN)),
      statusPlaces(db, actor),
      waitingForModerator(db, actor),
    ]);
    if (page.page > pageCount(stream.total, page.pageSize)) {
      throw noSuchPage();
    }
    return reply.render(
      'talk/views/home.njk',
      {
        stream: stream.items.map(statusRow),
        streamTotal: stream.total,
        pagination: paginationFor(request.url, page, stream.total),
        latest: await threadRowsFor(db, actor, latest.items),
        categories: categories.items.map((category) => ({
          name: category.name,
          description: category.description,
          path: categoryPath(category.slug),
          group: category.groupId !== null,
        })),
        places,
        moderation: waiting === null ? null : { path: QUEUE_PATH, waiting },
        mayManageCategories: mayManageCategories(actor),
        maxCharacters: STATUS_MAX_CHARACTERS,
        notice: noticeOf(request),
        values: {},
        ...context,
      },
      status,
    );
  }

  app.get('/talk', readers, async (request, reply) =>
    renderHome(request, reply),
  );

  app.post('/talk/status', signedIn, async (request, reply) => {
    const actor = personOf(request);
    const form = formOf(request);
    const values = { body: textOf(form.body), group: textOf(form.group) };
    let id = 0;
    const errors = await formErrors(async () => {
      const body = readStatusBody(values.body);
      id = await db.transaction().execute(async (trx) => {
        const group = values.group
          ? await requireGroup(trx, actor, values.group, 'group.contribute')
          : null;
        return createStatus(trx, actor, body, group?.id ?? null);
      });
    });
    if (errors) {
      return renderHome(request, reply, { values, errors }, 400);
    }
    return reply.redirect(done(`/talk/status/${id}`, 'status-posted'), 303);
  });

  async function renderThreads(
    request: FastifyRequest,
    reply: FastifyReply,
    place: Place,
    view: { formAction: string; crumbs: { text: string; href: string }[] },
    context: PageContext = {},
    status = 200,
  ) {
    const page = readPageRequest(queryOf(request), THREADS_PER_PAGE);
    const tagKey = readTagFilter(queryOf(request));
    const filter = { categoryId: place.category.id };
    // A group's category is made on its first thread; until then the
    // group simply has none.
    const result =
      place.category.id === 0
        ? { items: [], total: 0 }
        : tagKey === undefined
          ? await listThreads(db, request.actor, filter, page)
          : await listTaggedThreads(
              db,
              request.actor,
              { ...filter, tagKey },
              page,
            );
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw noSuchPage();
    }
    const family = await categoryFamily(db, request.actor, place);
    return reply.render(
      'talk/views/category.njk',
      {
        category: {
          name: place.category.name,
          description: place.category.description,
        },
        group: place.group
          ? {
              name: place.group.name,
              path: `/groups/${encodeURIComponent(place.group.slug)}`,
            }
          : null,
        breadcrumbs: [TALK_CRUMB, ...family.parentCrumbs, ...view.crumbs],
        children: family.children,
        editPath:
          place.group === null && mayManageCategories(request.actor)
            ? `${categoryPath(place.category.slug)}/edit`
            : null,
        watch: await categoryWatchView(db, request.actor, place),
        threads: await threadRowsFor(db, request.actor, result.items),
        total: result.total,
        pagination: paginationFor(request.url, page, result.total),
        tagFilter: tagKey
          ? {
              key: tagKey,
              path: tagPath(tagKey),
              all: request.url.split('?')[0],
            }
          : null,
        maxTags: MAX_THREAD_TAGS,
        mayPost: place.mayPost,
        markAllRead:
          request.actor.kind === 'person' && result.total > 0
            ? `${categoryPath(place.category.slug)}/read`
            : null,
        signedIn: request.actor.kind === 'person',
        formAction: view.formAction,
        maxTitle: MAX_TITLE,
        notice: noticeOf(request),
        values: { title: '', body: '', question: false, tags: '' },
        ...context,
      },
      status,
    );
  }

  app.get<CategoryParams>(
    '/talk/categories/:category',
    readers,
    async (request, reply) => {
      const place = await requireReadablePlace(
        db,
        request.actor,
        request.params.category,
      );
      return renderThreads(request, reply, place, {
        formAction: `${categoryPath(place.category.slug)}/threads`,
        crumbs: [],
      });
    },
  );

  app.post<CategoryParams>(
    '/talk/categories/:category/threads',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      const values = readThreadForm(formOf(request));
      const view = {
        formAction: `${categoryPath(place.category.slug)}/threads`,
        crumbs: [],
      };
      const places = { make: async () => place, shown: async () => place };
      return startFromForm(request, reply, actor, values, places, view);
    },
  );

  async function startFromForm(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: PersonActor,
    values: ThreadForm,
    places: {
      /** The place to post in, made in the transaction when it must be. */
      make: (trx: Db) => Promise<Place>;
      /** The place to show the form again in, making nothing. */
      shown: () => Promise<Place>;
    },
    view: { formAction: string; crumbs: { text: string; href: string }[] },
  ) {
    let started = { threadId: 0, held: false };
    const errors = await formErrors(async () => {
      const tags = splitTagText(values.tags);
      const input = readThreadInput({ ...values, tags });
      started = await db.transaction().execute(async (trx) => {
        const where = await places.make(trx);
        return startThread(trx, actor, where, input);
      });
    });
    if (errors) {
      const place = await places.shown();
      return renderThreads(
        request,
        reply,
        place,
        view,
        { values, errors },
        400,
      );
    }
    const notice = started.held ? 'thread-held' : 'thread-started';
    return reply.redirect(done(threadPath(started.threadId), notice), 303);
  }

  /** A group's discussions as a place, its category made or not. */
  async function groupPlace(actor: Actor, slug: string): Promise<Place> {
    // Like a group's wiki, its discussions are not found by those who
    // may not read them, even when the group itself is listed.
    const group = await requireGroup(db, actor, slug, 'group.see');
    const category = (await findCategoryRow(db, { groupId: group.id })) ?? {
      id: 0,
      slug: `group-${group.slug}`,
      name: group.name,
      description: '',
      parentId: null,
      groupId: group.id,
      position: 0,
      createdAt: '',
    };
    const place = await placeOf(db, actor, category);
    if (!place.mayRead) {
      throw categoryNotFound();
    }
    return place;
  }

  function groupView(slug: string, name: string) {
    return {
      formAction: `/talk/groups/${encodeURIComponent(slug)}/threads`,
      crumbs: [{ text: name, href: `/groups/${encodeURIComponent(slug)}` }],
    };
  }

  app.get<GroupParams>(
    '/talk/groups/:slug',
    readers,
    async (request, reply) => {
      const place = await groupPlace(request.actor, request.params.slug);
      const group = place.group ?? { slug: '', name: '' };
      return renderThreads(
        request,
        reply,
        place,
        groupView(group.slug, group.name),
      );
    },
  );

  app.post<GroupParams>(
    '/talk/groups/:slug/threads',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const { group } = await groupPlace(actor, request.params.slug);
      if (!group) {
        throw categoryNotFound();
      }
      const values = readThreadForm(formOf(request));
      const places = {
        make: async (trx: Db) =>
          placeOf(trx, actor, await ensureGroupCategory(trx, group)),
        shown: () => groupPlace(actor, group.slug),
      };
      return startFromForm(
        request,
        reply,
        actor,
        values,
        places,
        groupView(group.slug, group.name),
      );
    },
  );

  /** A page of the threads `filter` picks, latest activity first. */
  async function renderThreadList(
    request: FastifyRequest,
    reply: FastifyReply,
    template: string,
    filter: ThreadFilter,
  ) {
    const page = readPageRequest(queryOf(request), THREADS_PER_PAGE);
    const result = await listThreads(db, request.actor, filter, page);
    const pages = pageCount(result.total, page.pageSize);
    if (page.page > pages) {
      throw noSuchPage();
    }
    return reply.render(template, {
      breadcrumbs: [TALK_CRUMB],
      threads: await threadRowsFor(db, request.actor, result.items),
      total: result.total,
      // A later page says which it is in its title, as a search page does.
      pageOfPages: page.page > 1 ? ` (page ${page.page} of ${pages})` : '',
      pagination: paginationFor(request.url, page, result.total),
    });
  }

  // Every thread the reader may see, in every category and group: the
  // front page's ten, all of them in pages.
  app.get('/talk/latest', readers, async (request, reply) =>
    renderThreadList(request, reply, 'talk/views/latest.njk', {}),
  );

  app.get('/talk/unanswered', readers, async (request, reply) =>
    renderThreadList(request, reply, 'talk/views/unanswered.njk', {
      unanswered: 'accepted',
    }),
  );

  await app.register(talkThreadPages, { db });
  await app.register(talkCategoryPages, { db });
  await app.register(talkPostPages, { db });
  await app.register(talkTagPages, { db });
  await app.register(talkUnreadPages, { db });
  await app.register(talkStatusPages, { db });
};
