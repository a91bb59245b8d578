import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
} from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import { findReadablePage } from './editing.ts';
import { storeLinks } from './links.ts';
import {
  appendRevision,
  currentRevision,
  findPageByKey,
  findRevision,
  insertPage,
  PAGE_COLUMNS,
  pageNotFound,
  readSummary,
  REVISION_SUMMARY_COLUMNS,
  toPage,
  toRevisionSummary,
} from './pages.ts';
import type { Revision, RevisionSummary, WikiPage } from './pages.ts';
import type { Space } from './spaces.ts';
import { keyOfNormalized, normalizeTitle, parentKeyOf } from './titles.ts';
import { indexWikiPage } from '../search/sources.ts';
import { wikiPageRetitled } from '../activity/changes.ts';
import { wikiPageSaved } from '../activity/hooks.ts';
import { wikiPagePath } from './rendering.ts';

// A page's history and what changes it as a whole: revert, rename,
// delete and restore. Each is a new revision, so the history tells who
// did it and when, and none of them loses a word of what was there.

/** A page of a page's revisions, newest first. */
export async function listRevisions(
  db: Db,
  page: WikiPage,
  request: PageRequest,
): Promise<{ items: RevisionSummary[]; total: number }> {
  const query = db
    .selectFrom('wiki_revisions as r')
    .where('r.page_id', '=', page.id);
  const [rows, count] = await Promise.all([
    query
      .select(REVISION_SUMMARY_COLUMNS)
      .orderBy('r.number', 'desc')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRevisionSummary), total: Number(count.n) };
}

function revisionNotFound(): NotFoundError {
  return new NotFoundError('REVISION_NOT_FOUND', 'There is no such revision');
}

/**
 * One revision of a page of the space, with its page; 404 when it is in
 * another space, or on a deleted page the reader may not restore.
 */
export async function getRevision(
  db: Db,
  space: Space,
  revisionId: number,
): Promise<{ page: WikiPage; revision: Revision }> {
  const revision = await findRevision(db, revisionId);
  if (!revision) {
    throw revisionNotFound();
  }
  const row = await db
    .selectFrom('wiki_pages as p')
    .select(PAGE_COLUMNS)
    .where('p.id', '=', revision.pageId)
    .where('p.space_id', '=', space.id)
    .executeTakeFirst();
  if (!row || !space.mayRead || (row.deleted_at !== null && !space.mayManage)) {
    throw revisionNotFound();
  }
  return { page: toPage(row), revision };
}

function author(actor: PersonActor) {
  return { authorId: actor.id, authorName: actor.displayName };
}

function auditActor(actor: PersonActor) {
  return { personId: actor.id, label: actor.displayName };
}

/** Makes an old revision's text current again, as a new revision. */
export async function revertTo(
  db: Db,
  actor: PersonActor,
  space: Space,
  title: string,
  revisionId: number,
  summary?: unknown,
  now = new Date().toISOString(),
): Promise<{ page: WikiPage; revision: Revision }> {
  requireEditor(space);
  const page = await findLivePage(db, space, title);
  const target = await findRevision(db, revisionId, page.id);
  if (!target) {
    throw new AppError(
      422,
      'VALIDATION_FAILED',
      'That revision is not a revision of this page',
    );
  }
  const current = await currentRevision(db, page);
  const saved = await appendRevision(db, page, current, {
    body: target.body,
    summary: readSummary(summary) || `Reverted to revision ${target.number}`,
    kind: 'revert',
    ...author(actor),
    createdAt: now,
  });
  await storeLinks(db, saved.page, target.body);
  await wikiPageSaved(
    db,
    actor,
    space,
    saved.page,
    saved.revision,
    'reverted',
    now,
  );
  return saved;
}

/**
 * Gives a page a new title. The old title becomes a redirect to the new
 * one, so links and bookmarks keep working; pages under the old title
 * keep theirs. A title taken by another page is refused.
 */
