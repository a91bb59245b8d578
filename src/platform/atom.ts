// Atom 1.0 documents (RFC 4287), written by hand: a feed is a few
// elements, and every string that goes in passes through one escaper, so
// nothing a person wrote can open an element or an entity. Talk's and the
// blogs' feeds are all written here.

/** One entry of a feed: a thread, a post, a blog post. */
export interface AtomEntry {
  /** An IRI that names the entry for good (RFC 4287 §4.2.6). */
  id: string;
  title: string;
  /** ISO 8601 times; written out in UTC as RFC 3339 asks. */
  updated: string;
  /** When the entry first became readable, if it differs from `updated`. */
  published?: string;
  /** The first author: every entry names one, so the feed need not. */
  authorName: string;
  /** Further authors, in order. */
  coAuthorNames?: readonly string[];
  /** The absolute URL of the entry's page (rel="alternate"). */
  link: string;
  /** Plain text, such as a blog post's own summary. */
  summary?: string;
  /** Sanitised HTML, sent as type="html" text. */
  html: string;
  /** Terms such as tags, each an atom:category. */
  categories?: readonly string[];
}

/** A whole feed: its own id and links, and its entries, newest first. */
export interface AtomFeed {
  id: string;
  title: string;
  updated: string;
  /** The feed's own absolute URL (rel="self"). */
  self: string;
  /** The absolute URL of the page the feed follows (rel="alternate"). */
  alternate: string;
  entries: AtomEntry[];
}

/** The media type an Atom document is served with. */
export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

// XML 1.0 allows only tab, newline, carriage return and the characters
// from U+0020 on, less the surrogates, U+FFFE and U+FFFF: a parser stops
// at any other, even written as a reference, so they are left out.
const NOT_XML_CHAR =
  /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A parser would turn a raw carriage return into a newline.
  '\r': '&#13;',
};

/** Text made safe for XML character data and attribute values alike. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/[&<>"'\r]/g, (c) => ENTITIES[c] ?? '');
}

function rfc3339(iso: string): string {
  return new Date(iso).toISOString();
}

function element(name: string, text: string, indent: string): string {
  return `${indent}<${name}>${escapeXml(text)}</${name}>`;
}

function link(rel: string, href: string, indent: string): string {
  return `${indent}<link rel="${rel}" href="${escapeXml(href)}"/>`;
}

function entryXml(entry: AtomEntry): string {
  const i = '    ';
  const authors = [entry.authorName, ...(entry.coAuthorNames ?? [])];
  return [
    '  <entry>',
    element('id', entry.id, i),
    element('title', entry.title, i),
    element('updated', rfc3339(entry.updated), i),
    ...(entry.published
      ? [element('published', rfc3339(entry.published), i)]
      : []),
    ...authors.map(
      (name) => `${i}<author>${element('name', name, '')}</author>`,
    ),
    `${i}<link rel="alternate" type="text/html" ` +
      `href="${escapeXml(entry.link)}"/>`,
    ...(entry.categories ?? []).map(
      (term) => `${i}<category term="${escapeXml(term)}"/>`,
    ),
    ...(entry.summary
      ? [`${i}<summary type="text">${escapeXml(entry.summary)}</summary>`]
      : []),
    `${i}<content type="html">${escapeXml(entry.html)}</content>`,
    '  </entry>',
  ].join('\n');
}

/** The feed as an Atom document. */
export function renderAtom(feed: AtomFeed): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    element('id', feed.id, '  '),
    element('title', feed.title, '  '),
    element('updated', rfc3339(feed.updated), '  '),
    link('self', feed.self, '  '),
    link('alternate', feed.alternate, '  '),
    ...feed.entries.map(entryXml),
    '</feed>',
    '',
  ].join('\n');
}

/** The latest of some ISO times, or `fallback` when there are none. */
export function latestOf(times: string[], fallback: string): string {
  return times.reduce(
    (latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest),
    fallback,
  );
}
