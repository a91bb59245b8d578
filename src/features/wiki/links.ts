import type { Db } from '../../database.ts';
import { extractWikiLinks } from '../../platform/wikilinks.ts';
import { keyOfNormalized, normalizeTitle } from './titles.ts';

// The links between pages, kept from each page's current text so "what
// links here" is one indexed query. Links point at title keys, not pages:
// a link to a page nobody has written yet is stored too, and counts as
// soon as the page exists.

/** The keys of the pages a text links to; a link to itself is kept. */
export function linkedKeys(body: string): string[] {
  const keys = new Set<string>();
  for (const link of extractWikiLinks(body)) {
    if (link.title === '') {
      continue;
    }
    try {
      keys.add(keyOfNormalized(normalizeTitle(link.title)));
    } catch {
      // A link whose target cannot be a title renders as text; nothing
      // can link through it.
    }
  }
  return [...keys];
}

/** Replaces a page's stored links with those of its current text. */
export async function storeLinks(
  db: Db,
  page: { id: number; spaceId: number },
  body: string | null,
): Promise<void> {
  await db
    .deleteFrom('wiki_links')
    .where('from_page_id', '=', page.id)
    .execute();
  const keys = body === null ? [] : linkedKeys(body);
  if (keys.length === 0) {
    return;
  }
  await db
    .insertInto('wiki_links')
    .values(
      keys.map((key) => ({
        from_page_id: page.id,
        to_space_id: page.spaceId,
        to_title_key: key,
      })),
    )
    .execute();
}

/**
 * Which of `titles` name a page of the space that a reader can open (a
 * redirect counts: it leads somewhere). One query, whatever the number of
 * links, so a page with hundreds of links renders quickly. Answers with
 * the keys of the titles that exist.
 */
export async function resolveLinks(
  db: Db,
  space: { id: number },
  titles: readonly string[],
): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const title of titles) {
    try {
      keys.add(keyOfNormalized(normalizeTitle(title)));
    } catch {
      // Not a title, so no page has it.
    }
  }
  if (keys.size === 0) {
    return new Set();
  }
  const found = new Set<string>();
  const all = [...keys];
  // Parameters are limited per statement (SQLite: 32,766), so very long
  // lists go in slices.
  for (let start = 0; start < all.length; start += 500) {
    const rows = await db
      .selectFrom('wiki_pages')
      .select('title_key')
      .where('space_id', '=', space.id)
      .where('deleted_at', 'is', null)
      .where('title_key', 'in', all.slice(start, start + 500))
      .execute();
    for (const row of rows) {
      found.add(row.title_key);
    }
  }
  return found;
}
