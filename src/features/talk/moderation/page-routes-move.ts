import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import type { PageContext } from '../../../platform/views.ts';
import { personOf } from '../../groups/page-support.ts';
import { readIdParam } from '../input.ts';
import {
  formErrors,
  formOf,
  signedIn,
  TALK_CRUMB,
  textOf,
  threadPath,
} from '../page-routes-support.ts';
import { moderatedCategoryIds } from '../places.ts';
import { threadNotFound } from '../threads.ts';
import { moveThread, requireModeratedThread } from './actions.ts';

// Moving a thread: the form offers the categories the moderator also
// moderates, and the service checks both places again on the POST.

type ThreadParams = { Params: { threadId: string } };

// The most categories the move form offers; a moderator of more places
// than this cannot yet pick the rest.
const TARGETS_SHOWN = 200;

/** The categories `actor` moderates, by name, for the move form. */
async function moveTargets(db: Db, actor: PersonActor, currentId: number) {
  // TODO: the move form lists only the first 200 categories a moderator
  // moderates, and a group's discussions only once they have a first thread.
  return db
    .selectFrom('talk_categories as c')
    .select(['c.slug', 'c.name', 'c.group_id'])
    .where('c.id', 'in', moderatedCategoryIds(db, actor))
    .where('c.id', '!=', currentId)
    .orderBy('c.name')
    .orderBy('c.id')
    .limit(TARGETS_SHOWN)
    .execute();
}

export const moderationMovePages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  async function renderMove(
    request: FastifyRequest<ThreadParams>,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
  ) {
    const actor = personOf(request);
    const id = readIdParam(request.params.threadId, threadNotFound);
    const { thread, place } = await requireModeratedThread(db, actor, id);
    const targets = await moveTargets(db, actor, place.category.id);
    const chosen = textOf((context.values as { category?: unknown })?.category);
    return reply.render(
      'talk/moderation/views/move.njk',
      {
        breadcrumbs: [
          TALK_CRUMB,
          { text: thread.title, href: threadPath(thread.id) },
        ],
        thread: { id: thread.id, title: thread.title },
        current: place.category.name,
        targets: [
          { value: '', text: 'Choose a category' },
          ...targets.map((target) => ({
            value: target.slug,
            text:
              target.group_id === null ? target.name : `${target.name} (group)`,
            selected: target.slug === chosen,
          })),
        ],
        ...context,
      },
      status,
    );
  }

  app.get<ThreadParams>(
    '/talk/threads/:threadId/move',
    signedIn,
    (request, reply) => renderMove(request, reply),
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/move',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const values = { category: textOf(formOf(request).category) };
      const errors = await formErrors(() =>
        db
          .transaction()
          .execute((trx) => moveThread(trx, actor, id, values.category)),
      );
      if (errors) {
        return renderMove(request, reply, { values, errors }, 400);
      }
      return reply.redirect(threadPath(id), 303);
    },
  );
};
