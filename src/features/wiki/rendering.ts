import type { Db } from '../../database.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { sectionId } from '../../platform/markdown/heading-ids.ts';
import type { WikiLinkResolver } from '../../platform/markdown.ts';
import { extractWikiLinks } from '../../platform/wikilinks.ts';
import { resolveLinks } from './links.ts';
import type { SpaceRow } from './spaces.ts';
import { keyOfNormalized, normalizeTitle } from './titles.ts';

// A page's text as HTML, with its wikilinks pointing at the pages they
// name. Whether each target exists is asked in one query for the whole
// page, so a page of a hundred links costs one round trip.

/** The address of a page of a space; the title is one encoded segment. */
export function wikiPagePath(spaceKey: string, title: string): string {
  return `/wiki/${encodeURIComponent(spaceKey)}/${encodeURIComponent(title)}`;
}

/** Where a link to a page that does not exist yet leads: its editor. */
export function wikiNewPagePath(spaceKey: string, title: string): string {
  return `${wikiPagePath(spaceKey, title)}/edit`;
}

function keyOrNull(title: string): string | null {
  try {
    return keyOfNormalized(normalizeTitle(title));
  } catch {
    return null;
  }
}

/** Renders a page's Markdown with its wikilinks resolved in `space`. */
export async function renderWikiText(
  db: Db,
  space: SpaceRow,
  body: string,
  currentTitle: string,
): Promise<string> {
  const titles = extractWikiLinks(body).map((link) => link.title);
  const existing = await resolveLinks(db, space, titles);
  const resolver: WikiLinkResolver = {
    resolve(link) {
      const title = link.title === '' ? currentTitle : link.title;
      const key = keyOrNull(title);
      const section =
        link.section === null
          ? ''
          : `#${encodeURIComponent(sectionId(link.section))}`;
      if (key === null) {
        return { href: '#', exists: false };
      }
      const exists = link.title === '' || existing.has(key);
      const normal = normalizeTitle(title);
      return exists
        ? { href: wikiPagePath(space.key, normal) + section, exists }
        : { href: wikiNewPagePath(space.key, normal), exists };
    },
  };
  return renderMarkdown(body, { wikiLinks: resolver });
}
