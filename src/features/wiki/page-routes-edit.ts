import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { AppError, ValidationError } from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views.ts';
import { diffView } from './diff-view.ts';
import { getPage, savePage, WikiConflictError } from './editing.ts';
import type { ConflictDetails, OpenedPage } from './editing.ts';
import { MAX_BODY_BYTES, readBody, readSummary } from './pages.ts';
import {
  breadcrumbsTo,
  breadcrumbsUnder,
  done,
  formOf,
  personOf,
  spaceView,
  textOf,
  pageSpaceFor,
} from './page-support.ts';
import type { TitleParams } from './page-support.ts';
import { renderWikiText, wikiNewPagePath, wikiPagePath } from './rendering.ts';
import type { Space } from './spaces.ts';
import { leafName, normalizeTitle } from './titles.ts';

// The editor: a form with the page's Markdown and the revision it was
// loaded from. "Preview" posts the form back and shows it rendered,
// saving nothing; "Save page" saves, merging with a change made since
// the form was loaded, or showing the conflict with the editor's own
// text kept in the form (BUG-13).

const signedIn = { config: { access: 'signed-in' } } as const;

interface EditForm {
  title: string;
  body: string;
  summary: string;
  baseRevision: string;
}

/** The form's revision: a positive whole number, or null for a new page. */
function readBaseRevision(value: string): number | null {
  if (value === '') {
    return null;
  }
  if (!/^[1-9]\d{0,8}$/.test(value)) {
    throw new ValidationError({
      body: 'The form was damaged; copy your text, then reload the page',
    });
  }
  return Number(value);
}

async function openOrNull(
  db: Kysely<Database>,
  space: Space,
  title: string,
): Promise<OpenedPage | null> {
  try {
    return await getPage(db, space, title, { follow: false });
  } catch (error) {
    if (error instanceof AppError && error.code === 'PAGE_NOT_FOUND') {
      return null;
    }
    throw error;
  }
}

export const wikiEditRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  function renderEditor(
    reply: FastifyReply,
    space: Space,
    opened: OpenedPage | null,
    values: EditForm,
    context: PageContext = {},
    status = 200,
  ) {
    // A new page's form posts back to the address it was opened at; the
    // title it is saved under is the one in the form.
    const formAction = opened
      ? `${wikiPagePath(space.key, opened.page.title)}/edit`
      : wikiNewPagePath(
          space.key,
          (reply.request.params as { title: string }).title,
        );
    const title = opened?.page.title ?? values.title;
    const named = titleOrNull(title);
    return reply.render(
      'wiki/views/edit.njk',
      {
        space: spaceView(space),
        breadcrumbs:
          opened !== null
            ? breadcrumbsUnder(space, opened.page.title)
            : breadcrumbsTo(space, named),
        isNew: opened === null,
        formAction,
        page: opened
          ? {
              id: opened.page.id,
              title: opened.page.title,
              name: leafName(opened.page.title),
              path: wikiPagePath(space.key, opened.page.title),
            }
          : null,
        maxKilobytes: Math.floor(MAX_BODY_BYTES / 1000),
        values,
        ...context,
      },
      status,
    );
  }

  app.get<TitleParams>(
    '/wiki/:space/:title/edit',
    signedIn,
    async (request, reply) => {
      const space = await pageSpaceFor(
        db,
        personOf(request),
        request.params.space,
        'edit',
      );
      const opened = await openOrNull(db, space, request.params.title);
      const values: EditForm = {
        title: opened?.page.title ?? request.params.title,
        body: opened?.revision.body ?? '',
        summary: '',
        baseRevision: opened ? String(opened.revision.id) : '',
      };
      if (opened === null && titleOrNull(request.params.title) === null) {
        // The link named something that cannot be a title: say why now,
        // with the title in the form to put right.
        const errors = titleErrors(request.params.title);
        return renderEditor(reply, space, null, values, { errors }, 400);
      }
      return renderEditor(reply, space, opened, values);
    },
  );

  app.post<TitleParams>(
    '/wiki/:space/:title/edit',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const form = formOf(request);
      const space = await pageSpaceFor(db, actor, request.params.space, 'edit');
      const opened = await openOrNull(db, space, request.params.title);
      const values: EditForm = {
        title: opened ? opened.page.title : textOf(form.title),
        body: textOf(form.body),
        summary: textOf(form.summary),
        baseRevision: textOf(form.baseRevision),
      };

      if (form.action === 'preview') {
        try {
          const body = readBody(values.body);
          readSummary(values.summary);
          const title = normalizeTitle(values.title);
          const previewHtml = await renderWikiText(db, space, body, title);
          return renderEditor(reply, space, opened, values, { previewHtml });
        } catch (error) {
          if (error instanceof ValidationError) {
            const errors = error.fields;
            return renderEditor(reply, space, opened, values, { errors }, 400);
          }
          throw error;
        }
      }

      try {
        const saved = await db.transaction().execute(async (trx) => {
          const current = await pageSpaceFor(
            trx,
            actor,
            request.params.space,
            'edit',
          );
          return savePage(trx, actor, current, {
            title: values.title,
            body: values.body,
            summary: values.summary,
            baseRevision: readBaseRevision(values.baseRevision),
          });
        });
        request.log.info(
          { pageId: saved.page.id, merged: saved.merged },
          'wiki page saved',
        );
        const path = wikiPagePath(space.key, saved.page.title);
        const key = saved.created
          ? 'created'
          : saved.merged
            ? 'merged'
            : saved.changed
              ? 'saved'
              : 'unchanged';
        return reply.redirect(done(path, key), 303);
      } catch (error) {
        if (error instanceof WikiConflictError) {
          const latest = await openOrNull(db, space, values.title);
          return renderEditor(
            reply,
            space,
            latest ?? opened,
            // The next save builds on the latest revision, so it is a
            // deliberate choice made after seeing the conflict.
            { ...values, baseRevision: String(error.details.theirs.revision) },
            conflictContext(error.details),
            409,
          );
        }
        if (error instanceof ValidationError) {
          const errors = error.fields;
          return renderEditor(reply, space, opened, values, { errors }, 400);
        }
        throw error;
      }
    },
  );
};

function titleOrNull(raw: string): string | null {
  try {
    return normalizeTitle(raw);
  } catch {
    return null;
  }
}

function titleErrors(raw: string): Record<string, string> | undefined {
  try {
    normalizeTitle(raw);
    return undefined;
  } catch (error) {
    return error instanceof ValidationError ? error.fields : undefined;
  }
}

/** What the editor shows of a conflict: who, when, and each place. */
function conflictContext(details: ConflictDetails): PageContext {
  return {
    errors: {
      body:
        `${details.theirs.authorName} changed the same lines while you ` +
        'were editing. Your text is below; bring their change into it, ' +
        'then save again.',
    },
    conflict: {
      theirs: details.theirs,
      places: details.conflicts.map((place) => ({
        ...place,
        theirsRows: rowsFor(place.theirs),
        yoursRows: rowsFor(place.yours),
      })),
      diff: diffView(details.theirs.body, details.yours),
    },
  };
}

/** A read-only box tall enough for a text, within reason. */
function rowsFor(text: string): number {
  return Math.min(12, text.split('\n').length + 1);
}
