import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { personOf } from '../../groups/page-support.ts';
import { readIdParam } from '../input.ts';
import {
  categoryPath,
  done,
  formOf,
  signedIn,
  textOf,
  threadPath,
} from '../page-routes-support.ts';
import { requireReadablePlace } from '../places.ts';
import { markRead } from '../reading.ts';
import { requireThreadFor, threadNotFound } from '../threads.ts';
import { markCategoryRead } from './unread.ts';

// Marking read from the pages. A GET never moves a marker: the thread
// page's "Mark as read" form does, and with JavaScript the small script
// served here posts the same form as the reader's posts come into view.

type ThreadParams = { Params: { threadId: string } };
type CategoryParams = { Params: { category: string } };

const SCRIPT = new URL('./unread.js', import.meta.url);
export const UNREAD_SCRIPT_PATH = '/assets/talk-unread.js';

function readPosition(value: unknown): number {
  const text = textOf(value);
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw new ValidationError(
      { position: 'Send the number of the last post read' },
      'The post number is not valid',
      400,
    );
  }
  return Number(text);
}

/** The page of this thread the form was on, else the thread's first. */
function returnToOf(value: unknown, threadId: number): string {
  const text = textOf(value);
  const ours = new RegExp(`^/talk/threads/${threadId}(\\?page=\\d{1,5})?$`);
  return ours.test(text) ? text : threadPath(threadId);
}

export const talkUnreadPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  let script: Buffer | undefined;

  app.get(
    UNREAD_SCRIPT_PATH,
    { config: { access: 'public' } },
    async (_request, reply) => {
      script ??= await readFile(SCRIPT);
      reply.header('cache-control', 'public, max-age=3600');
      return reply.type('text/javascript; charset=utf-8').send(script);
    },
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/read',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const form = formOf(request);
      const position = readPosition(form.position);
      const { thread } = await requireThreadFor(db, actor, id);
      await markRead(db, actor.id, thread.id, position);
      const back = returnToOf(form.returnTo, thread.id);
      return reply.redirect(done(back, 'marked-read'), 303);
    },
  );

  app.post<CategoryParams>(
    '/talk/categories/:category/read',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      await markCategoryRead(db, actor.id, place.category.id);
      const back = place.group
        ? `/talk/groups/${encodeURIComponent(place.group.slug)}`
        : categoryPath(place.category.slug);
      return reply.redirect(done(back, 'category-read'), 303);
    },
  );
};
