import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableContent } from '../../access/groups.ts';
import type { RuleForm } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { perRow } from '../../platform/db/dialect.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import {
  PAGE_COLUMNS,
  REVISION_SUMMARY_COLUMNS,
  toPage,
  toRevisionSummary,
} from './pages.ts';
import type { RevisionSummary, WikiPage } from './pages.ts';
import type { Space } from './spaces.ts';

// Lists of pages: a space's index, one level of its tree, what links to
// a page, and recent changes. Every one is a page of results with its
// total, so a space of thousands of pages is never read whole. Within a
// space every page is as readable as the space; recent changes across
// spaces are filtered by the group rule's list form.

export interface Listed<T> {
  items: T[];
  total: number;
}

/** A page in a list, with whether pages sit under it in the tree. */
export interface ListedPage extends WikiPage {
  hasChildren: boolean;
}

/** The pages of a space its reader may list: deleted ones for managers. */
export function livePages(db: Db, space: Space) {
  let query = db
    .selectFrom('wiki_pages as p')
    .where('p.space_id', '=', space.id);
  if (!space.mayManage) {
    query = query.where('p.deleted_at', 'is', null);
  }
  return query;
}

async function pageList(
  db: Db,
  query: ReturnType<typeof livePages>,
  request: PageRequest,
): Promise<Listed<ListedPage>> {
  const [rows, count] = await Promise.all([
    query
      .select(PAGE_COLUMNS)
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('wiki_pages as c')
              .select('c.id')
              .whereRef('c.space_id', '=', 'p.space_id')
              .whereRef('c.parent_key', '=', 'p.title_key')
              .where('c.deleted_at', 'is', null)
              // Hashed, PostgreSQL read every page of the site for each
              // page of the tree (20,000 at org scale, 5 ms).
              .modifyEnd(perRow(db)),
          )
          .as('has_children'),
      )
      .orderBy('p.title_key')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((row) => ({
      ...toPage(row),
      hasChildren: Boolean(row.has_children),
    })),
    total: Number(count.n),
  };
}

/** Every page of the space by title: the space index. */
export function listPages(
  db: Db,
  space: Space,
  request: PageRequest,
): Promise<Listed<ListedPage>> {
  return pageList(db, livePages(db, space), request);
}

/**
 * The pages directly under `parentKey` ('' for the top of the space), by
 * title: one level of the page tree, opened a node at a time.
 */
export function pageTree(
  db: Db,
  space: Space,
  parentKey: string,
  request: PageRequest,
): Promise<Listed<ListedPage>> {
  return pageList(
    db,
    livePages(db, space).where('p.parent_key', '=', parentKey),
    request,
  );
}

/**
 * The pages that link to `page`, directly or through a redirect to it
 * (a link to its old title keeps counting after a rename).
 */
export function backlinks(
  db: Db,
  space: Space,
  page: WikiPage,
  request: PageRequest,
): Promise<Listed<ListedPage>> {
  const query = db
    .selectFrom('wiki_pages as p')
    .where('p.space_id', '=', space.id)
    .where('p.deleted_at', 'is', null)
    .where('p.id', '!=', page.id)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('wiki_links as l')
          .select('l.from_page_id')
          .whereRef('l.from_page_id', '=', 'p.id')
          .where('l.to_space_id', '=', space.id)
          .where((inner) =>
            inner.or([
              inner('l.to_title_key', '=', page.titleKey),
              inner(
                'l.to_title_key',
                'in',
                inner
                  .selectFrom('wiki_pages as r')
                  .select('r.title_key')
                  .where('r.space_id', '=', space.id)
                  .where('r.redirect_to_key', '=', page.titleKey),
              ),
            ]),
          ),
      ),
    );
  return pageList(db, query, request);
}

/** A revision in recent changes, with the page and space it belongs to. */
export interface RecentChange extends RevisionSummary {
  spaceKey: string;
  title: string;
}

/**
 * A condition over `wiki_pages as p` joined to `wiki_spaces as s`: the
 * page is live and in a space `actor` may read. Activity and
 * notifications use it too.
 */
export function readablePages(
  db: Db,
  actor: Actor,
  form: RuleForm = 'list',
): Expression<SqlBool> {
  return sql<SqlBool>`(p.deleted_at is null
    and ${readableContent(db, actor, 's.group_id', form)})`;
}

/**
 * The newest revisions `actor` may read, site-wide or in one space. A
 * closed group's changes never reach someone outside it: the spaces are
 * filtered by the group rule's list form, as every list of content is.
 */
export async function recentChanges(
  db: Db,
  actor: Actor,
  filter: { spaceKey?: string },
  request: PageRequest,
): Promise<Listed<RecentChange>> {
  const query = changesQuery(db, actor, filter);
  const [items, count] = await Promise.all([
    newestChanges(db, actor, filter, request),
    query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/**
 * A page of recentChanges without counting them all: counting a space's
 * whole history took 400 ms at 56,000 revisions, for a panel of ten.
 */
export async function newestChanges(
  db: Db,
  actor: Actor,
  filter: { spaceKey?: string },
  request: PageRequest,
): Promise<RecentChange[]> {
  let query = changesQuery(db, actor, filter);
  if (filter.spaceKey !== undefined) {
    // Only a space's most recently changed pages can hold its newest
    // changes: a page's updated_at is its newest revision's time
    // (appendRevision keeps it so), so the n newest revisions lie in the
    // n pages changed last, and in pages changed at that same instant.
    // Without this, SQLite sorted all 56,000 revisions of the big space
    // for a panel of ten (105 ms).
    const boundary = db
      .selectFrom('wiki_pages as bp')
      .innerJoin('wiki_spaces as bs', 'bs.id', 'bp.space_id')
      .select('bp.updated_at')
      .where('bs.key', '=', filter.spaceKey)
      .where('bp.deleted_at', 'is', null)
      .orderBy('bp.updated_at', 'desc')
      .limit(1)
      .offset(request.offset + request.pageSize - 1);
    query = query.where((eb) =>
      eb.or([eb(boundary, 'is', null), eb('p.updated_at', '>=', boundary)]),
    );
  }
  const rows = await query
    .select(REVISION_SUMMARY_COLUMNS)
    .select(['s.key as space_key', 'p.title'])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(request.pageSize)
    .offset(request.offset)
    .execute();
  return rows.map((row) => ({
    ...toRevisionSummary(row),
    spaceKey: row.space_key,
    title: row.title,
  }));
}

function changesQuery(db: Db, actor: Actor, filter: { spaceKey?: string }) {
  const query = db
    .selectFrom('wiki_revisions as r')
    .innerJoin('wiki_pages as p', 'p.id', 'r.page_id')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .where(readablePages(db, actor));
  return filter.spaceKey === undefined
    ? query
    : query.where('s.key', '=', filter.spaceKey);
}
