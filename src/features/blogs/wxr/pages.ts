import type { Db } from '../../../database.ts';
import { importRevision } from '../../wiki/service.ts';
import type { SpaceRow } from '../../wiki/service.ts';
import { currentRevision, findPageByKey } from '../../wiki/pages.ts';
import { keyOfNormalized, normalizeTitle } from '../../wiki/titles.ts';
import type { ImportedAuthor } from './authors.ts';
import { instantOf } from './dates.ts';
import type { WxrItem } from './reader.ts';

// WordPress pages become wiki pages, a page's parent becoming the folder
// of its title ("About/Team"). Titles are settled for every page before
// any is written, parents first, as a child may come before its parent
// in the file. The wiki has no drafts or private pages, so only
// published, public pages are imported; the rest are reported.

/** What the first reading keeps of each page: no text. */
export interface PageOutline {
  id: number;
  title: string;
  parent?: number;
  createdAt?: string;
}

/** A page's WordPress status, when the wiki cannot take it. */
export function refusedPage(item: WxrItem): string | undefined {
  if (item.status !== 'publish') {
    return `the wiki has no ${item.status || 'unpublished'} pages; it was not published`;
  }
  if (item.password.trim() !== '') {
    return 'the page is password-protected, and every reader of the wiki would see it';
  }
  return undefined;
}

export function outlineOf(item: WxrItem, zone: string): PageOutline {
  return {
    id: item.id ?? -item.line,
    title: item.title,
    ...(item.parent ? { parent: item.parent } : {}),
    createdAt: instantOf(item.dateGmt, item.date, zone),
  };
}

/**
 * One segment of a wiki title from a WordPress title: no slash (it would
 * make a folder), none of the characters wikilinks use, no controls.
 */
function titleSegment(page: PageOutline): string {
  const segment = page.title
    .replace(/\p{Cc}|\p{Cf}/gu, '')
    .replace(/\//g, '-')
    .replace(/[[{]/g, '(')
    .replace(/[\]}]/g, ')')
    .replace(/[|#<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return segment === '' || /^\.{1,2}$/.test(segment)
    ? `Page ${page.id}`
    : segment;
}

/**
 * The wiki title of every page, parents first. A title another page of
 * the wiki already holds gets " (2)", " (3)" …; a page this import made
 * before keeps its title, so a second run finds the same titles.
 */
export async function settleTitles(
  db: Db,
  space: SpaceRow,
  outlines: Map<number, PageOutline>,
): Promise<Map<number, string>> {
  const titles = new Map<number, string>();
  const taken = new Set<string>();
  const settle = async (page: PageOutline, depth: number): Promise<string> => {
    const known = titles.get(page.id);
    if (known !== undefined) {
      return known;
    }
    const parent =
      page.parent !== undefined && page.parent !== page.id && depth < 50
        ? outlines.get(page.parent)
        : undefined;
    const folder = parent ? `${await settle(parent, depth + 1)}/` : '';
    const title = await freeTitle(
      db,
      space,
      `${folder}${titleSegment(page)}`,
      page.createdAt,
      taken,
    );
    titles.set(page.id, title);
    taken.add(keyOfNormalized(title));
    return title;
  };
  for (const page of outlines.values()) {
    await settle(page, 0);
  }
  return titles;
}

async function freeTitle(
  db: Db,
  space: SpaceRow,
  wanted: string,
  createdAt: string | undefined,
  taken: Set<string>,
): Promise<string> {
  for (let n = 1; n < 100; n += 1) {
    const candidate = normalizeTitle(n === 1 ? wanted : `${wanted} (${n})`);
    const key = keyOfNormalized(candidate);
    if (taken.has(key)) {
      continue;
    }
    const holder = await findPageByKey(db, space.id, key);
    if (!holder) {
      return candidate;
    }
    // TODO: a page this import made is recognised by its kind and date, as the
    // wiki exports no lookup by import key; a page edited since looks like
    // another's.
    const revision = await currentRevision(db, holder);
    if (revision.kind === 'import' && revision.createdAt === createdAt) {
      return candidate;
    }
  }
  throw new Error(`no free wiki title for ${wanted}`);
}

/** Writes a page's one revision; false when an earlier run wrote it. */
export async function writePage(
  db: Db,
  space: SpaceRow,
  page: {
    title: string;
    body: string;
    author: ImportedAuthor;
    createdAt: string;
    importKey: string;
  },
): Promise<boolean> {
  const outcome = await importRevision(db, {
    space,
    title: page.title,
    body: page.body || '(empty)',
    summary: 'Imported from WordPress',
    authorId: page.author.personId,
    authorName: page.author.name,
    createdAt: page.createdAt,
    importKey: page.importKey,
  });
  return outcome.created;
}
