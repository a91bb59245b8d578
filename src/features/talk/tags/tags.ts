import type { Db } from '../../../database.ts';
import { characterCount } from '../../../platform/text.ts';
import { tagKey } from '../status/text.ts';

// A thread's tags: what may be one, and writing and reading them. A tag
// is folded by the same key as status posts' #tags, so `#Procurement` on
// a status post and `procurement` on a thread share one tag page.

/** The most tags a thread may carry, as Stack Exchange allows. */
export const MAX_THREAD_TAGS = 5;

/** The longest tag, in characters, as Stack Exchange allows. */
export const MAX_TAG_CHARACTERS = 35;

// Letters and digits of any script, and the joiners Stack Exchange's
// tags use (`c#`, `c++`, `node.js`, `open-data`); no spaces, so a tag is
// one word in a list and in an address.
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}_.+#-]*$/u;

export interface ThreadTag {
  /** As first written, without a leading `#`. */
  tag: string;
  key: string;
}

/** A reason a list of tags was refused, for the `tags` field. */
export class TagListError extends Error {}

/**
 * The distinct tags of a list, in the order written; repeats (by key)
 * are dropped. Throws a TagListError with a message for the person for
 * anything that is not a short list of tags.
 */
export function readTagList(value: unknown): ThreadTag[] {
  if (!Array.isArray(value)) {
    throw new TagListError('Tags must be a list of words');
  }
  const tags = new Map<string, string>();
  for (const item of value) {
    if (typeof item !== 'string') {
      throw new TagListError('Each tag must be text');
    }
    const tag = item.trim().replace(/^#/, '');
    if (tag === '') {
      throw new TagListError('A tag cannot be empty');
    }
    if (!TAG.test(tag)) {
      throw new TagListError(
        `The tag “${tag.slice(0, 40)}” must only include letters, numbers, ` +
          'hyphens, underscores, full stops, plus signs and hash signs, ' +
          'and start with a letter or number',
      );
    }
    if (characterCount(tag) > MAX_TAG_CHARACTERS) {
      throw new TagListError(
        `Each tag must be ${MAX_TAG_CHARACTERS} characters or fewer`,
      );
    }
    const key = tagKey(tag);
    if (!tags.has(key)) {
      tags.set(key, tag);
    }
  }
  if (tags.size > MAX_THREAD_TAGS) {
    throw new TagListError(`Enter ${MAX_THREAD_TAGS} tags or fewer`);
  }
  return [...tags].map(([key, tag]) => ({ tag, key }));
}

/** A form's tag field as a list: words split at commas and spaces. */
export function splitTagText(text: string): string[] {
  return text.split(/[\s,]+/u).filter((word) => word !== '');
}

/** A form's tag field again, from the tags it holds. */
export function joinTagText(tags: readonly string[]): string {
  return tags.join(', ');
}

/**
 * Replaces a thread's tags with `tags`. Checks nothing: callers read the
 * input and decide who may. The caller owns the transaction.
 */
export async function setThreadTags(
  db: Db,
  threadId: number,
  tags: readonly ThreadTag[],
): Promise<void> {
  await db
    .deleteFrom('talk_thread_tags')
    .where('thread_id', '=', threadId)
    .execute();
  if (tags.length > 0) {
    await db
      .insertInto('talk_thread_tags')
      .values(
        tags.map(({ tag, key }) => ({
          thread_id: threadId,
          tag,
          tag_key: key,
        })),
      )
      .execute();
  }
}

/** The tags of each thread in `threadIds`, in one query over its key. */
export async function tagsOfThreads(
  db: Db,
  threadIds: readonly number[],
): Promise<Map<number, ThreadTag[]>> {
  const tags = new Map<number, ThreadTag[]>();
  if (threadIds.length === 0) {
    return tags;
  }
  const rows = await db
    .selectFrom('talk_thread_tags')
    .select(['thread_id', 'tag', 'tag_key'])
    .where('thread_id', 'in', [...new Set(threadIds)])
    .orderBy('thread_id')
    .orderBy('tag_key')
    .execute();
  for (const row of rows) {
    const list = tags.get(row.thread_id) ?? [];
    list.push({ tag: row.tag, key: row.tag_key });
    tags.set(row.thread_id, list);
  }
  return tags;
}

/** One thread's tags, in the order of their keys. */
export async function tagsOfThread(
  db: Db,
  threadId: number,
): Promise<ThreadTag[]> {
  return (await tagsOfThreads(db, [threadId])).get(threadId) ?? [];
}

/** A tag's page, for links from threads and lists. */
export function tagPath(key: string): string {
  return `/talk/tags/${encodeURIComponent(key)}`;
}
