import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import {
  AppError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { requireBlogFor } from '../blogs/things.ts';
import { requireGroup } from '../groups/groups.ts';
import { getPersonSummaries } from '../people/people.ts';
import { readablePerson, readId } from '../people/routes.ts';
import {
  clearWatchLevel,
  follow,
  isFollowing,
  setWatchLevel,
  unfollow,
  watchLevelOn,
} from './follows.ts';
import type { WatchTarget } from './follows.ts';
import { listStream } from './streams.ts';
import type { StreamPage, StreamScope } from './streams.ts';
import type { WatchLevel } from './tables.ts';

// Streams, following and watching, as pages and API. Streams answer
// `{ items, nextCursor }` rather than the API's usual page numbers: they
// are paged by an opaque cursor (`?before=`), because new events keep
// arriving at the top (README.md, "Activity and notifications").

interface Options {
  db: Kysely<Database>;
}

type Params = {
  Params: Record<string, string>;
  Querystring: { before?: string };
};

const LEVELS: readonly string[] = ['watch', 'mute', 'none'];

function readLevel(value: unknown): WatchLevel | 'none' {
  if (typeof value === 'string' && LEVELS.includes(value)) {
    return value as WatchLevel | 'none';
  }
  throw new ValidationError({ level: 'Choose watch, mute or none' });
}

function me(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new Error('the route gate lets only signed-in people here');
  }
  return request.actor;
}

function streamJson(page: StreamPage) {
  return { items: page.items, nextCursor: page.nextCursor };
}

