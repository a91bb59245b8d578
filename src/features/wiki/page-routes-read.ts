import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import { AppError, NotFoundError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import { diffView, readDiffRevisions } from './diff-view.ts';
import { findReadablePage, getPage } from './editing.ts';
import { getRevision, listRevisions } from './history.ts';
import { backlinks } from './listing.ts';
import { treeLevel } from './tree.ts';
import type { WikiPage } from './pages.ts';
import {
  breadcrumbsTo,
  breadcrumbsUnder,
  firstPage,
  noticeOf,
  queryOf,
  readRevisionId,
  revisionView,
  spaceView,
  pageSpaceFor,
} from './page-support.ts';
import type { RevisionParams, TitleParams } from './page-support.ts';
import { renderWikiText, wikiNewPagePath, wikiPagePath } from './rendering.ts';
import type { Space } from './spaces.ts';
import { keyOfNormalized, leafName, normalizeTitle } from './titles.ts';
import { watchesOf } from './watches.ts';
import { attachmentsForPage } from '../files/attachments/service.ts';

// Reading the wiki: a page (after its redirect), one of its revisions, its
// history, a diff between two revisions, and what links to it.

const readers = { config: { access: 'readers' } } as const;
const CHILDREN_SHOWN = 50;

function isPageNotFound(error: unknown): boolean {
  return error instanceof AppError && error.code === 'PAGE_NOT_FOUND';
}

function titleOrNull(raw: string): string | null {
  try {
    return normalizeTitle(raw);
  } catch {
    return null;
  }
}

export const wikiReadRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  async function readSpace(actor: Actor, key: string) {
    return pageSpaceFor(db, actor, key, 'read');
  }

  function renderMissing(reply: FastifyReply, space: Space, raw: string) {
    const title = titleOrNull(raw);
    return reply.render(
      'wiki/views/missing.njk',
      {
        space: spaceView(space),
        breadcrumbs: breadcrumbsTo(space, title),
        title: title ?? raw,
        createPath:
          title !== null && space.mayEdit
            ? wikiNewPagePath(space.key, title)
            : null,
      },
      404,
    );
  }

  /** The page `from` names, when it really redirects to `page`. */
  async function redirectSource(
    space: Space,
    from: unknown,
    page: WikiPage,
  ): Promise<WikiPage | null> {
    if (typeof from !== 'string' || from === '') {
      return null;
    }
    try {
      const source = await findReadablePage(db, space, from);
      return source.redirectToKey === page.titleKey ? source : null;
    } catch {
      return null;
    }
  }

  app.get<TitleParams>(
    '/wiki/:space/:title',
    readers,
    async (request, reply) => {
      const { params } = request;
      const actor = request.actor;
      const space = await readSpace(actor, params.space);
      const query = queryOf(request);
      let opened;
      try {
        opened = await getPage(db, space, params.title, {
          follow: query.redirect !== 'no',
        });
      } catch (error) {
        if (isPageNotFound(error)) {
          return renderMissing(reply, space, params.title);
        }
        throw error;
      }
      const { page, revision } = opened;
      const path = wikiPagePath(space.key, page.title);
      if (opened.redirectedFrom) {
        const from = opened.redirectedFrom.title;
        return reply.redirect(withQuery(path, { from }), 303);
      }

      const [html, children, source, watching, attached] = await Promise.all([
        renderWikiText(db, space, revision.body, page.title),
        treeLevel(db, space, page.titleKey, firstPage(CHILDREN_SHOWN)),
        redirectSource(space, query.from, page),
        actor.kind === 'person' ? watchesOf(db, actor.id, space, page) : null,
        attachmentsForPage(db, actor, 'wiki_page', [page.id]),
      ]);
      return reply.render('wiki/views/page.njk', {
        space: spaceView(space),
        breadcrumbs: breadcrumbsTo(space, page.title),
        page: { ...page, path, name: leafName(page.title) },
        revision: revisionView(revision),
        html,
        attachments: attached[page.id] ?? [],
        redirectedFrom: source
          ? {
              title: source.title,
              path: withQuery(wikiPagePath(space.key, source.title), {
                redirect: 'no',
              }),
            }
          : null,
        children: children.items.map((child) => ({
          name: leafName(child.title),
          path: child.page
            ? wikiPagePath(space.key, child.title)
            : withQuery(`/wiki/${encodeURIComponent(space.key)}`, {
                parent: child.title,
              }),
        })),
        childTotal: children.total,
        childrenPath: withQuery(`/wiki/${encodeURIComponent(space.key)}`, {
          parent: page.title,
        }),
        watching: watching?.page ?? null,
        signedIn: actor.kind === 'person',
        notice: noticeOf(request),
      });
    },
  );

  app.get<TitleParams>(
    '/wiki/:space/:title/history',
    readers,
    async (request, reply) => {
      const { params } = request;
      const space = await readSpace(request.actor, params.space);
      const list = readPageRequest(queryOf(request));
      const { page } = await getPage(db, space, params.title, {
        follow: false,
      });
      const result = await listRevisions(db, page, list);
      if (list.page > pageCount(result.total, list.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      const path = wikiPagePath(space.key, page.title);
      const [newest, second] = result.items;
      return reply.render('wiki/views/history.njk', {
        space: spaceView(space),
        breadcrumbs: breadcrumbsUnder(space, page.title),
        page: { ...page, path, name: leafName(page.title) },
        revisions: result.items.map((revision) => ({
          ...revisionView(revision),
          path: `${path}/revisions/${revision.id}`,
          current: revision.id === page.currentRevisionId,
          revertPath:
            space.mayEdit &&
            page.deletedAt === null &&
            revision.id !== page.currentRevisionId
              ? `${path}/revisions/${revision.id}/revert`
              : null,
        })),
        total: result.total,
        compare: {
          from: second?.id ?? newest?.id ?? null,
          to: newest?.id ?? null,
        },
        pagination: paginationParams(
          list.page,
          result.total,
          list.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
      });
    },
  );

  app.get<RevisionParams>(
    '/wiki/:space/:title/revisions/:revision',
    readers,
    async (request, reply) => {
      const { params } = request;
      const space = await readSpace(request.actor, params.space);
      const id = readRevisionId(params.revision);
      const { page, revision } = await getRevision(db, space, id);
      const path = wikiPagePath(space.key, page.title);
      // After a move, an address with the old title still finds the
      // revision, at its page's present address.
      const asked = titleOrNull(params.title);
      if (asked === null || keyOfNormalized(asked) !== page.titleKey) {
        return reply.redirect(`${path}/revisions/${revision.id}`, 303);
      }
      const current = revision.id === page.currentRevisionId;
      return reply.render('wiki/views/revision.njk', {
        space: spaceView(space),
        breadcrumbs: breadcrumbsUnder(space, page.title),
        page: { ...page, path, name: leafName(page.title) },
        revision: revisionView(revision),
        current,
        html: await renderWikiText(db, space, revision.body, page.title),
        diffPath: withQuery(`${path}/diff`, { to: revision.id }),
        currentDiffPath: withQuery(`${path}/diff`, {
          from: revision.id,
          to: page.currentRevisionId,
        }),
        revertPath:
          space.mayEdit && !current && page.deletedAt === null
            ? `${path}/revisions/${revision.id}/revert`
            : null,
      });
    },
  );

  app.get<TitleParams>(
    '/wiki/:space/:title/diff',
    readers,
    async (request, reply) => {
      const { params } = request;
      const space = await readSpace(request.actor, params.space);
      const opened = await getPage(db, space, params.title, {
        follow: false,
      });
      const { page } = opened;
      const { from, to } = await readDiffRevisions(
        db,
        opened,
        queryOf(request),
      );
      const path = wikiPagePath(space.key, page.title);
      return reply.render('wiki/views/diff.njk', {
        space: spaceView(space),
        breadcrumbs: breadcrumbsUnder(space, page.title),
        page: { ...page, path, name: leafName(page.title) },
        from: from
          ? { ...revisionView(from), path: `${path}/revisions/${from.id}` }
          : null,
        to: { ...revisionView(to), path: `${path}/revisions/${to.id}` },
        diff: diffView(from?.body ?? '', to.body),
      });
    },
  );

  app.get<TitleParams>(
    '/wiki/:space/:title/links-here',
    readers,
    async (request, reply) => {
      const { params } = request;
      const space = await readSpace(request.actor, params.space);
      const list = readPageRequest(queryOf(request));
      const { page } = await getPage(db, space, params.title);
      const result = await backlinks(db, space, page, list);
      if (list.page > pageCount(result.total, list.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      return reply.render('wiki/views/links-here.njk', {
        space: spaceView(space),
        breadcrumbs: breadcrumbsUnder(space, page.title),
        page: {
          ...page,
          path: wikiPagePath(space.key, page.title),
          name: leafName(page.title),
        },
        links: result.items.map((item) => ({
          title: item.title,
          path: withQuery(wikiPagePath(space.key, item.title), {
            redirect: item.redirectToKey === null ? null : 'no',
          }),
          redirect: item.redirectToKey !== null,
        })),
        total: result.total,
        pagination: paginationParams(
          list.page,
          result.total,
          list.pageSize,
          (n) => withQuery(request.url, { page: n === 1 ? null : n }),
        ),
      });
    },
  );
};
