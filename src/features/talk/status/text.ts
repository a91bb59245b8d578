import { ValidationError } from '../../../platform/errors.ts';
import {
  characterCount,
  hasControlCharacters,
  isBlank,
} from '../../../platform/text.ts';

// The text of a status post: plain text in which @handles, #tags and web
// addresses are found, and which is rendered to HTML by escaping every
// character of it, so nothing in a post can become markup.
//
// An @handle is the local part of a person's e-mail address
// (`@alice.smith` for alice.smith@dept.gov.uk), which anyone can type
// without a picker or JavaScript. When two people share a local part, the
// whole address names one of them (`@alice.smith@partner.nhs.uk`); the
// short form then names nobody and stays plain text.

/** The most a post or a reply may hold, in code points after trimming. */
export const STATUS_MAX_CHARACTERS = 500;

const TAG_MAX_CHARACTERS = 100;

// One pass finds all three, leftmost first, so a # or @ inside a web
// address belongs to the address. A handle or tag must not follow a
// letter or digit: `bob@example.org` and `page#top` are neither. A tag
// may hold `.` or `-` between letters and end in `+`, `++` or `#`, so
// that #node.js, #go-live, #c++ and #c# name the same tags as a thread's
// tag field does; a full stop at its end closes the sentence instead.
const TOKENS = new RegExp(
  [
    String.raw`(?<url>\b(?:https?:\/\/|www\.)[^\s<>"'\u0060]+)`,
    String.raw`(?<![\p{L}\p{N}\p{M}_.@])@(?<handle>[A-Za-z0-9_%+-]` +
      String.raw`(?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?` +
      String.raw`(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)`,
    String.raw`(?<![\p{L}\p{N}\p{M}_&#/])#(?<tag>[\p{L}\p{N}\p{M}_]*` +
      String.raw`\p{L}[\p{L}\p{N}\p{M}_]*(?:[.-][\p{L}\p{N}\p{M}_]+)*` +
      String.raw`(?:(?:\+\+|\+|#)(?![\p{L}\p{N}\p{M}_+#]))?)`,
  ].join('|'),
  'gu',
);

// Punctuation that ends a sentence rather than an address.
const URL_TAIL = /[.,;:!?)\]}]+$/;

/** A piece of a post's text. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'url'; text: string; href: string }
  | { kind: 'mention'; text: string; handle: string }
  | { kind: 'tag'; text: string; tag: string; key: string };

/**
 * The body of a post as it will be stored: line endings made `\n`,
 * trimmed, and checked. Throws a field error for `field` when it is
 * empty, too long or holds control characters.
 */
export function readStatusBody(value: unknown, field = 'body'): string {
  if (typeof value !== 'string' || isBlank(value)) {
    throw new ValidationError({ [field]: 'Enter the text of the post' });
  }
  const body = value.replace(/\r\n?/g, '\n').trim();
  if (hasControlCharacters(body)) {
    throw new ValidationError({
      [field]: 'The post must not contain control characters',
    });
  }
  if (characterCount(body) > STATUS_MAX_CHARACTERS) {
    throw new ValidationError({
      [field]: `The post must be ${STATUS_MAX_CHARACTERS} characters or fewer`,
    });
  }
  return body;
}

/**
 * The key two tags must share to be one tag, in any script: compatibility
 * forms folded and lower case, so `#Brexit`, `#brexit` and `#ＢＲＥＸＩＴ`
 * are one. A leading `#` is dropped.
 */
export function tagKey(tag: string): string {
  return tag.replace(/^#/, '').normalize('NFKC').toLowerCase();
}

/** A handle's key: handles, like e-mail addresses here, ignore case. */
export function handleKey(handle: string): string {
  return handle.toLowerCase();
}

/** The text cut into plain text, addresses, @handles and #tags. */
export function segmentsOf(body: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  const push = (segment: Segment, start: number, end: number) => {
    if (start > last) {
      segments.push({ kind: 'text', text: body.slice(last, start) });
    }
    segments.push(segment);
    last = end;
  };
  for (const match of body.matchAll(TOKENS)) {
    const start = match.index;
    const { url, handle, tag } = match.groups ?? {};
    if (url !== undefined) {
      const text = url.replace(URL_TAIL, '');
      const href = webAddress(text);
      if (href) {
        push({ kind: 'url', text, href }, start, start + text.length);
      }
    } else if (handle !== undefined) {
      push(
        { kind: 'mention', text: match[0], handle },
        start,
        start + match[0].length,
      );
    } else if (tag !== undefined && characterCount(tag) <= TAG_MAX_CHARACTERS) {
      const segment = { kind: 'tag' as const, text: match[0], tag };
      push({ ...segment, key: tagKey(tag) }, start, start + match[0].length);
    }
  }
  if (last < body.length) {
    segments.push({ kind: 'text', text: body.slice(last) });
  }
  return segments;
}

/** A written address as a link target: http or https only, encoded. */
function webAddress(text: string): string | undefined {
  const written = text.startsWith('www.') ? `https://${text}` : text;
  try {
    const url = new URL(written);
    const web = url.protocol === 'https:' || url.protocol === 'http:';
    return web ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The distinct tags of a text, by key, each as first written. */
export function tagsOf(body: string): { key: string; tag: string }[] {
  const tags = new Map<string, string>();
  for (const segment of segmentsOf(body)) {
    if (segment.kind === 'tag' && !tags.has(segment.key)) {
      tags.set(segment.key, segment.tag);
    }
  }
  return [...tags].map(([key, tag]) => ({ key, tag }));
}

/** The distinct handle keys a text mentions. */
export function handlesOf(body: string): string[] {
  const handles = segmentsOf(body)
    .filter((segment) => segment.kind === 'mention')
    .map((segment) => handleKey(segment.handle));
  return [...new Set(handles)];
}

/** A mentioned person whom the post may link to. */
export interface LinkedPerson {
  id: number;
  name: string;
}

/**
 * The post as HTML: every character escaped, line breaks kept, web
 * addresses and #tags linked, and an @handle linked only when `people`
 * holds it (someone who may read the post); any other stays plain text,
 * so a post does not point readers at someone it was kept from.
 */
export function renderStatus(
  body: string,
  people: ReadonlyMap<string, LinkedPerson>,
): string {
  return segmentsOf(body)
    .map((segment) => {
      switch (segment.kind) {
        case 'text':
          return escapeHtml(segment.text).replace(/\n/g, '<br>');
        case 'url':
          return (
            `<a href="${escapeHtml(segment.href)}" rel="nofollow noopener">` +
            `${escapeHtml(segment.text)}</a>`
          );
        case 'tag':
          return (
            `<a class="app-status-tag" href="/talk/tags/` +
            `${encodeURIComponent(segment.key)}">${escapeHtml(segment.text)}</a>`
          );
        case 'mention': {
          const person = people.get(handleKey(segment.handle));
          return person
            ? `<a class="app-status-mention" href="/people/${person.id}">` +
                `${escapeHtml(segment.text)}</a>`
            : escapeHtml(segment.text);
        }
      }
    })
    .join('');
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? '');
}
