import { TextDecoder } from 'node:util';
import sax from 'sax';
import { ValidationError } from '../../../platform/errors.ts';

// Reads the Posts.xml and Comments.xml of a Stack Exchange data dump as a
// stream of rows: each `<row …/>` holds one post or comment in its
// attributes. Only the row being read is in memory. A `<!DOCTYPE … SYSTEM
// 'posts.dtd'>` line, which some copies carry, is passed over: sax never
// loads a DTD, so a missing one does no harm. TextDecoder drops the
// dump's byte-order mark.

/** Who wrote a post or comment, as far as the dump says. */
export interface DumpAuthor {
  /** Absent for a deleted user. -1 is the site's Community user. */
  userId?: number;
  /** Given for deleted users, and sometimes beside a user id. */
  displayName?: string;
}

/** A question or an answer. */
export interface DumpPost {
  id: number;
  kind: 'question' | 'answer';
  /** The question an answer belongs to. */
  parentId?: number;
  acceptedAnswerId?: number;
  score: number;
  /** Questions only. */
  title?: string;
  /** HTML, as the site rendered it. */
  body: string;
  tags: string[];
  createdAt: string;
  lastEditedAt?: string;
  closedAt?: string;
  communityOwnedAt?: string;
  owner: DumpAuthor;
}

/** A comment on a question or an answer. */
export interface DumpComment {
  id: number;
  postId: number;
  score: number;
  /** Stack Exchange's comment Markdown: emphasis, code and links. */
  text: string;
  createdAt: string;
  author: DumpAuthor;
}

/** A row passed over, with the reason; `id` when the row had a usable one. */
export interface SkippedRow {
  line: number;
  id?: number;
  reason: string;
}

export type PostEvent =
  | { kind: 'post'; post: DumpPost }
  | { kind: 'tagWiki'; id: number }
  | { kind: 'skipped'; row: SkippedRow };

export type CommentEvent =
  | { kind: 'comment'; comment: DumpComment }
  | { kind: 'skipped'; row: SkippedRow };

interface RawRow {
  line: number;
  attributes: Record<string, string>;
}

type RowEvent =
  | { kind: 'row'; row: RawRow }
  | { kind: 'damage'; line: number; reason: string };

/**
 * Reads the rows of a dump file whose root element is `root`, reporting
 * bad XML as damage. A file that is not such a dump at all (another XML
 * format, no XML, nothing) is refused before its first row, so the import
 * writes nothing instead of reporting every line as skipped.
 */
export async function* readRows(
  bytes: AsyncIterable<Uint8Array>,
  root: 'posts' | 'comments',
): AsyncGenerator<RowEvent> {
  const parser = sax.parser(true, { trim: false });
  const events: RowEvent[] = [];
  let begun = false;
  const refuse = (why: string): never => {
    const file = root === 'posts' ? 'Posts.xml' : 'Comments.xml';
    const message = `${file} is not a Stack Exchange dump file: ${why}`;
    throw new ValidationError({ file: message }, message);
  };
  parser.onopentag = (node) => {
    if (!begun) {
      if (node.name !== root) {
        refuse(`it starts with <${node.name}>, not <${root}>`);
      }
      begun = true;
    }
    if (node.name !== 'row') {
      return;
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(node.attributes)) {
      attributes[key] = typeof value === 'string' ? value : value.value;
    }
    events.push({ kind: 'row', row: { line: parser.line + 1, attributes } });
  };
  parser.onerror = (error) => {
    if (!begun) {
      refuse('it does not begin with an XML element');
    }
    const reason = error.message.split('\n')[0] ?? 'bad XML';
    events.push({ kind: 'damage', line: parser.line + 1, reason });
    // sax stops at an error until told to go on; it resyncs on the next tag.
    parser.error = null as unknown as Error;
  };
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    parser.write(decoder.decode(chunk, { stream: true }));
    yield* events.splice(0);
  }
  parser.write(decoder.decode());
  parser.close();
  if (!begun) {
    refuse('it holds no XML element');
  }
  yield* events.splice(0);
}

