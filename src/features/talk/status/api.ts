import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../../access/actor.ts';
import { shareAGroup } from '../../../access/groups.ts';
import { can } from '../../../access/policy.ts';
import type { Database, Db } from '../../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../../platform/pagination.ts';
import { cleanLine } from '../../../platform/text.ts';
import {
  callerOf,
  jsonBodyOf,
  readers,
  signedIn,
} from '../../groups/api-support.ts';
import { requireGroup } from '../../groups/groups.ts';
import { getPersonThing } from '../../people/people.ts';
import { mentionCandidates } from './mentions.ts';
import type { Container } from './mentions.ts';
import { createStatus, deleteStatus, replyToStatus, setLike } from './posts.ts';
import { getStatus, listStatus } from './streams.ts';
import type { StatusPost } from './streams.ts';
import { readStatusBody, tagKey } from './text.ts';

// Status posts in the API under /api/v1/talk, following DESIGN.md. Lists
// take ?page and ?pageSize and count only what the caller may read;
// a post the caller may not read answers 404 as if it did not exist.

type IdParams = { Params: { statusId: string } };

const MAX_ID = 2_147_483_647;

function readStatusId(value: string): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > MAX_ID) {
    throw new NotFoundError('STATUS_NOT_FOUND', 'There is no such status post');
  }
  return id;
}

/** The person whose profile stream is asked for, if `actor` may see them. */
async function readablePerson(db: Db, actor: Actor, rawId: string) {
  const id = /^[1-9]\d{0,9}$/.test(rawId) ? Number(rawId) : 0;
  const person =
    id >= 1 && id <= MAX_ID ? await getPersonThing(db, id) : undefined;
  if (person && actor.kind === 'person' && actor.role === 'guest') {
    person.inReadersGroup = await shareAGroup(db, actor.id, person.id);
  }
  if (!person || !can(actor, { name: 'person.read', person })) {
    throw new NotFoundError('PERSON_NOT_FOUND', 'There is no such person');
  }
  return person;
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

function statusJson(post: StatusPost) {
  return { ...post, path: `/api/v1/talk/status/${post.id}` };
}

export const statusApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  app.get('/api/v1/talk/status', readers, async (request) => {
    const page = readPageRequest(queryOf(request));
    const result = await listStatus(db, request.actor, {}, page);
    return pageOf(result, page, statusJson);
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/people/:id/status',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const person = await readablePerson(db, request.actor, request.params.id);
      const filter = { authorId: person.id };
      const result = await listStatus(db, request.actor, filter, page);
      return pageOf(result, page, statusJson);
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/groups/:slug/status',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const { actor } = request;
      const group = await requireGroup(
        db,
        actor,
        request.params.slug,
        'group.read',
      );
      const result = await listStatus(db, actor, { groupId: group.id }, page);
      return pageOf(result, page, statusJson);
    },
  );

  app.get<{ Params: { tag: string } }>(
    '/api/v1/talk/tags/:tag',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const key = tagKey(request.params.tag);
      const result = await listStatus(db, request.actor, { tagKey: key }, page);
      return { tag: key, ...pageOf(result, page, statusJson) };
    },
  );

  app.get('/api/v1/talk/mention-candidates', signedIn, async (request) => {
    const actor = callerOf(request);
    const query = queryOf(request);
    const page = readPageRequest(query);
    const { q, group: slug } = query;
    if (q !== undefined && typeof q !== 'string') {
      throw new ValidationError({ q: 'Send q once' });
    }
    if (slug !== undefined && typeof slug !== 'string') {
      throw new ValidationError({ group: 'Send group once, as a slug' });
    }
    let container: Container = { group: null };
    if (slug !== undefined && slug !== '') {
      // Those who may post in the group may learn who can read it.
      const group = await requireGroup(db, actor, slug, 'group.contribute');
      container = { group };
    } else if (!can(actor, { name: 'site.read' })) {
      throw new ForbiddenError(
        'STATUS_FORBIDDEN',
        'Guests post in their groups: name the group',
      );
    }
    const text = cleanLine(q ?? '').replace(/^@/, '');
    const result = await mentionCandidates(db, container, text, page);
    return pageOf(result, page, (candidate) => candidate);
  });

  app.post('/api/v1/talk/status', signedIn, async (request, reply) => {
    const actor = callerOf(request);
    const input = jsonBodyOf(request);
    const body = readStatusBody(input.body);
    const { group: slug } = input;
    if (slug !== undefined && slug !== null && typeof slug !== 'string') {
      throw new ValidationError({ group: 'Name the group by its slug' });
    }
    const id = await db.transaction().execute(async (trx) => {
      const group = slug
        ? await requireGroup(trx, actor, slug, 'group.contribute')
        : null;
      return createStatus(trx, actor, body, group?.id ?? null);
    });
    request.log.info({ statusId: id }, 'status posted');
    reply.code(201);
    return statusJson(await getStatus(db, actor, id));
  });

  app.get<IdParams>(
    '/api/v1/talk/status/:statusId',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const { actor } = request;
      const post = await getStatus(
        db,
        actor,
        readStatusId(request.params.statusId),
      );
      const replies = await listStatus(db, actor, { parentId: post.id }, page);
      return {
        ...statusJson(post),
        replies: pageOf(replies, page, statusJson),
      };
    },
  );

  app.get<IdParams>(
    '/api/v1/talk/status/:statusId/replies',
    readers,
    async (request) => {
      const page = readPageRequest(queryOf(request));
      const { actor } = request;
      const post = await getStatus(
        db,
        actor,
        readStatusId(request.params.statusId),
      );
      const replies = await listStatus(db, actor, { parentId: post.id }, page);
      return pageOf(replies, page, statusJson);
    },
  );

  app.post<IdParams>(
    '/api/v1/talk/status/:statusId/replies',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const postId = readStatusId(request.params.statusId);
      const body = readStatusBody(jsonBodyOf(request).body);
      const id = await db
        .transaction()
        .execute((trx) => replyToStatus(trx, actor, postId, body));
      request.log.info({ statusId: id, postId }, 'status reply posted');
      reply.code(201);
      return statusJson(await getStatus(db, actor, id));
    },
  );

  app.delete<IdParams>(
    '/api/v1/talk/status/:statusId',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const id = readStatusId(request.params.statusId);
      await db.transaction().execute((trx) => deleteStatus(trx, actor, id));
      request.log.info({ statusId: id }, 'status deleted');
      return reply.code(204).send();
    },
  );

  for (const [method, liked] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route<IdParams>({
      method,
      url: '/api/v1/talk/status/:statusId/like',
      ...signedIn,
      handler: async (request) => {
        const actor = callerOf(request);
        const id = readStatusId(request.params.statusId);
        const likeCount = await db
          .transaction()
          .execute((trx) => setLike(trx, actor, id, liked));
        return { liked, likeCount };
      },
    });
  }
};
