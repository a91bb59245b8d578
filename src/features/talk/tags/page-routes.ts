import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { ForbiddenError } from '../../../platform/errors.ts';
import type { PageContext } from '../../../platform/views.ts';
import { personOf } from '../../groups/page-support.ts';
import { editPost } from '../discussions.ts';
import { readEditInput, readIdParam } from '../input.ts';
import {
  done,
  formErrors,
  formOf,
  readers,
  signedIn,
  TALK_CRUMB,
  textOf,
  threadPath,
} from '../page-routes-support.ts';
import { shownPostsBetween } from '../posts.ts';
import type { Place } from '../places.ts';
import { requireThreadFor, threadNotFound } from '../threads.ts';
import type { Thread } from '../threads.ts';
import {
  joinTagText,
  MAX_TAG_CHARACTERS,
  MAX_THREAD_TAGS,
  splitTagText,
  tagPath,
  tagsOfThread,
} from './tags.ts';

// The page on which a thread's author or a moderator changes its tags:
// an edit of the opening post that changes only its tags, so it is
// checked and recorded as any edit is.

type ThreadParams = { Params: { threadId: string } };

function mayNotChange(): ForbiddenError {
  return new ForbiddenError(
    'TALK_FORBIDDEN',
    'Only the author or a moderator can change this thread’s tags',
  );
}

export const talkTagPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  /** The thread and its opening post, when `actor` may change its tags. */
  async function changeable(actor: Actor, value: string) {
    const id = readIdParam(value, threadNotFound);
    const { thread, place } = await requireThreadFor(db, actor, id);
    const mine = actor.kind === 'person' && thread.authorId === actor.id;
    if (!mine && !place.mayModerate) {
      throw mayNotChange();
    }
    const [opening] = await shownPostsBetween(db, thread.id, 1, 1);
    if (!opening) {
      throw mayNotChange();
    }
    return { thread, opening };
  }

  async function renderForm(
    request: FastifyRequest<ThreadParams>,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
  ) {
    const { thread } = await changeable(request.actor, request.params.threadId);
    const tags = await tagsOfThread(db, thread.id);
    return reply.render(
      'talk/tags/views/edit.njk',
      {
        breadcrumbs: [
          TALK_CRUMB,
          { text: thread.title, href: threadPath(thread.id) },
        ],
        thread: { id: thread.id, title: thread.title },
        formAction: `${threadPath(thread.id)}/tags`,
        maxTags: MAX_THREAD_TAGS,
        maxCharacters: MAX_TAG_CHARACTERS,
        values: { tags: joinTagText(tags.map(({ tag }) => tag)) },
        ...context,
      },
      status,
    );
  }

  app.get<ThreadParams>(
    '/talk/threads/:threadId/tags',
    readers,
    async (request, reply) => renderForm(request, reply),
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/tags',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const { thread, opening } = await changeable(
        actor,
        request.params.threadId,
      );
      const values = { tags: textOf(formOf(request).tags) };
      const errors = await formErrors(async () => {
        const change = readEditInput({ tags: splitTagText(values.tags) });
        await db
          .transaction()
          .execute((trx) => editPost(trx, actor, opening.id, change));
      });
      if (errors) {
        return renderForm(request, reply, { values, errors }, 400);
      }
      return reply.redirect(done(threadPath(thread.id), 'tags-changed'), 303);
    },
  );
};

/** A thread's tags as its page shows them, with the link to change them. */
export async function threadTagsView(
  db: Db,
  actor: Actor,
  thread: Thread,
  place: Place,
) {
  const tags = await tagsOfThread(db, thread.id);
  const mine = actor.kind === 'person' && thread.authorId === actor.id;
  return {
    tags: tags.map(({ tag, key }) => ({ text: tag, path: tagPath(key) })),
    changePath:
      mine || place.mayModerate ? `${threadPath(thread.id)}/tags` : null,
  };
}
