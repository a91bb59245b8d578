import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { can } from '../../access/policy.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { withQuery } from '../../platform/views.ts';
import type { Actor } from '../../access/actor.ts';
import { findGroupAccess, listGroups } from '../groups/groups.ts';
import { newestChanges, recentChanges } from './listing.ts';
import type { RecentChange } from './listing.ts';
import { wikiEditRoutes } from './page-routes-edit.ts';
import { wikiManageRoutes } from './page-routes-manage.ts';
import { wikiReadRoutes } from './page-routes-read.ts';
import {
  breadcrumbsTo,
  breadcrumbsUnder,
  changeView,
  done,
  firstPage,
  formOf,
  noticeOf,
  personOf,
  queryOf,
  spacePath,
  spaceView,
  textOf,
  pageSpaceFor,
} from './page-support.ts';
import type { SpaceParams } from './page-support.ts';
import { wikiNewPagePath, wikiPagePath } from './rendering.ts';
import { SITE_SPACE } from './spaces.ts';
import type { Space } from './spaces.ts';
import { keyOfNormalized, leafName, normalizeTitle } from './titles.ts';
import { treeLevel } from './tree.ts';
import { unwatch, watchesOf, watchSpace } from './watches.ts';

export interface WikiPageOptions {
  db: Kysely<Database>;
}

// The wiki's front page lists this many of the reader's groups, the
// front page and a space's index this many recent changes, and a level
// of the page tree this many pages at a time.
const SPACES_SHOWN = 100;
const CHANGES_SHOWN = 10;
const TREE_PAGE_SIZE = 50;

const readers = { config: { access: 'readers' } } as const;
const signedIn = { config: { access: 'signed-in' } } as const;

function noSuchPage(): NotFoundError {
  return new NotFoundError(
    'PAGE_NOT_FOUND',
    'There is no page with that number',
  );
}

/**
 * The wiki's pages: the front page with the reader's spaces and recent
 * changes, each space's index, and (in the files registered below) its
 * pages, their editor, history and management.
 */
