import type { Db } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import type { SpaceRow } from './spaces.ts';
import type { RevisionKind } from './tables.ts';
import { keyOfNormalized, normalizeTitle } from './titles.ts';
import { indexWikiPage } from '../search/sources.ts';

// Pages and their revisions as rows: reading them, and writing one new
// revision. The rules about who may do what and about edit conflicts are
// in ./editing.ts and ./history.ts; these functions trust their caller.

/** A page of a space, as the pages and the API show it. */
export interface WikiPage {
  id: number;
  spaceId: number;
  title: string;
  titleKey: string;
  parentKey: string;
  currentRevisionId: number;
  /** The key of the page this one redirects to, or null. */
  redirectToKey: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One revision of a page, with its text. */
export interface Revision {
  id: number;
  pageId: number;
  parentId: number | null;
  number: number;
  authorId: number | null;
  authorName: string;
  createdAt: string;
  summary: string;
  body: string;
  size: number;
  sizeDelta: number;
  kind: RevisionKind;
  minor: boolean;
}

/** A revision without its text, for histories and recent changes. */
export type RevisionSummary = Omit<Revision, 'body'>;

// Bodies are counted in UTF-8 bytes, as what is stored and sent is.
export const MAX_BODY_BYTES = 1_000_000;
export const MAX_SUMMARY_LENGTH = 500;

export const PAGE_COLUMNS = [
  'p.id',
  'p.space_id',
  'p.title',
  'p.title_key',
  'p.parent_key',
  'p.current_revision_id',
  'p.redirect_to_key',
  'p.deleted_at',
  'p.created_at',
  'p.updated_at',
] as const;

export const REVISION_SUMMARY_COLUMNS = [
  'r.id',
  'r.page_id',
  'r.parent_id',
  'r.number',
  'r.author_id',
  'r.author_name',
  'r.created_at',
  'r.summary',
  'r.size',
  'r.size_delta',
  'r.kind',
  'r.minor',
] as const;

export interface PageRow {
  id: number;
  space_id: number;
  title: string;
  title_key: string;
  parent_key: string;
  current_revision_id: number | null;
  redirect_to_key: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RevisionSummaryRow {
  id: number;
  page_id: number;
  parent_id: number | null;
  number: number;
  author_id: number | null;
  author_name: string;
  created_at: string;
  summary: string;
  size: number;
  size_delta: number;
  kind: RevisionKind;
  minor: number;
}

export function toPage(row: PageRow): WikiPage {
  return {
    id: row.id,
    spaceId: row.space_id,
    title: row.title,
    titleKey: row.title_key,
    parentKey: row.parent_key,
    currentRevisionId: row.current_revision_id ?? 0,
    redirectToKey: row.redirect_to_key,
    deletedAt: row.deleted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRevisionSummary(row: RevisionSummaryRow): RevisionSummary {
  return {
    id: row.id,
    pageId: row.page_id,
    parentId: row.parent_id,
    number: Number(row.number),
    authorId: row.author_id,
    authorName: row.author_name,
    createdAt: row.created_at,
    summary: row.summary,
    size: Number(row.size),
    sizeDelta: Number(row.size_delta),
    kind: row.kind,
    minor: Boolean(row.minor),
  };
}

export function pageNotFound(): NotFoundError {
  return new NotFoundError('PAGE_NOT_FOUND', 'There is no such page');
}

/** The page with this key in the space, deleted or not. */
export async function findPageByKey(
  db: Db,
  spaceId: number,
  key: string,
  options: { lock?: boolean } = {},
): Promise<WikiPage | undefined> {
  let query = db
    .selectFrom('wiki_pages as p')
    .select(PAGE_COLUMNS)
    .where('p.space_id', '=', spaceId)
    .where('p.title_key', '=', key);
  // SQLite lets one writer in at a time, so only PostgreSQL needs the lock
  // that keeps two saves from both building on the same revision.
  if (options.lock && dialectOf(db) === 'postgres') {
    query = query.forUpdate();
  }
  const row = await query.executeTakeFirst();
  return row ? toPage(row) : undefined;
}

/** One revision with its text, when it belongs to the page. */
export async function findRevision(
  db: Db,
  revisionId: number,
  pageId?: number,
): Promise<Revision | undefined> {
  let query = db
    .selectFrom('wiki_revisions as r')
    .select([...REVISION_SUMMARY_COLUMNS, 'r.body'])
    .where('r.id', '=', revisionId);
  if (pageId !== undefined) {
    query = query.where('r.page_id', '=', pageId);
  }
  const row = await query.executeTakeFirst();
  return row ? { ...toRevisionSummary(row), body: row.body } : undefined;
}

/** The page's current revision; every page has one once it is written. */
export async function currentRevision(
  db: Db,
  page: WikiPage,
): Promise<Revision> {
  const revision = await findRevision(db, page.currentRevisionId, page.id);
  if (!revision) {
    throw new Error(`wiki page ${page.id} has no current revision`);
  }
  return revision;
}

// C0 controls other than tab and line ends: PostgreSQL refuses NUL in
// text, and none of them is writing.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Checks a body and turns line ends into \n. */
export function readBody(body: unknown): string {
  if (typeof body !== 'string') {
    throw new ValidationError({ body: 'Enter the text of the page' });
  }
  if (CONTROLS.test(body)) {
    throw new ValidationError({
      body: 'The text must not contain control characters',
    });
  }
  const text = body.replace(/\r\n?/g, '\n');
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ValidationError(
      { body: 'The page must be 1 MB or smaller; split it into pages' },
      'The page is too large',
      413,
    );
  }
  return text;
}

/** Checks an edit summary: one line, at most 500 characters. */
export function readSummary(summary: unknown): string {
  if (summary === undefined || summary === null) {
    return '';
  }
  if (typeof summary !== 'string') {
    throw new ValidationError({ summary: 'The summary must be text' });
  }
  if (CONTROLS.test(summary)) {
    throw new ValidationError({
      summary: 'The summary must not contain control characters',
    });
  }
  const line = summary.replace(/\s+/g, ' ').trim();
  if ([...line].length > MAX_SUMMARY_LENGTH) {
    throw new ValidationError({
      summary: `The summary must be ${MAX_SUMMARY_LENGTH} characters or fewer`,
    });
  }
  return line;
}

/** A new revision, as the caller has decided it. */
export interface NewRevision {
  body: string;
  summary: string;
  kind: RevisionKind;
  authorId: number | null;
  authorName: string;
  minor?: boolean;
  importKey?: string | null;
  createdAt: string;
}

/**
 * Adds a page with its first revision. The caller has checked the title
 * is free; a page made meanwhile under it is the unique index's error.
 */
export async function insertPage(
  db: Db,
  space: SpaceRow,
  title: string,
  revision: NewRevision,
  redirectToKey: string | null = null,
): Promise<{ page: WikiPage; revision: Revision }> {
  const normal = normalizeTitle(title);
  const { id } = await db
    .insertInto('wiki_pages')
    .values({
      space_id: space.id,
      title: normal,
      title_key: keyOfNormalized(normal),
      parent_key: parentKeyOfTitle(normal),
      current_revision_id: null,
      redirect_to_key: redirectToKey,
      deleted_at: null,
      created_at: revision.createdAt,
      updated_at: revision.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const page = await findPageById(db, id);
  return appendRevision(db, page, null, revision, { redirectToKey });
}

function parentKeyOfTitle(title: string): string {
  const slash = title.lastIndexOf('/');
  return slash < 0 ? '' : keyOfNormalized(title.slice(0, slash));
}

export async function findPageById(db: Db, id: number): Promise<WikiPage> {
  const row = await db
    .selectFrom('wiki_pages as p')
    .select(PAGE_COLUMNS)
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) {
    throw pageNotFound();
  }
  return toPage(row);
}

/**
 * Adds a revision after `previous` (null for the first) and makes it the
 * page's current one. `changes` set the page's redirect and deletion.
 */
export async function appendRevision(
  db: Db,
  page: WikiPage,
  previous: RevisionSummary | null,
  revision: NewRevision,
  changes: {
    redirectToKey?: string | null;
    deletedAt?: string | null;
  } = {},
): Promise<{ page: WikiPage; revision: Revision }> {
  const size = Buffer.byteLength(revision.body, 'utf8');
  const { id } = await db
    .insertInto('wiki_revisions')
    .values({
      page_id: page.id,
      parent_id: previous?.id ?? null,
      number: (previous?.number ?? 0) + 1,
      author_id: revision.authorId,
      author_name: revision.authorName.slice(0, 200),
      created_at: revision.createdAt,
      summary: revision.summary,
      body: revision.body,
      size,
      size_delta: size - (previous?.size ?? 0),
      kind: revision.kind,
      minor: revision.minor ? 1 : 0,
      import_key: revision.importKey ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('wiki_pages')
    .set((eb) => ({
      current_revision_id: id,
      // Never earlier than before: updated_at is the newest revision's
      // time, which the space's newest changes rely on (listing.ts).
      updated_at: eb
        .case()
        .when('updated_at', '>', revision.createdAt)
        .then(eb.ref('updated_at'))
        .else(revision.createdAt)
        .end(),
      ...(changes.redirectToKey !== undefined
        ? { redirect_to_key: changes.redirectToKey }
        : {}),
      ...(changes.deletedAt !== undefined
        ? { deleted_at: changes.deletedAt }
        : {}),
    }))
    .where('id', '=', page.id)
    .execute();
  await indexWikiPage(db, page.id);
  const saved = await findRevision(db, id);
  if (!saved) {
    throw new Error(`wiki revision ${id} vanished`);
  }
  return { page: await findPageById(db, page.id), revision: saved };
}

/** Refuses a revision id that is not one of the page's. */
export function notARevisionOf(revisionId: unknown): ValidationError {
  return new ValidationError({
    baseRevision: `Revision ${String(revisionId)} is not a revision of this page`,
  });
}
