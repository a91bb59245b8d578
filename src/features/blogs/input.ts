import { ValidationError } from '../../platform/errors.ts';
import { cleanLine, characterCount, isBlank } from '../../platform/text.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { tagKey } from '../talk/status/text.ts';
import type { BlogAudience, BlogPostStatus } from './tables.ts';

// The checks on what people write in blogs, shared by the forms and the
// API. Lengths count code points after trimming (BUG-28).

export const MAX_TITLE = 255;
export const MAX_BODY = 100_000;
export const MAX_SUMMARY = 500;
export const MAX_TAGS = 10;
export const MAX_TAG = 50;
export const MAX_AUTHORS = 10;
export const MAX_COMMENT = 10_000;

export const STATUSES: readonly BlogPostStatus[] = [
  'draft',
  'scheduled',
  'published',
];
export const AUDIENCES: readonly BlogAudience[] = [
  'everyone',
  'members',
  'private',
];

export interface PostTag {
  tag: string;
  key: string;
}

/** A post's fields as checked; scheduling is read apart (API or form). */
export interface PostFields {
  title: string;
  body: string;
  summary: string;
  tags: PostTag[];
  status: BlogPostStatus;
  audience: BlogAudience;
  /** Co-authors as e-mail addresses or user names, in order. */
  coAuthors: string[];
}

const TITLE = { label: 'Title', max: MAX_TITLE, required: true };
const BODY = { label: 'Text', max: MAX_BODY, required: true, multiline: true };
const SUMMARY = { label: 'Summary', max: MAX_SUMMARY, multiline: true };

/**
 * Reads a post's fields. `partial` (an API PATCH) checks only what was
 * sent and returns undefined for the rest.
 */
export function readPostFields(
  input: Record<string, unknown>,
  partial = false,
): Partial<PostFields> {
  const check = new FieldValidator(input);
  const wants = (field: string) => !partial || check.has(field);
  const fields: Partial<PostFields> = {};
  if (wants('title')) {
    fields.title = check.text('title', TITLE) ?? '';
  }
  if (wants('body')) {
    fields.body = check.text('body', BODY) ?? '';
  }
  if (wants('summary')) {
    fields.summary = check.text('summary', SUMMARY) ?? '';
  }
  if (wants('tags')) {
    fields.tags = readList(check, 'tags', input.tags, readTags) ?? [];
  }
  if (wants('status')) {
    fields.status = oneOf(check, 'status', input.status, STATUSES, 'draft');
  }
  if (wants('audience')) {
    // Left out, the blog chooses: see checkAudience in ./writing.ts.
    fields.audience = oneOf(check, 'audience', input.audience, AUDIENCES);
  }
  if (wants('authors')) {
    fields.coAuthors =
      readList(check, 'authors', input.authors, readAuthors) ?? [];
  }
  check.done();
  return fields;
}

function oneOf<T extends string>(
  check: FieldValidator,
  field: string,
  value: unknown,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  if ((value === undefined || value === '') && fallback !== undefined) {
    return fallback;
  }
  if (value === undefined || value === '') {
    return undefined;
  }
  if (
    typeof value === 'string' &&
    (allowed as readonly string[]).includes(value)
  ) {
    return value as T;
  }
  check.fail(field, `Choose ${field} from: ${allowed.join(', ')}`);
  return undefined;
}

/**
 * A list field: an array from the API, or one text from a form (tags
 * split at commas, authors at commas and line breaks).
 */
function readList<T>(
  check: FieldValidator,
  field: string,
  value: unknown,
  read: (items: string[]) => T,
): T | null {
  const items =
    value === undefined || value === null || value === ''
      ? []
      : typeof value === 'string'
        ? value.split(/[,\n]/)
        : value;
  if (
    !Array.isArray(items) ||
    !items.every((item): item is string => typeof item === 'string')
  ) {
    check.fail(field, `Send ${field} as a list of text`);
    return null;
  }
  try {
    return read(items.map(cleanLine).filter((item) => !isBlank(item)));
  } catch (error) {
    if (error instanceof ValidationError) {
      check.fail(field, error.message);
      return null;
    }
    throw error;
  }
}

/**
 * Tags folded like Talk's (NFKC, lower case, no leading #), first
 * spelling kept. Their number is checked against what the post already
 * has, by `checkAddedTags`.
 */
export function readTags(items: readonly string[]): PostTag[] {
  const tags = new Map<string, string>();
  for (const item of items) {
    const tag = item.replace(/^#+/, '');
    // TODO: an imported tag of 51 to 100 characters still makes every edit of
    // its post fail here.
    if (characterCount(tag) > MAX_TAG) {
      throw new ValidationError(
        {},
        `Each tag must be ${MAX_TAG} characters or fewer`,
      );
    }
    const key = tagKey(tag);
    if (key !== '' && !tags.has(key)) {
      tags.set(key, tag);
    }
  }
  return [...tags].map(([key, tag]) => ({ key, tag }));
}

/**
 * MAX_TAGS limits the tags being added, not the ones a post has: a post
 * imported from WordPress may carry dozens and keeps them through any
 * edit, but tags may be added only while the post stays within MAX_TAGS
 * (or within what it had, when swapping one tag for another).
 */
export function checkAddedTags(
  before: readonly PostTag[],
  after: readonly PostTag[],
): void {
  const had = new Set(before.map((tag) => tag.key));
  const added = after.filter((tag) => !had.has(tag.key));
  if (added.length > 0 && after.length > Math.max(MAX_TAGS, before.length)) {
    const message = `Give a post ${MAX_TAGS} tags or fewer`;
    throw new ValidationError({ tags: message }, message);
  }
}

function readAuthors(items: readonly string[]): string[] {
  const authors = [...new Set(items.map((item) => item.toLowerCase()))];
  if (authors.length > MAX_AUTHORS) {
    throw new ValidationError({}, `Name ${MAX_AUTHORS} co-authors or fewer`);
  }
  return authors;
}

/** A comment's text. */
export function readCommentBody(input: Record<string, unknown>): string {
  const check = new FieldValidator(input);
  const body = check.text('body', {
    label: 'Comment',
    max: MAX_COMMENT,
    required: true,
    multiline: true,
  });
  check.done();
  return body ?? '';
}
