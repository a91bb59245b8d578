import { cleanLine, slugify } from '../../../platform/text.ts';
import { tagKey } from '../../talk/status/text.ts';
import type { BlogAudience, BlogPostStatus } from '../tables.ts';
import { instantOf } from './dates.ts';
import { plainText, wordPressToMarkdown } from './html.ts';
import type { WxrComment, WxrItem, WxrTerm } from './reader.ts';

// How a WordPress post reads as ours: its status, audience, dates, slug,
// tags and comments. Nothing here touches the database.

/** Where a WordPress status puts a post, or why it is not imported. */
export type PostPlacement =
  { status: BlogPostStatus; private: boolean } | { refused: string };

/**
 * publish → published; future → scheduled; draft, pending and
 * auto-draft → draft; private → published for its author alone. A post
 * in the bin, or a revision, is not a post anyone meant to keep.
 */
export function placePost(wordPressStatus: string): PostPlacement {
  switch (wordPressStatus) {
    case 'publish':
      return { status: 'published', private: false };
    case 'future':
      return { status: 'scheduled', private: false };
    case 'draft':
    case 'pending':
    case 'auto-draft':
      return { status: 'draft', private: false };
    case 'private':
      return { status: 'published', private: true };
    case 'trash':
      return { refused: 'it is in WordPress’s bin' };
    default:
      return {
        refused: `WordPress status “${wordPressStatus || '(none)'}” is not a post’s`,
      };
  }
}

/** A password-protected post is for signed-in readers only (members). */
export function audienceOf(item: WxrItem, isPrivate: boolean): BlogAudience {
  if (isPrivate) {
    return 'private';
  }
  return item.password.trim() !== '' ? 'members' : 'everyone';
}

/** Categories and tags both become tags; post formats and menus do not. */
const TAG_DOMAINS = new Set(['category', 'post_tag', 'tag', '']);

const MAX_TAG_LENGTH = 100;

/**
 * The item's categories and tags, once each by key (folded as the blog's
 * own tags are), in file order.
 */
export function tagsOf(terms: WxrTerm[]): { tag: string; key: string }[] {
  const byKey = new Map<string, string>();
  for (const term of terms) {
    const tag = cleanLine(term.name).replace(/^#+/, '');
    if (!TAG_DOMAINS.has(term.domain) || tag === '') {
      continue;
    }
    const short = Array.from(tag).slice(0, MAX_TAG_LENGTH).join('');
    const key = tagKey(short);
    if (!byKey.has(key)) {
      byKey.set(key, short);
    }
  }
  return [...byKey].map(([key, tag]) => ({ tag, key }));
}

/**
 * A slug from `wp:post_name` (which WordPress may have percent-encoded),
 * else from the title. Format characters such as bidi overrides are
 * dropped first, so `w‮orld` stays one word.
 */
export function slugOf(item: WxrItem): string {
  let name = item.postName;
  try {
    name = decodeURIComponent(name);
  } catch {
    // A stray % is text, not an escape.
  }
  const words = (text: string) => slugify(text.replace(/\p{Cf}/gu, ''), '');
  return words(name) || words(item.title) || `post-${item.id ?? item.line}`;
}

/** The post's body in Markdown, and shortcodes left as text. */
export function bodyOf(item: WxrItem) {
  return wordPressToMarkdown(item.content);
}

/** The excerpt as one line of text. */
export function summaryOf(item: WxrItem): string {
  return plainText(item.excerpt);
}

/** The post's instant: from the UTC date, else the local one in `zone`. */
export function postInstant(item: WxrItem, zone: string): string | undefined {
  return instantOf(item.dateGmt, item.date, zone);
}

export type CommentPlacement =
  { status: 'approved' | 'pending' } | { leftOut: string };

/**
 * Approved (1) and waiting (0) comments are imported; spam and the bin
 * are counted and left out, and so are pingbacks and trackbacks: notices
 * that another site linked here, not part of the conversation, and their
 * links point at sites the readers here may never reach.
 */
export function placeComment(comment: WxrComment): CommentPlacement {
  const type = comment.type === '' ? 'comment' : comment.type;
  if (type !== 'comment') {
    return { leftOut: type };
  }
  if (comment.approved === '1') {
    return { status: 'approved' };
  }
  if (comment.approved === '0') {
    return { status: 'pending' };
  }
  return { leftOut: comment.approved || 'no approval state' };
}

/**
 * The comments to import in an order where each comes after the one it
 * answers, with its parent being the nearest ancestor that is imported
 * (a reply to a spam comment answers what the spam answered).
 */
export function orderComments<T extends { id?: number; parent?: number }>(
  kept: T[],
  all: { id?: number; parent?: number }[],
): { comment: T; parentId?: number }[] {
  const parentOf = new Map<number, number>();
  for (const comment of all) {
    if (comment.id !== undefined && comment.parent) {
      parentOf.set(comment.id, comment.parent);
    }
  }
  const keptIds = new Set(kept.map((comment) => comment.id));
  const nearest = (comment: T): number | undefined => {
    const seen = new Set<number>();
    let parent = comment.parent || undefined;
    while (parent !== undefined && !keptIds.has(parent)) {
      if (seen.has(parent)) {
        return undefined;
      }
      seen.add(parent);
      parent = parentOf.get(parent);
    }
    return parent === comment.id ? undefined : parent;
  };
  const placed = kept.map((comment) => ({
    comment,
    parentId: nearest(comment),
  }));
  const depth = new Map<T, number>();
  const byId = new Map(placed.map((entry) => [entry.comment.id, entry]));
  const depthOf = (entry: (typeof placed)[number], guard = 0): number => {
    const known = depth.get(entry.comment);
    if (known !== undefined) {
      return known;
    }
    const parent =
      entry.parentId === undefined ? undefined : byId.get(entry.parentId);
    const value = parent && guard < 1000 ? depthOf(parent, guard + 1) + 1 : 0;
    depth.set(entry.comment, value);
    return value;
  };
  return placed
    .map((entry, index) => ({ entry, index, depth: depthOf(entry) }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map(({ entry }) => entry);
}
