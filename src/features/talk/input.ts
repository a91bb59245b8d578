import { ValidationError } from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { readTagList, TagListError } from './tags/tags.ts';
import type { ThreadTag } from './tags/tags.ts';

// The checks on what people write in Talk's discussions.

export const MAX_TITLE = 200;
export const MAX_BODY = 100_000;

export interface ThreadInput {
  title: string;
  body: string;
  isQuestion: boolean;
  tags: ThreadTag[];
}

export interface ReplyInput {
  body: string;
  quoteOf: number | null;
}

const TITLE = { label: 'Title', max: MAX_TITLE, required: true };
const BODY = { label: 'Text', max: MAX_BODY, required: true, multiline: true };

export function readThreadInput(input: Record<string, unknown>): ThreadInput {
  const check = new FieldValidator(input);
  const title = check.text('title', TITLE);
  const body = check.text('body', BODY);
  const question = input.question ?? false;
  if (typeof question !== 'boolean') {
    check.fail('question', 'Question must be true or false');
  }
  const tags = readTags(check, input.tags ?? []);
  check.done();
  return {
    title: title ?? '',
    body: body ?? '',
    isQuestion: question === true,
    tags: tags ?? [],
  };
}

/** The `tags` field's list, or null with the field failed. */
function readTags(check: FieldValidator, value: unknown): ThreadTag[] | null {
  try {
    return readTagList(value);
  } catch (error) {
    if (error instanceof TagListError) {
      check.fail('tags', error.message);
      return null;
    }
    throw error;
  }
}

export function readReplyInput(input: Record<string, unknown>): ReplyInput {
  const check = new FieldValidator(input);
  const body = check.text('body', BODY);
  const quoteOf = input.quoteOf ?? null;
  if (quoteOf !== null && !isId(quoteOf)) {
    check.fail('quoteOf', 'Quote a post by its id');
  }
  check.done();
  return { body: body ?? '', quoteOf: quoteOf as number | null };
}

/** An edit to a post; an opening post's may also change title and tags. */
export interface EditInput {
  body: string | null;
  title: string | null;
  tags: ThreadTag[] | null;
}

/** An edit: a new body, and on an opening post perhaps a new title. */
export function readEditInput(input: Record<string, unknown>): EditInput {
  const check = new FieldValidator(input);
  const body = check.has('body') ? check.text('body', BODY) : null;
  const title = check.has('title') ? check.text('title', TITLE) : null;
  const tags = check.has('tags') ? readTags(check, input.tags) : null;
  if (!check.has('body') && !check.has('title') && !check.has('tags')) {
    check.fail('body', 'Send the new text');
  }
  check.done();
  return { body, title, tags };
}

// Ids are PostgreSQL integers: anything larger can name nothing.
const MAX_ID = 2_147_483_647;

export function isId(value: unknown): value is number {
  return (
    Number.isInteger(value) && Number(value) >= 1 && Number(value) <= MAX_ID
  );
}

/** An id from a path; anything that cannot be one is `notFound`. */
export function readIdParam(value: string, notFound: () => Error): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > MAX_ID) {
    throw notFound();
  }
  return id;
}

/** A whole number from a JSON body, for positions and ids. */
export function readIdField(
  input: Record<string, unknown>,
  field: string,
  message: string,
): number {
  const value = input[field];
  if (!isId(value)) {
    throw new ValidationError({ [field]: message });
  }
  return value;
}
