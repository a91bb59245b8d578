import type { FastifyPluginAsync } from 'fastify';
import type { Actor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { AppError } from '../../../platform/errors.ts';
import { staff } from '../../groups/api-support.ts';
import { readIdParam } from '../input.ts';
import { personPath } from '../page-routes-support.ts';
import { tagsOfThread } from '../tags/tags.ts';
import { requireThreadFor, threadNotFound } from '../threads.ts';
import type { Thread } from '../threads.ts';
import { peopleWhoMayKnow } from './experts.ts';
import type { Expert } from './experts.ts';

// "People who may know" in the API and as the thread page's panel. It
// names people, so, like the directory, it is for staff: a guest gets
// the API's refusal and no panel.

type ThreadParams = { Params: { threadId: string } };

function expertJson(expert: Expert) {
  return {
    person: {
      ...expert.person,
      links: {
        self: `/api/v1/people/${expert.person.id}`,
        html: `/people/${expert.person.id}`,
      },
    },
    reasons: expert.reasons,
  };
}

/** The panel's people for a thread page; null when it shows no panel. */
export async function expertsPanel(db: Db, actor: Actor, thread: Thread) {
  if (!thread.isQuestion) {
    return null;
  }
  const tags = await tagsOfThread(db, thread.id);
  const experts = await peopleWhoMayKnow(db, actor, thread, tags);
  if (experts.length === 0) {
    return null;
  }
  return experts.map((expert) => ({
    ...expert.person,
    path: personPath(expert.person.id),
    reasons: expert.reasons,
  }));
}

export const talkExpertApi: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  app.get<ThreadParams>(
    '/api/v1/talk/threads/:threadId/people-who-may-know',
    staff,
    async (request) => {
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { thread } = await requireThreadFor(db, request.actor, id);
      if (!thread.isQuestion) {
        throw new AppError(
          409,
          'NOT_A_QUESTION',
          'This thread is not a question',
        );
      }
      const tags = await tagsOfThread(db, thread.id);
      const experts = await peopleWhoMayKnow(db, request.actor, thread, tags);
      return { items: experts.map(expertJson), total: experts.length };
    },
  );
};