export const activityRoutes: FastifyPluginAsync<Options> = async (
  app,
  { db },
) => {
  const signedIn = { config: { access: 'signed-in' } } as const;
  const staff = { config: { access: 'staff' } } as const;
  const readers = { config: { access: 'readers' } } as const;

  async function groupScope(request: FastifyRequest<Params>) {
    const slug = request.params.slug ?? '';
    const group = await requireGroup(db, request.actor, slug, 'group.read');
    return { group, scope: { groupId: group.id } satisfies StreamScope };
  }

  async function personScope(request: FastifyRequest<Params>) {
    const id = request.params.id ?? '';
    const person = await readablePerson(db, request.actor, id);
    return { person, scope: { personId: person.id } satisfies StreamScope };
  }

  app.get<Params>('/api/v1/activity', signedIn, async (request) =>
    streamJson(
      await listStream(
        db,
        request.actor,
        { home: me(request).id },
        request.query,
      ),
    ),
  );

  app.get<Params>('/api/v1/groups/:slug/activity', readers, async (request) => {
    const { scope } = await groupScope(request);
    return streamJson(
      await listStream(db, request.actor, scope, request.query),
    );
  });

  app.get<Params>('/api/v1/people/:id/activity', signedIn, async (request) => {
    const { scope } = await personScope(request);
    return streamJson(
      await listStream(db, request.actor, scope, request.query),
    );
  });

  app.get<Params>('/groups/:slug/activity', readers, async (request, reply) => {
    const { group, scope } = await groupScope(request);
    const stream = await listStream(db, request.actor, scope, request.query);
    const watch =
      request.actor.kind === 'person'
        ? await watchLevelOn(db, request.actor.id, { groupId: group.id })
        : null;
    return reply.render('activity/views/group-activity.njk', {
      group,
      stream,
      watch,
    });
  });

  app.get<Params>('/people/:id/activity', signedIn, async (request, reply) => {
    const { person, scope } = await personScope(request);
    const [stream, [summary]] = await Promise.all([
      listStream(db, request.actor, scope, request.query),
      getPersonSummaries(db, [person.id]),
    ]);
    return reply.render('activity/views/person-activity.njk', {
      person: { id: person.id, name: summary?.name ?? '' },
      stream,
    });
  });

  // Following: staff follow staff; a guest has no directory to follow in.
  // Anyone may stop following someone they follow, even once that
  // person is deactivated and their profile is gone: the row is theirs.
  async function setFollowing(request: FastifyRequest<Params>, on: boolean) {
    const rawId = request.params.id ?? '';
    const followerId = me(request).id;
    if (!on) {
      const id = readId(rawId, 'PERSON_NOT_FOUND');
      if (await isFollowing(db, followerId, id)) {
        await unfollow(db, followerId, id);
        return { id };
      }
    }
    const person = await readablePerson(db, request.actor, rawId);
    if (on && person.id === followerId) {
      throw new AppError(
        422,
        'CANNOT_FOLLOW_SELF',
        'You cannot follow yourself',
      );
    }
    await db
      .transaction()
      .execute(async (trx) =>
        on
          ? follow(trx, followerId, person.id)
          : unfollow(trx, followerId, person.id),
      );
    return person;
  }

  app.post<Params>('/people/:id/follow', staff, async (request, reply) => {
    const person = await setFollowing(request, true);
    return reply.redirect(`/people/${person.id}`, 303);
  });
  app.post<Params>('/people/:id/unfollow', staff, async (request, reply) => {
    const person = await setFollowing(request, false);
    // A deactivated person's profile is gone: back to the directory.
    const shown = await readablePerson(db, request.actor, String(person.id))
      .then(() => true)
      .catch((error: unknown) => {
        if (error instanceof NotFoundError) {
          return false;
        }
        throw error;
      });
    return reply.redirect(shown ? `/people/${person.id}` : '/people', 303);
  });
  app.put<Params>('/api/v1/people/:id/follow', staff, async (request) => {
    const person = await setFollowing(request, true);
    return { personId: person.id, following: true };
  });
  app.delete<Params>('/api/v1/people/:id/follow', staff, async (request) => {
    const person = await setFollowing(request, false);
    return { personId: person.id, following: false };
  });

  // Watching a group or a blog: whoever may read it may watch or mute it.
  async function targetOf(
    request: FastifyRequest<Params>,
  ): Promise<{ target: WatchTarget; back: string }> {
    if (request.params.slug !== undefined) {
      const group = await requireGroup(
        db,
        request.actor,
        request.params.slug,
        'group.read',
      );
      const back = `/groups/${encodeURIComponent(group.slug)}/activity`;
      return { target: { groupId: group.id }, back };
    }
    const { blog } = await requireBlogFor(
      db,
      request.actor,
      request.params.blog ?? '',
    );
    return {
      target: { blogId: blog.id },
      back: `/blogs/${encodeURIComponent(blog.slug)}`,
    };
  }

  async function applyLevel(
    request: FastifyRequest<Params>,
    level: WatchLevel | 'none',
  ) {
    const { target, back } = await targetOf(request);
    const personId = me(request).id;
    await db
      .transaction()
      .execute(async (trx) =>
        level === 'none'
          ? clearWatchLevel(trx, personId, target)
          : setWatchLevel(trx, personId, target, level),
      );
    return { back, level: level === 'none' ? null : level };
  }

  const bodyLevel = (request: FastifyRequest) =>
    readLevel((request.body as Record<string, unknown> | undefined)?.level);

  // A blog's watch form has a page of its own: the blog's pages are the
  // blogs feature's, and its address would otherwise read as a post's.
  app.get<Params>('/blogs/:blog/watch', signedIn, async (request, reply) => {
    const { blog } = await requireBlogFor(
      db,
      request.actor,
      request.params.blog ?? '',
    );
    const watch = await watchLevelOn(db, me(request).id, { blogId: blog.id });
    return reply.render('activity/views/blog-watch.njk', { blog, watch });
  });

  for (const path of ['/groups/:slug/watch', '/blogs/:blog/watch']) {
    app.post<Params>(path, signedIn, async (request, reply) => {
      let level: WatchLevel | 'none';
      try {
        level = bodyLevel(request);
      } catch (error) {
        if (error instanceof ValidationError) {
          return renderWatchError(request, reply, error.fields ?? {});
        }
        throw error;
      }
      const { back } = await applyLevel(request, level);
      return reply.redirect(back, 303);
    });
  }

  // A level no radio offers (a tampered form) is shown back as the form
  // with its error, as every form answers a value it cannot take.
  async function renderWatchError(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    errors: Readonly<Record<string, string>>,
  ) {
    const personId = me(request).id;
    if (request.params.slug !== undefined) {
      const { group, scope } = await groupScope(request);
      const stream = await listStream(db, request.actor, scope, {});
      const watch = await watchLevelOn(db, personId, { groupId: group.id });
      return reply.render(
        'activity/views/group-activity.njk',
        { group, stream, watch, errors },
        400,
      );
    }
    const { blog } = await requireBlogFor(
      db,
      request.actor,
      request.params.blog ?? '',
    );
    const watch = await watchLevelOn(db, personId, { blogId: blog.id });
    return reply.render(
      'activity/views/blog-watch.njk',
      { blog, watch, errors },
      400,
    );
  }
  for (const path of [
    '/api/v1/groups/:slug/watch',
    '/api/v1/blogs/:blog/watch',
  ]) {
    app.put<Params>(path, signedIn, async (request) => {
      const { level } = await applyLevel(request, bodyLevel(request));
      return { level };
    });
    app.delete<Params>(path, signedIn, async (request) => {
      const { level } = await applyLevel(request, 'none');
      return { level };
    });
  }
};
