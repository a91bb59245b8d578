import type { FastifyPluginAsync } from 'fastify';
import type { Actor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../../platform/pagination.ts';
import { readers } from '../../groups/api-support.ts';
import { queryOf, readerThreadJson } from '../api-support.ts';
import type { Place } from '../places.ts';
import { listedThreadJson } from '../representations.ts';
import { tagKey } from '../status/text.ts';
import type { Thread } from '../threads.ts';
import { listTaggedThreads } from './listing.ts';
import { tagsOfThread } from './tags.ts';

// The threads of a tag in the API, beside the tag's status posts at
// /api/v1/talk/tags/:tag, and a thread as the API shows it, with its
// tags.

type TagParams = { Params: { tag: string } };

/** A thread as one reader meets it in the API, with its tags. */
export async function taggedThreadJson(
  db: Db,
  actor: Actor,
  thread: Thread,
  place: Place,
  pageSize: number,
) {
  const [json, tags] = await Promise.all([
    readerThreadJson(db, actor, thread, place, pageSize),
    tagsOfThread(db, thread.id),
  ]);
  return { ...json, tags: tags.map(({ tag }) => tag) };
}

/**
 * The key of a list's `?tag=`, or undefined for none. A tag sent twice
 * is refused rather than one of them silently chosen.
 */
export function readTagFilter(query: Record<string, unknown>) {
  const value = query.tag;
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new ValidationError({ tag: 'Send one tag to filter by' });
  }
  return tagKey(value.trim()) || undefined;
}

export const talkTagApi: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  app.get<TagParams>(
    '/api/v1/talk/tags/:tag/threads',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const key = tagKey(request.params.tag);
      const result = await listTaggedThreads(
        db,
        request.actor,
        { tagKey: key },
        page,
      );
      return { tag: key, ...pageOf(result, page, listedThreadJson) };
    },
  );
};
