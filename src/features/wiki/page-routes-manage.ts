import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import {
  AppError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views.ts';
import { findReadablePage, getPage } from './editing.ts';
import {
  deletePage,
  getRevision,
  renamePage,
  restorePage,
  revertTo,
} from './history.ts';
import type { WikiPage } from './pages.ts';
import {
  breadcrumbsUnder,
  done,
  formOf,
  personOf,
  readRevisionId,
  revisionView,
  spacePath,
  spaceView,
  textOf,
  pageSpaceFor,
} from './page-support.ts';
import type { RevisionParams, TitleParams } from './page-support.ts';
import { wikiPagePath } from './rendering.ts';
import type { Space } from './spaces.ts';
import { leafName } from './titles.ts';
import { unwatch, watchPage } from './watches.ts';

// What changes a page as a whole: moving it, deleting and restoring it
// (the space's managers), reverting it to a revision, and watching it.
// Each change has a page that asks first, then a POST that does it.

const signedIn = { config: { access: 'signed-in' } } as const;

function pageView(space: Space, page: WikiPage) {
  return {
    ...page,
    name: leafName(page.title),
    path: wikiPagePath(space.key, page.title),
  };
}

export const wikiManageRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  function renderMove(
    reply: FastifyReply,
    space: Space,
    page: WikiPage,
    context: PageContext = {},
    status = 200,
  ) {
    return reply.render(
      'wiki/views/move.njk',
      {
        space: spaceView(space),
        breadcrumbs: breadcrumbsUnder(space, page.title),
        page: pageView(space, page),
        values: { title: page.title },
        ...context,
      },
      status,
    );
  }

  app.get<TitleParams>(
    '/wiki/:space/:title/move',
    signedIn,
    async (request, reply) => {
      const { params } = request;
      const actor = personOf(request);
      const space = await pageSpaceFor(db, actor, params.space, 'edit');
      const { page } = await getPage(db, space, params.title, {
        follow: false,
      });
      return renderMove(reply, space, page);
    },
  );

  app.post<TitleParams>(
    '/wiki/:space/:title/move',
    signedIn,
    async (request, reply) => {
      const { params } = request;
      const actor = personOf(request);
      const form = formOf(request);
      const values = {
        title: textOf(form.title),
        summary: textOf(form.summary),
      };
      try {
        const moved = await db.transaction().execute(async (trx) => {
          const space = await pageSpaceFor(trx, actor, params.space, 'edit');
          const saved = await renamePage(
            trx,
            actor,
            space,
            params.title,
            values.title,
            values.summary,
          );
          return { space, page: saved.page };
        });
        const path = wikiPagePath(moved.space.key, moved.page.title);
        return reply.redirect(done(path, 'moved'), 303);
      } catch (error) {
        // A taken title is a conflict to the API and one more thing to
        // put right in the form to a person.
        const fields =
          error instanceof ValidationError
            ? error.fields
            : error instanceof AppError && error.code === 'PAGE_EXISTS'
              ? { title: error.message }
              : null;
        if (!fields) {
          throw error;
        }
        const space = await pageSpaceFor(db, actor, params.space, 'edit');
        const { page } = await getPage(db, space, params.title, {
          follow: false,
        });
        const context = { values, errors: fields };
        return renderMove(reply, space, page, context, 400);
      }
    },
  );

  // Deleting and restoring: a confirmation page, then the change.
  for (const deleting of [true, false]) {
    const action = deleting ? 'delete' : 'restore';
    app.get<TitleParams>(
      `/wiki/:space/:title/${action}`,
      signedIn,
      async (request, reply) => {
        const { params } = request;
        const actor = personOf(request);
        const space = await pageSpaceFor(db, actor, params.space, 'manage');
        const page = await findReadablePage(db, space, params.title);
        return reply.render('wiki/views/confirm.njk', {
          space: spaceView(space),
          breadcrumbs: breadcrumbsUnder(space, page.title),
          page: pageView(space, page),
          action,
          already: (page.deletedAt !== null) === deleting,
        });
      },
    );

    app.post<TitleParams>(
      `/wiki/:space/:title/${action}`,
      signedIn,
      async (request, reply) => {
        const { params } = request;
        const actor = personOf(request);
        const summary = textOf(formOf(request).summary);
        const { space, page } = await db.transaction().execute(async (trx) => {
          const space = await pageSpaceFor(trx, actor, params.space, 'manage');
          const change = deleting ? deletePage : restorePage;
          const page = await change(trx, actor, space, params.title, summary);
          return { space, page };
        });
        request.log.info({ pageId: page.id }, `wiki page ${action}d`);
        return reply.redirect(
          deleting
            ? done(spacePath(space), 'deleted')
            : done(wikiPagePath(space.key, page.title), 'restored'),
          303,
        );
      },
    );
  }

  app.get<RevisionParams>(
    '/wiki/:space/:title/revisions/:revision/revert',
    signedIn,
    async (request, reply) => {
      const { params } = request;
      const actor = personOf(request);
      const space = await pageSpaceFor(db, actor, params.space, 'edit');
      const opened = await getPage(db, space, params.title, { follow: false });
      const { page, revision } = await getRevision(
        db,
        space,
        readRevisionId(params.revision),
      );
      if (page.id !== opened.page.id) {
        throw new NotFoundError(
          'REVISION_NOT_FOUND',
          'There is no such revision',
        );
      }
      return reply.render('wiki/views/confirm.njk', {
        space: spaceView(space),
        breadcrumbs: breadcrumbsUnder(space, page.title),
        page: pageView(space, page),
        action: 'revert',
        revision: {
          ...revisionView(revision),
          path: `${pageView(space, page).path}/revisions/${revision.id}`,
        },
        already: revision.id === page.currentRevisionId,
      });
    },
  );

  app.post<RevisionParams>(
    '/wiki/:space/:title/revisions/:revision/revert',
    signedIn,
    async (request, reply) => {
      const { params } = request;
      const actor = personOf(request);
      const revisionId = readRevisionId(params.revision);
      const summary = textOf(formOf(request).summary);
      const { space, page } = await db.transaction().execute(async (trx) => {
        const space = await pageSpaceFor(trx, actor, params.space, 'edit');
        const saved = await revertTo(
          trx,
          actor,
          space,
          params.title,
          revisionId,
          summary,
        );
        return { space, page: saved.page };
      });
      const path = wikiPagePath(space.key, page.title);
      return reply.redirect(done(path, 'reverted'), 303);
    },
  );

  for (const watch of [true, false]) {
    app.post<TitleParams>(
      `/wiki/:space/:title/${watch ? 'watch' : 'unwatch'}`,
      signedIn,
      async (request, reply) => {
        const { params } = request;
        const actor = personOf(request);
        const { space, page } = await db.transaction().execute(async (trx) => {
          const space = await pageSpaceFor(trx, actor, params.space, 'read');
          const { page } = await getPage(trx, space, params.title, {
            follow: false,
          });
          await (watch
            ? watchPage(trx, actor.id, page)
            : unwatch(trx, actor.id, { space, page }));
          return { space, page };
        });
        const path = wikiPagePath(space.key, page.title);
        return reply.redirect(
          done(path, watch ? 'watching' : 'unwatched'),
          303,
        );
      },
    );
  }
};