export const wikiPages: FastifyPluginAsync<WikiPageOptions> = async (
  app,
  options,
) => {
  const { db } = options;

  app.get('/wiki', readers, async (request, reply) => {
    const actor = request.actor;
    const page = readPageRequest(queryOf(request));
    const [groups, changes] = await Promise.all([
      actor.kind === 'person'
        ? listGroups(db, actor, { memberId: actor.id }, firstPage(SPACES_SHOWN))
        : { items: [], total: 0 },
      recentChanges(db, actor, {}, page),
    ]);
    if (page.page > pageCount(changes.total, page.pageSize)) {
      throw noSuchPage();
    }
    return reply.render('wiki/views/home.njk', {
      siteSpace: can(actor, { name: 'site.read' })
        ? { name: 'Site wiki', path: spacePath({ key: SITE_SPACE }) }
        : null,
      groups: groups.items.map((group) => ({
        name: `${group.name} wiki`,
        path: spacePath({ key: group.slug }),
        visibility: group.visibility,
      })),
      groupTotal: groups.total,
      changes: await namedChanges(db, actor, changes.items),
      changeTotal: changes.total,
      pagination: paginationParams(
        page.page,
        changes.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
    });
  });

  async function renderSpace(
    request: FastifyRequest<SpaceParams>,
    reply: FastifyReply,
    space: Space,
    context: PageContext = {},
    status = 200,
  ) {
    const query = queryOf(request);
    if (query.view === 'changes') {
      return renderSpaceChanges(request, reply, space);
    }
    const parent = readParent(query.parent);
    const page = readPageRequest(query, TREE_PAGE_SIZE);
    const actor = request.actor;
    const [tree, changes, watching] = await Promise.all([
      treeLevel(db, space, parent.key, page),
      newestChanges(
        db,
        actor,
        { spaceKey: space.key },
        firstPage(CHANGES_SHOWN),
      ),
      actor.kind === 'person' ? watchesOf(db, actor.id, space) : null,
    ]);
    if (page.page > pageCount(tree.total, page.pageSize)) {
      throw noSuchPage();
    }
    return reply.render(
      'wiki/views/space.njk',
      {
        space: spaceView(space),
        breadcrumbs: parent.title
          ? breadcrumbsUnder(space, parent.title)
          : [{ text: 'Wiki', href: '/wiki' }],
        parent: parent.title
          ? {
              title: parent.title,
              path: wikiPagePath(space.key, parent.title),
            }
          : null,
        tree: tree.items.map((item) => ({
          name: leafName(item.title),
          title: item.title,
          path: item.page ? wikiPagePath(space.key, item.title) : null,
          childrenPath: item.hasChildren
            ? withQuery(spacePath(space), { parent: item.title })
            : null,
          redirect: item.page !== null && item.page.redirectToKey !== null,
          deleted: item.page !== null && item.page.deletedAt !== null,
        })),
        treeTotal: tree.total,
        pagination: paginationParams(
          page.page,
          tree.total,
          page.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
        changes: changes.map(changeView),
        watching: watching?.space ?? null,
        notice: noticeOf(request),
        values: {},
        ...context,
      },
      status,
    );
  }

  async function renderSpaceChanges(
    request: FastifyRequest<SpaceParams>,
    reply: FastifyReply,
    space: Space,
  ) {
    const page = readPageRequest(queryOf(request));
    const changes = await recentChanges(
      db,
      request.actor,
      { spaceKey: space.key },
      page,
    );
    if (page.page > pageCount(changes.total, page.pageSize)) {
      throw noSuchPage();
    }
    return reply.render('wiki/views/space-changes.njk', {
      space: spaceView(space),
      breadcrumbs: breadcrumbsTo(space, null),
      changes: changes.items.map(changeView),
      changeTotal: changes.total,
      pagination: paginationParams(
        page.page,
        changes.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
    });
  }

  // "Create a page" is a GET form: naming a page changes nothing, so the
  // title is checked here and the reader sent on to the new page's editor.
  app.get<SpaceParams>('/wiki/:space', readers, async (request, reply) => {
    const space = await pageSpaceFor(
      db,
      request.actor,
      request.params.space,
      'read',
    );
    const query = queryOf(request);
    if (query.newTitle === undefined || !space.mayEdit) {
      return renderSpace(request, reply, space);
    }
    const newTitle = textOf(query.newTitle);
    try {
      return reply.redirect(
        wikiNewPagePath(space.key, normalizeTitle(newTitle)),
        303,
      );
    } catch (error) {
      if (error instanceof ValidationError) {
        const context = {
          values: { newTitle },
          errors: { newTitle: error.fields?.title ?? error.message },
        };
        return renderSpace(request, reply, space, context, 400);
      }
      throw error;
    }
  });

  // Watching a space is a POST to its index: any other address under it
  // could be a page's.
  app.post<SpaceParams>('/wiki/:space', signedIn, async (request, reply) => {
    const actor = personOf(request);
    const watch = formOf(request).watch === 'yes';
    const space = await db.transaction().execute(async (trx) => {
      const found = await pageSpaceFor(
        trx,
        actor,
        request.params.space,
        'read',
      );
      await (watch
        ? watchSpace(trx, actor.id, found)
        : unwatch(trx, actor.id, { space: found }));
      return found;
    });
    const key = watch ? 'space-watching' : 'space-unwatched';
    return reply.redirect(done(spacePath(space), key), 303);
  });

  await app.register(wikiReadRoutes, options);
  await app.register(wikiEditRoutes, options);
  await app.register(wikiManageRoutes, options);
};

/**
 * Site-wide changes with the name of each one's wiki. The groups are
 * those the changes came from, which the reader may read; each is looked
 * up once per page of changes.
 */
async function namedChanges(
  db: Kysely<Database>,
  actor: Actor,
  changes: RecentChange[],
) {
  const keys = [...new Set(changes.map((change) => change.spaceKey))];
  const names = new Map<string, string>([[SITE_SPACE, 'Site wiki']]);
  await Promise.all(
    keys
      .filter((key) => key !== SITE_SPACE)
      .map(async (key) => {
        const group = await findGroupAccess(db, actor, key);
        names.set(key, group ? `${group.name} wiki` : key);
      }),
  );
  return changes.map((change) => ({
    ...changeView(change),
    spaceName: names.get(change.spaceKey) ?? change.spaceKey,
  }));
}

/** `?parent=` names a page whose children to list; absent for the top. */
function readParent(value: unknown): { title: string | null; key: string } {
  if (value === undefined || value === '') {
    return { title: null, key: '' };
  }
  try {
    const title = normalizeTitle(textOf(value));
    return { title, key: keyOfNormalized(title) };
  } catch {
    throw new NotFoundError('PAGE_NOT_FOUND', 'There is no such page');
  }
}