/** Reads Posts.xml: questions and answers; tag wiki rows are only counted. */
export async function* readPosts(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<PostEvent> {
  for await (const event of readRows(bytes, 'posts')) {
    if (event.kind === 'damage') {
      yield {
        kind: 'skipped',
        row: { line: event.line, reason: event.reason },
      };
      continue;
    }
    yield postEvent(event.row);
  }
}

/** Reads Comments.xml. */
export async function* readComments(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<CommentEvent> {
  for await (const event of readRows(bytes, 'comments')) {
    if (event.kind === 'damage') {
      yield {
        kind: 'skipped',
        row: { line: event.line, reason: event.reason },
      };
      continue;
    }
    yield commentEvent(event.row);
  }
}

const POST_TYPES: Record<string, DumpPost['kind'] | 'tagWiki'> = {
  '1': 'question',
  '2': 'answer',
  '4': 'tagWiki',
  '5': 'tagWiki',
};

function postEvent({ line, attributes: a }: RawRow): PostEvent {
  const id = wholeNumber(a.Id);
  const skip = (reason: string): PostEvent => ({
    kind: 'skipped',
    row: { line, ...(id !== undefined ? { id } : {}), reason },
  });
  if (id === undefined) {
    return skip('the row has no Id');
  }
  const kind = POST_TYPES[a.PostTypeId ?? ''];
  if (kind === undefined) {
    return skip(`post type ${a.PostTypeId ?? '(none)'} is not imported`);
  }
  if (kind === 'tagWiki') {
    return { kind: 'tagWiki', id };
  }
  const createdAt = dumpTime(a.CreationDate);
  if (createdAt === undefined) {
    return skip('the post has no readable CreationDate');
  }
  const parentId = wholeNumber(a.ParentId);
  if (kind === 'answer' && parentId === undefined) {
    return skip('the answer has no ParentId');
  }
  const title = a.Title?.trim();
  if (kind === 'question' && !title) {
    return skip('the question has no Title');
  }
  return {
    kind: 'post',
    post: {
      id,
      kind,
      ...(parentId !== undefined ? { parentId } : {}),
      ...optionalNumber('acceptedAnswerId', a.AcceptedAnswerId),
      score: wholeNumber(a.Score) ?? 0,
      ...(title ? { title } : {}),
      body: a.Body ?? '',
      tags: parseTags(a.Tags ?? ''),
      createdAt,
      ...optionalTime('lastEditedAt', a.LastEditDate),
      ...optionalTime('closedAt', a.ClosedDate),
      ...optionalTime('communityOwnedAt', a.CommunityOwnedDate),
      owner: author(a.OwnerUserId, a.OwnerDisplayName),
    },
  };
}

function commentEvent({ line, attributes: a }: RawRow): CommentEvent {
  const id = wholeNumber(a.Id);
  const skip = (reason: string): CommentEvent => ({
    kind: 'skipped',
    row: { line, ...(id !== undefined ? { id } : {}), reason },
  });
  if (id === undefined) {
    return skip('the row has no Id');
  }
  const postId = wholeNumber(a.PostId);
  if (postId === undefined) {
    return skip('the comment has no PostId');
  }
  const createdAt = dumpTime(a.CreationDate);
  if (createdAt === undefined) {
    return skip('the comment has no readable CreationDate');
  }
  if (!a.Text?.trim()) {
    return skip('the comment has no Text');
  }
  return {
    kind: 'comment',
    comment: {
      id,
      postId,
      score: wholeNumber(a.Score) ?? 0,
      text: a.Text,
      createdAt,
      author: author(a.UserId, a.UserDisplayName),
    },
  };
}

/** Tags as `<a><b>` (the dumps until 2023) or `|a|b|` (later ones). */
export function parseTags(packed: string): string[] {
  const parts = packed.startsWith('<')
    ? [...packed.matchAll(/<([^<>]+)>/g)].map((match) => match[1] ?? '')
    : packed.split('|');
  return [...new Set(parts.map((tag) => tag.trim()).filter(Boolean))];
}

/**
 * A dump time as ISO 8601 in UTC. The dumps write UTC without a zone
 * ("2011-10-11T19:42:20.713"), which Date would read as local time.
 */
export function dumpTime(value: string | undefined): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?Z?$/.exec(
    value?.trim() ?? '',
  );
  if (!match) {
    return undefined;
  }
  const time = Date.parse(`${match[1]}${match[2] ?? ''}Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function author(userId?: string, displayName?: string): DumpAuthor {
  const id = wholeNumber(userId);
  const name = displayName?.trim();
  return {
    ...(id !== undefined ? { userId: id } : {}),
    ...(name ? { displayName: name } : {}),
  };
}

function optionalNumber<K extends string>(key: K, value?: string) {
  const number = wholeNumber(value);
  return (number !== undefined ? { [key]: number } : {}) as Partial<
    Record<K, number>
  >;
}

function optionalTime<K extends string>(key: K, value?: string) {
  const time = value === undefined ? undefined : dumpTime(value);
  return (time !== undefined ? { [key]: time } : {}) as Partial<
    Record<K, string>
  >;
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*-?\d{1,15}\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}