export async function renamePage(
  db: Db,
  actor: PersonActor,
  space: Space,
  title: string,
  newTitle: string,
  summary?: unknown,
  now = new Date().toISOString(),
): Promise<{ page: WikiPage; revision: Revision }> {
  requireEditor(space);
  const page = await findLivePage(db, space, title);
  const target = normalizeTitle(newTitle);
  const targetKey = keyOfNormalized(target);
  if (target === page.title) {
    return { page, revision: await currentRevision(db, page) };
  }
  if (targetKey !== page.titleKey) {
    const taken = await findPageByKey(db, space.id, targetKey);
    // A redirect here from an earlier move of this page may be moved over;
    // one with a history of its own (an imported page that became a
    // redirect) is a page, whose history would go with it.
    if (
      taken &&
      (taken.redirectToKey !== page.titleKey ||
        (await revisionCount(db, taken)) > 1)
    ) {
      throw new AppError(
        409,
        'PAGE_EXISTS',
        `There is already a page called “${taken.title}”`,
      );
    }
    if (taken) {
      await db.deleteFrom('wiki_pages').where('id', '=', taken.id).execute();
      await indexWikiPage(db, taken.id);
    }
  }

  const oldTitle = page.title;
  await db
    .updateTable('wiki_pages')
    .set({
      title: target,
      title_key: targetKey,
      parent_key: parentKeyOf(target),
    })
    .where('id', '=', page.id)
    .execute();
  await wikiPageRetitled(
    db,
    page.id,
    { title: oldTitle, url: wikiPagePath(space.key, oldTitle) },
    { title: target, url: wikiPagePath(space.key, target) },
  );
  const current = await currentRevision(db, page);
  const saved = await appendRevision(db, { ...page, title: target }, current, {
    body: current.body,
    summary: readSummary(summary) || `Moved from “${oldTitle}” to “${target}”`,
    kind: 'rename',
    ...author(actor),
    createdAt: now,
  });
  if (targetKey !== page.titleKey) {
    const redirect = await insertPage(
      db,
      space,
      oldTitle,
      {
        body: `Moved to [[${target}]].\n`,
        summary: `Moved to “${target}”`,
        kind: 'rename',
        ...author(actor),
        createdAt: now,
      },
      targetKey,
    );
    await storeLinks(db, redirect.page, redirect.revision.body);
  }
  await wikiPageSaved(
    db,
    actor,
    space,
    saved.page,
    saved.revision,
    'moved',
    now,
  );
  await recordAudit(
    db,
    {
      action: 'wiki.page.moved',
      actor: auditActor(actor),
      subject: { type: 'wiki-page', id: page.id },
      details: { space: space.key, from: oldTitle, to: target },
    },
    now,
  );
  return saved;
}

/** Deletes a page softly: readers get 404, managers can restore it. */
export async function deletePage(
  db: Db,
  actor: PersonActor,
  space: Space,
  title: string,
  summary?: unknown,
  now = new Date().toISOString(),
): Promise<WikiPage> {
  return setDeleted(db, actor, space, title, summary, now, true);
}

/** Brings a deleted page back as it was. */
export async function restorePage(
  db: Db,
  actor: PersonActor,
  space: Space,
  title: string,
  summary?: unknown,
  now = new Date().toISOString(),
): Promise<WikiPage> {
  return setDeleted(db, actor, space, title, summary, now, false);
}

async function setDeleted(
  db: Db,
  actor: PersonActor,
  space: Space,
  title: string,
  summary: unknown,
  now: string,
  deleting: boolean,
): Promise<WikiPage> {
  if (!space.mayManage) {
    throw new ForbiddenError(
      'WIKI_FORBIDDEN',
      space.group
        ? 'Only the group’s owners and admins can delete or restore pages'
        : 'Only site administrators can delete or restore pages',
    );
  }
  const page = await findReadablePage(db, space, title, { lock: true });
  if ((page.deletedAt !== null) === deleting) {
    throw new AppError(
      409,
      deleting ? 'PAGE_DELETED' : 'PAGE_NOT_DELETED',
      deleting ? 'This page is already deleted' : 'This page is not deleted',
    );
  }
  const current = await currentRevision(db, page);
  const saved = await appendRevision(
    db,
    page,
    current,
    {
      body: current.body,
      summary: readSummary(summary) || (deleting ? 'Deleted' : 'Restored'),
      kind: deleting ? 'delete' : 'restore',
      ...author(actor),
      createdAt: now,
    },
    { deletedAt: deleting ? now : null },
  );
  await recordAudit(
    db,
    {
      action: deleting ? 'wiki.page.deleted' : 'wiki.page.restored',
      actor: auditActor(actor),
      subject: { type: 'wiki-page', id: page.id },
      details: { space: space.key, title: page.title },
    },
    now,
  );
  if (!deleting) {
    await wikiPageSaved(
      db,
      actor,
      space,
      saved.page,
      saved.revision,
      'restored',
      now,
    );
  }
  return saved.page;
}

function requireEditor(space: Space): void {
  if (!space.mayEdit) {
    throw new ForbiddenError('WIKI_FORBIDDEN', 'You cannot edit this wiki');
  }
}

/** A page that exists and is not deleted, locked for a change. */
async function findLivePage(
  db: Db,
  space: Space,
  title: string,
): Promise<WikiPage> {
  const page = await findReadablePage(db, space, title, { lock: true });
  if (page.deletedAt !== null) {
    throw pageNotFound();
  }
  return page;
}

async function revisionCount(db: Db, page: WikiPage): Promise<number> {
  const row = await db
    .selectFrom('wiki_revisions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('page_id', '=', page.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
