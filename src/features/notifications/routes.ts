import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import { isFeedUrl } from '../../platform/error-handling.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  pageOf,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import {
  countUnread,
  listNotifications,
  markAllRead,
  markRead,
  newestNotificationId,
} from './service.ts';
import type { DeliverableNotification } from './service.ts';

// Notifications as a page and as API, and the unread count in every
// page's header. Reading them changes nothing; marking them read is a
// POST with the form's CSRF token, like every change.

interface Options {
  db: Kysely<Database>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Unread notifications for the header; set on signed-in page GETs. */
    unreadNotifications?: number;
  }
}

type IdParams = { Params: { id: string } };

function me(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new Error('the route gate lets only signed-in people here');
  }
  return request.actor;
}

function readId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) {
    throw new NotFoundError(
      'NOTIFICATION_NOT_FOUND',
      'There is no such notification',
    );
  }
  return Number(raw);
}

/**
 * The newest notification id a "mark all read" covers: the form sends the
 * newest its page showed; the API may leave it out to mean all of them.
 */
function readUpTo(body: unknown): number | null {
  const raw = (body as Record<string, unknown> | null | undefined)?.upTo;
  if (raw === undefined || raw === null || raw === '') {
    return null;
  }
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > 2147483647 ||
    (typeof raw === 'string' && !/^\d+$/.test(raw))
  ) {
    throw new ValidationError(
      { upTo: 'The newest notification to mark read must be a whole number' },
      'The request is not valid',
      400,
    );
  }
  return value;
}

function notificationJson(notification: DeliverableNotification) {
  return {
    id: notification.id,
    kind: notification.kind,
    summary: notification.summary,
    url: notification.url,
    actorName: notification.actorName,
    createdAt: notification.createdAt,
    read: notification.readAt !== null,
  };
}

/**
 * Counts a signed-in reader's unread notifications before any page is
 * rendered: one query on an index of unread rows, at most 100 counted.
 */
export const unreadCount = fp<Options>(async (app, { db }) => {
  app.addHook('preHandler', async (request) => {
    const page =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      !request.url.startsWith('/assets/') &&
      !isFeedUrl(request.url);
    if (page && request.actor.kind === 'person') {
      request.unreadNotifications = await countUnread(db, request.actor);
    }
  });
});

export const notificationRoutes: FastifyPluginAsync<Options> = async (
  app,
  { db },
) => {
  const signedIn = { config: { access: 'signed-in' } } as const;

  app.get('/notifications', signedIn, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const page = readPageRequest(query);
    const [list, upTo] = await Promise.all([
      listNotifications(db, me(request), page),
      newestNotificationId(db, me(request)),
    ]);
    if (page.page > pageCount(list.total, page.pageSize)) {
      throw new NotFoundError(
        'PAGE_NOT_FOUND',
        'There is no page with that number',
      );
    }
    return reply.render('notifications/views/notifications.njk', {
      notifications: list.items,
      upTo,
      total: list.total,
      pagination: paginationParams(
        page.page,
        list.total,
        page.pageSize,
        (n) => `/notifications?page=${n}`,
      ),
      done: query.done === '1',
    });
  });

  app.post<IdParams>(
    '/notifications/:id/read',
    signedIn,
    async (request, reply) => {
      await db
        .transaction()
        .execute((trx) =>
          markRead(trx, me(request), readId(request.params.id)),
        );
      return reply.redirect('/notifications', 303);
    },
  );

  app.post('/notifications/read', signedIn, async (request, reply) => {
    await markAllRead(db, me(request), readUpTo(request.body));
    return reply.redirect('/notifications?done=1', 303);
  });

  app.get('/api/v1/notifications', signedIn, async (request) => {
    const page = readPageRequest(request.query as Record<string, unknown>);
    const list = await listNotifications(db, me(request), page);
    return pageOf(list, page, notificationJson);
  });

  app.post<IdParams>(
    '/api/v1/notifications/:id/read',
    signedIn,
    async (request) => {
      const id = readId(request.params.id);
      await db.transaction().execute((trx) => markRead(trx, me(request), id));
      return { id, read: true };
    },
  );

  app.post('/api/v1/notifications/read', signedIn, async (request) => {
    const marked = await markAllRead(db, me(request), readUpTo(request.body));
    return { marked };
  });
};
