import { createHash } from 'node:crypto';
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

// Rendering is a pure function of the space, the title, the text and
// which of its links exist, so what was rendered is kept under exactly
// those: a 500 KB page took over a second of the only thread to parse
// twice (once for its links, once to render) on every view. Kept per
// process, the least recently used dropped first past CACHE_BYTES.
const CACHE_BYTES = 64 * 2 ** 20;
const linksByText = new Map<string, { titles: string[]; bytes: number }>();
const htmlByKey = new Map<string, string>();
let cachedBytes = 0;

function remember<T>(
  map: Map<string, T>,
  key: string,
  value: T,
  bytes: number,
): void {
  map.set(key, value);
  cachedBytes += bytes;
  while (cachedBytes > CACHE_BYTES) {
    const oldest = htmlByKey.keys().next();
    if (!oldest.done) {
      cachedBytes -= (htmlByKey.get(oldest.value)?.length ?? 0) * 2;
      htmlByKey.delete(oldest.value);
      continue;
    }
    const oldestLinks = linksByText.entries().next();
    if (oldestLinks.done) {
      break;
    }
    cachedBytes -= oldestLinks.value[1].bytes;
    linksByText.delete(oldestLinks.value[0]);
  }
}

function recall<T>(map: Map<string, T>, key: string): T | undefined {
  const found = map.get(key);
  if (found !== undefined) {
    // Most recently used last: the order eviction walks.
    map.delete(key);
    map.set(key, found);
  }
  return found;
}

/** Renders a page's Markdown with its wikilinks resolved in `space`. */
export async function renderWikiText(
  db: Db,
  space: SpaceRow,
  body: string,
  currentTitle: string,
): Promise<string> {
  const text = createHash('sha256')
    .update(`${space.key}\0${currentTitle}\0`)
    .update(body)
    .digest('base64url');
  let links = recall(linksByText, text);
  if (!links) {
    const titles = extractWikiLinks(body).map((link) => link.title);
    links = {
      titles,
      bytes: titles.reduce((sum, title) => sum + title.length * 2, 64),
    };
    remember(linksByText, text, links, links.bytes);
  }
  const titles = links.titles;
  const existing = await resolveLinks(db, space, titles);
  const key = `${text}|${[...existing].sort().join('\n')}`;
  const cached = recall(htmlByKey, key);
  if (cached !== undefined) {
    return cached;
  }
  const html = render(space, body, currentTitle, existing);
  remember(htmlByKey, key, html, html.length * 2);
  return html;
}

function render(
  space: SpaceRow,
  body: string,
  currentTitle: string,
  existing: ReadonlySet<string>,
): string {
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
