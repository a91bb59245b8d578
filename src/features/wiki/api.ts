import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Database, Db } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import {
  callerOf,
  jsonBodyOf,
  readers,
  signedIn,
} from '../groups/api-support.ts';
import { diffRevisions } from './diff.ts';
import { getPage, savePage, WikiConflictError } from './editing.ts';
import {
  deletePage,
  getRevision,
  listRevisions,
  renamePage,
  restorePage,
  revertTo,
} from './history.ts';
import { backlinks, listPages, pageTree, recentChanges } from './listing.ts';
import { findRevision } from './pages.ts';
import { renderWikiText } from './rendering.ts';
import {
  changeJson,
  listedPageJson,
  pageJson,
  revisionJson,
  savedJson,
} from './representations.ts';
import { requireSpaceFor, spaceFor } from './spaces.ts';
import { normalizeTitle, parentKeyOf } from './titles.ts';
import { unwatch, watchPage } from './watches.ts';

// The wiki API under /api/v1/wiki, following DESIGN.md. Who may read,
// edit and manage a space is the group rule (./spaces.ts); lists count
// only what the caller may see. An edit that meets someone else's answers
// 409 with every text involved, so a client never loses its words.

type SpaceParams = { Params: { space: string } };
type PageParams = { Params: { space: string; title: string } };
type RevisionParams = { Params: { space: string; revision: string } };

const MAX_ID = 2_147_483_647;

function readId(value: unknown, field: string): number {
  const id =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(id) || id < 1 || id > MAX_ID) {
    throw new ValidationError({ [field]: `${field} must be a revision id` });
  }
  return id;
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

/** A page the caller may read, with its space: what watching needs. */
async function readablePage(
  db: Db,
  actor: PersonActor,
  params: { space: string; title: string },
) {
  const space = await requireSpaceFor(db, actor, params.space, 'read');
  const opened = await getPage(db, space, params.title);
  return { space, page: opened.page };
}

