import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import type { Database, Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import {
  pageOf,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import { callerOf } from '../groups/api-support.ts';
import { readablePerson } from '../people/routes.ts';
import { findExperts } from './finder.ts';
import type { FoundExpert } from './finder.ts';
import { expertValues, readExpertQuery } from './input.ts';
import { dismissPersonLikeYou, peopleLikeYou } from './people-like-you.ts';
import type { PersonLikeYou } from './people-like-you.ts';

// "Who knows about …" as a page of the people area and in the API, and
// People like you: the home page's panel, its list in the API and the
// dismissal of one person. All of it names people, so, like the
// directory, it is for staff; guests are refused at the gate.

const staff = { config: { access: 'staff' } } as const;

type PersonParams = { Params: { personId: string } };

function personJson(item: FoundExpert | PersonLikeYou) {
  return {
    person: {
      ...item.person,
      links: {
        self: `/api/v1/people/${item.person.id}`,
        html: `/people/${item.person.id}`,
      },
    },
    reasons: item.reasons,
  };
}

/** The home page's People like you, or null when there is nobody. */
export async function peopleLikeYouPanel(
  db: Db,
  actor: Actor,
): Promise<PersonLikeYou[] | null> {
  if (actor.kind !== 'person' || actor.role === 'guest') {
    return null;
  }
  const people = await peopleLikeYou(db, actor);
  return people.length > 0 ? people : null;
}

export const expertisePlugin: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  app.get('/people/experts', staff, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const values = expertValues(query);
    const view = 'expertise/views/experts.njk';
    if (query.q === undefined) {
      return reply.render(view, { values });
    }
    let read;
    let page;
    try {
      read = readExpertQuery(query);
      page = readPageRequest(query);
    } catch (error) {
      if (error instanceof ValidationError) {
        return reply.render(view, { values, errors: error.fields }, 400);
      }
      throw error;
    }
    const result = await findExperts(db, callerOf(request), read, page);
    return reply.render(view, {
      values,
      result,
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
    });
  });

  app.get('/api/v1/experts', staff, async (request) => {
    const query = request.query as Record<string, unknown>;
    const read = readExpertQuery(query);
    const page = readPageRequest(query);
    const result = await findExperts(db, callerOf(request), read, page);
    return pageOf(result, page, personJson);
  });

  app.get('/api/v1/people-like-you', staff, async (request) => {
    const people = await peopleLikeYou(db, callerOf(request));
    return { items: people.map(personJson), total: people.length };
  });

  async function dismiss(request: FastifyRequest<PersonParams>) {
    const viewer = callerOf(request);
    const person = await readablePerson(db, viewer, request.params.personId);
    await dismissPersonLikeYou(db, viewer, person.id);
  }

  app.post<PersonParams>(
    '/api/v1/people-like-you/:personId/dismiss',
    staff,
    async (request, reply) => {
      await dismiss(request);
      reply.code(204);
    },
  );

  app.post<PersonParams>(
    '/people-like-you/:personId/dismiss',
    staff,
    async (request, reply) => {
      await dismiss(request);
      return reply.redirect('/#people-like-you', 303);
    },
  );
};
