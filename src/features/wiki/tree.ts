import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { livePages, pageTree } from './listing.ts';
import type { Listed, ListedPage } from './listing.ts';
import type { Space } from './spaces.ts';

// One level of the page tree as the pages show it. A title can have pages
// under it without a page of its own: an import brings Category/Farm but
// no Category, and anyone may write Onboarding/First week first. Such a
// title still stands in the tree, or the pages under it could not be
// found by browsing. There are few of them (one per missing parent), so
// they are read whole and placed among the paged rows by counting.

/** A title in the tree: a page, or a title with pages under it only. */
export interface TreeNode {
  title: string;
  titleKey: string;
  /** The page with this title; null when only pages under it exist. */
  page: ListedPage | null;
  hasChildren: boolean;
}

/**
 * The titles directly under `parentKey` ('' for the top of the space), by
 * title key: the pages there and the titles that have only pages under
 * them.
 */
export async function treeLevel(
  db: Db,
  space: Space,
  parentKey: string,
  request: PageRequest,
): Promise<Listed<TreeNode>> {
  const missing = await missingParents(db, space, parentKey);
  const placed = await placeTitlesWithoutPages(
    db,
    space,
    parentKey,
    titlesAtLevel(missing, parentKey),
  );
  const end = request.offset + request.pageSize;
  const before = placed.filter((title) => title.position < request.offset);
  const inWindow = placed.filter(
    (title) => title.position >= request.offset && title.position < end,
  );
  const pages = await pageTree(db, space, parentKey, {
    page: request.page,
    pageSize: request.pageSize - inWindow.length,
    offset: request.offset - before.length,
  });

  const items: TreeNode[] = [];
  const rows = pages.items.values();
  for (let position = request.offset; position < end; position += 1) {
    const title = inWindow.find((found) => found.position === position);
    const row = title ? undefined : rows.next().value;
    if (title) {
      items.push({ ...title, page: null, hasChildren: true });
    } else if (row) {
      const under = `${row.titleKey}/`;
      items.push({
        title: row.title,
        titleKey: row.titleKey,
        page: row,
        hasChildren:
          row.hasChildren ||
          [...missing.keys()].some((key) => key.startsWith(under)),
      });
    }
  }
  return { items, total: pages.total + placed.length };
}

/**
 * The parent keys under `parentKey` of listed pages that have no listed
 * page of their own, each with the title of one page under it (whose
 * first parts spell the parent's title: a key is its title in lower case).
 * A level below the top looks only at its own part of the space; the top
 * looks at all of it.
 */
async function missingParents(
  db: Db,
  space: Space,
  parentKey: string,
): Promise<Map<string, string>> {
  const under = `${parentKey}/`;
  const rows = await livePages(db, space)
    .where('p.parent_key', '!=', '')
    // substr counts characters on both databases, as [...text] does.
    .$if(parentKey !== '', (query) =>
      query.where(
        sql<string>`substr(p.parent_key, 1, ${[...under].length})`,
        '=',
        under,
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('wiki_pages as parent')
            .select('parent.id')
            .whereRef('parent.space_id', '=', 'p.space_id')
            .whereRef('parent.title_key', '=', 'p.parent_key')
            .$if(!space.mayManage, (query) =>
              query.where('parent.deleted_at', 'is', null),
            ),
        ),
      ),
    )
    .select(['p.parent_key', (eb) => eb.fn.min('p.title').as('title')])
    .groupBy('p.parent_key')
    .execute();
  return new Map(rows.map((row) => [row.parent_key, String(row.title)]));
}

/** The titles at the level under `parentKey` that missing parents need. */
function titlesAtLevel(
  missing: Map<string, string>,
  parentKey: string,
): Map<string, string> {
  const under = parentKey === '' ? '' : `${parentKey}/`;
  const depth = under.split('/').length;
  const titles = new Map<string, string>();
  for (const [key, title] of missing) {
    if (key.startsWith(under)) {
      const nodeKey = key.split('/').slice(0, depth).join('/');
      titles.set(nodeKey, title.split('/').slice(0, depth).join('/'));
    }
  }
  return titles;
}

/**
 * The titles without pages at one level, each with its place in the
 * level: the pages before it by the database's own order, plus the titles
 * without pages before it. A title that is also a page there is the page.
 */
async function placeTitlesWithoutPages(
  db: Db,
  space: Space,
  parentKey: string,
  titles: Map<string, string>,
): Promise<{ title: string; titleKey: string; position: number }[]> {
  const counted = await Promise.all(
    [...titles].map(async ([titleKey, title]) => {
      const level = livePages(db, space).where('p.parent_key', '=', parentKey);
      const [same, before] = await Promise.all([
        level
          .where('p.title_key', '=', titleKey)
          .select('p.id')
          .executeTakeFirst(),
        level
          .where('p.title_key', '<', titleKey)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return same ? null : { title, titleKey, pagesBefore: Number(before.n) };
    }),
  );
  return counted
    .filter((title) => title !== null)
    .sort(
      (a, b) =>
        a.pagesBefore - b.pagesBefore || (a.titleKey < b.titleKey ? -1 : 1),
    )
    .map(({ title, titleKey, pagesBefore }, index) => ({
      title,
      titleKey,
      position: pagesBefore + index,
    }));
}