export const wikiApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  app.get('/api/v1/wiki/recent-changes', readers, async (request) => {
    const page = readPageRequest(queryOf(request));
    const result = await recentChanges(db, request.actor, {}, page);
    return pageOf(result, page, changeJson);
  });

  app.get<SpaceParams>(
    '/api/v1/wiki/:space/recent-changes',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const space = await requireSpaceFor(
        db,
        request.actor,
        request.params.space,
        'read',
      );
      const filter = { spaceKey: space.key };
      const result = await recentChanges(db, request.actor, filter, page);
      return pageOf(result, page, changeJson);
    },
  );

  app.get<SpaceParams>(
    '/api/v1/wiki/:space/pages',
    readers,
    async (request) => {
      const query = queryOf(request);
      const page = readPageRequest(query);
      const space = await requireSpaceFor(
        db,
        request.actor,
        request.params.space,
        'read',
      );
      const { parent } = query;
      if (parent !== undefined && typeof parent !== 'string') {
        throw new ValidationError({ parent: 'Send parent once, as a title' });
      }
      const result =
        parent === undefined
          ? await listPages(db, space, page)
          : await pageTree(db, space, parentKeyOfParent(parent), page);
      return pageOf(result, page, (item) => listedPageJson(space, item));
    },
  );

  app.get<PageParams>(
    '/api/v1/wiki/:space/pages/:title',
    readers,
    async (request) => {
      const { params } = request;
      const space = await requireSpaceFor(
        db,
        request.actor,
        params.space,
        'read',
      );
      const follow = queryOf(request).redirect !== 'no';
      const opened = await getPage(db, space, params.title, { follow });
      const html = await renderWikiText(
        db,
        space,
        opened.revision.body,
        opened.page.title,
      );
      return {
        ...pageJson(space, opened.page),
        body: opened.revision.body,
        revision: opened.revision.id,
        lastRevision: revisionJson(opened.revision),
        html,
        redirectedFrom: opened.redirectedFrom?.title ?? null,
      };
    },
  );

  app.put<PageParams>(
    '/api/v1/wiki/:space/pages/:title',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const input = jsonBodyOf(request);
      if (!('body' in input)) {
        throw new ValidationError({ body: 'Enter the text of the page' });
      }
      const base = input.baseRevision;
      const baseRevision =
        base === undefined || base === null
          ? null
          : readId(base, 'baseRevision');
      try {
        const saved = await db.transaction().execute(async (trx) => {
          const space = await requireSpaceFor(
            trx,
            actor,
            request.params.space,
            'edit',
          );
          const result = await savePage(trx, actor, space, {
            title: request.params.title,
            body: input.body,
            summary: input.summary,
            baseRevision,
            minor: input.minor === true,
          });
          return { space, result };
        });
        request.log.info(
          { pageId: saved.result.page.id, merged: saved.result.merged },
          'wiki page saved',
        );
        reply.code(saved.result.created ? 201 : 200);
        return savedJson(saved.space, saved.result);
      } catch (error) {
        if (!(error instanceof WikiConflictError)) {
          throw error;
        }
        reply.code(409);
        return {
          error: { code: error.code, message: error.message },
          merge: error.details,
        };
      }
    },
  );

  app.get<PageParams>(
    '/api/v1/wiki/:space/pages/:title/revisions',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const { params } = request;
      const space = await requireSpaceFor(
        db,
        request.actor,
        params.space,
        'read',
      );
      const opened = await getPage(db, space, params.title, { follow: false });
      const result = await listRevisions(db, opened.page, page);
      return pageOf(result, page, revisionJson);
    },
  );

  app.get<RevisionParams>(
    '/api/v1/wiki/:space/revisions/:revision',
    readers,
    async (request) => {
      const { params } = request;
      const space = await requireSpaceFor(
        db,
        request.actor,
        params.space,
        'read',
      );
      const id = /^\d{1,10}$/.test(params.revision)
        ? Number(params.revision)
        : 0;
      if (id < 1 || id > MAX_ID) {
        throw new NotFoundError(
          'REVISION_NOT_FOUND',
          'There is no such revision',
        );
      }
      const { page, revision } = await getRevision(db, space, id);
      return {
        ...revisionJson(revision),
        page: pageJson(space, page),
        body: revision.body,
      };
    },
  );

  app.get<PageParams>(
    '/api/v1/wiki/:space/pages/:title/diff',
    readers,
    async (request) => {
      const { params } = request;
      const query = queryOf(request);
      const space = await requireSpaceFor(
        db,
        request.actor,
        params.space,
        'read',
      );
      const opened = await getPage(db, space, params.title, { follow: false });
      const toId =
        query.to === undefined ? opened.revision.id : readId(query.to, 'to');
      const to = await findRevision(db, toId, opened.page.id);
      if (!to) {
        throw new ValidationError({
          to: 'That is not a revision of this page',
        });
      }
      const fromId =
        query.from === undefined ? to.parentId : readId(query.from, 'from');
      const from =
        fromId === null ? null : await findRevision(db, fromId, opened.page.id);
      if (fromId !== null && !from) {
        throw new ValidationError({
          from: 'That is not a revision of this page',
        });
      }
      return {
        page: pageJson(space, opened.page),
        from: from ? revisionJson(from) : null,
        to: revisionJson(to),
        ...diffRevisions(from?.body ?? '', to.body),
      };
    },
  );

  app.get<PageParams>(
    '/api/v1/wiki/:space/pages/:title/backlinks',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const { params } = request;
      const space = await requireSpaceFor(
        db,
        request.actor,
        params.space,
        'read',
      );
      const opened = await getPage(db, space, params.title);
      const result = await backlinks(db, space, opened.page, page);
      return pageOf(result, page, (item) => listedPageJson(space, item));
    },
  );

  app.post<PageParams>(
    '/api/v1/wiki/:space/pages/:title/revert',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const input = jsonBodyOf(request);
      const revision = readId(input.revision, 'revision');
      const { space, saved } = await db.transaction().execute(async (trx) => {
        const space = await requireSpaceFor(
          trx,
          actor,
          request.params.space,
          'edit',
        );
        const saved = await revertTo(
          trx,
          actor,
          space,
          request.params.title,
          revision,
          input.summary,
        );
        return { space, saved };
      });
      return savedJson(space, {
        ...saved,
        merged: false,
        created: false,
        changed: true,
      });
    },
  );

  app.post<PageParams>(
    '/api/v1/wiki/:space/pages/:title/move',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const input = jsonBodyOf(request);
      if (typeof input.title !== 'string') {
        throw new ValidationError({ title: 'Enter the new title' });
      }
      const newTitle = input.title;
      const { space, saved } = await db.transaction().execute(async (trx) => {
        const space = await requireSpaceFor(
          trx,
          actor,
          request.params.space,
          'edit',
        );
        const saved = await renamePage(
          trx,
          actor,
          space,
          request.params.title,
          newTitle,
          input.summary,
        );
        return { space, saved };
      });
      return savedJson(space, {
        ...saved,
        merged: false,
        created: false,
        changed: true,
      });
    },
  );

  app.delete<PageParams>(
    '/api/v1/wiki/:space/pages/:title',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      await db.transaction().execute(async (trx) => {
        const space = await spaceFor(trx, actor, request.params.space);
        await deletePage(trx, actor, space, request.params.title);
      });
      return reply.code(204).send();
    },
  );

  app.post<PageParams>(
    '/api/v1/wiki/:space/pages/:title/restore',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      return db.transaction().execute(async (trx) => {
        const space = await spaceFor(trx, actor, request.params.space);
        const page = await restorePage(trx, actor, space, request.params.title);
        return pageJson(space, page);
      });
    },
  );

  app.put<PageParams>(
    '/api/v1/wiki/:space/pages/:title/watch',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      await db.transaction().execute(async (trx) => {
        const { page } = await readablePage(trx, actor, request.params);
        await watchPage(trx, actor.id, page);
      });
      return reply.code(204).send();
    },
  );

  app.delete<PageParams>(
    '/api/v1/wiki/:space/pages/:title/watch',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      await db.transaction().execute(async (trx) => {
        const { space, page } = await readablePage(trx, actor, request.params);
        await unwatch(trx, actor.id, { space, page });
      });
      return reply.code(204).send();
    },
  );
};

/** `?parent=` names a page; empty means the top of the space. */
function parentKeyOfParent(parent: string): string {
  if (parent.trim() === '') {
    return '';
  }
  // The children of "Onboarding" have "onboarding" as their parent key,
  // which is the key a child title "Onboarding/x" gives its parent.
  return parentKeyOf(`${normalizeTitle(parent)}/x`);
}
