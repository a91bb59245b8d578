import { createHash } from 'node:crypto';
import type { Db } from '../../database.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { sectionId } from '../../platform/markdown/heading-ids.ts';
import { SizedCache } from '../../platform/sized-cache.ts';
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
// process, sizes counted in bytes.
const linksByText = new SizedCache<string[]>(16 * 2 ** 20);
const htmlByKey = new SizedCache<string>(48 * 2 ** 20);

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
  let titles = linksByText.get(text);
  if (!titles) {
    titles = extractWikiLinks(body).map((link) => link.title);
    const bytes = titles.reduce((sum, title) => sum + title.length * 2, 64);
    linksByText.set(text, titles, bytes);
  }
  const existing = await resolveLinks(db, space, titles);
  const key = `${text}|${[...existing].sort().join('\n')}`;
  const cached = htmlByKey.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const html = render(space, body, currentTitle, existing);
  htmlByKey.set(key, html, (key.length + html.length) * 2);
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
