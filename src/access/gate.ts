import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { getSetting } from '../features/admin/settings.ts';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors.ts';
import type { RouteAccess } from '../platform/route-config.ts';
import { can } from './policy.ts';
import { isFeedUrl } from '../platform/error-handling.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The checks every request passes before its route runs:
 *
 * - access: the route's `config.access` says who may reach it, and the
 *   policy decides whether this actor is one of them. Someone signed out
 *   is sent to sign in; someone signed in but not allowed gets 403;
 * - CSRF: a request that changes something must carry the form's token,
 *   unless it is authenticated by an API token (which a browser never
 *   sends on its own, so a forged request cannot use it), or the route
 *   takes no credential a browser sends (SCIM, with its own bearer
 *   tokens: `access: 'credentials'`, or `csrf: false`).
 */
export const accessGate = fp<{ db: Kysely<Database> }>(async (app, { db }) => {
  app.addHook('onRequest', async (request, reply) => {
    const access = accessOf(request);
    if (
      access === 'readers' &&
      request.actor.kind === 'anonymous' &&
      // Read on every request, not kept in memory: the app's processes
      // share the database, and an administrator's change must reach
      // them all at once.
      (await getSetting(db, 'publicReading'))
    ) {
      request.actor = { kind: 'anonymous', publicReading: true };
    }
    if (can(request.actor, { name: 'route.enter', access })) {
      return;
    }
    if (request.actor.kind === 'person') {
      throw refusal(access);
    }
    if (isPageRequest(request) && request.method === 'GET') {
      const returnTo = encodeURIComponent(request.url);
      return reply.redirect(`/sign-in?returnTo=${returnTo}`, 303);
    }
    throw new UnauthenticatedError();
  });

  // Pages and answers meant for one signed-in person are never kept by
  // a browser or a proxy: Back after signing out must not show them.
  app.addHook('onSend', async (request, reply) => {
    if (request.actor?.kind === 'person' && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
  });

  app.addHook('preHandler', (request, reply, done) => {
    const byToken =
      request.actor.kind === 'person' && request.actor.via === 'token';
    const config = request.routeOptions.config;
    const exempt = config.csrf === false || config.access === 'credentials';
    if (!UNSAFE_METHODS.has(request.method) || byToken || exempt) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });
});

/**
 * The route's declared access. Every route has one (the app will not
 * start otherwise); only a request that matches no route has none, and
 * it is treated as staff-only, so a guest or a signed-out visitor cannot
 * probe which addresses exist.
 */
function accessOf(request: FastifyRequest): RouteAccess {
  return request.routeOptions.config.access ?? 'staff';
}

function refusal(access: RouteAccess): ForbiddenError {
  if (access === 'admin') {
    return new ForbiddenError(
      'ADMIN_ONLY',
      'Only site administrators can do that',
    );
  }
  return new ForbiddenError(
    'GUEST_NOT_ALLOWED',
    'As a guest you can see only the groups you have been invited to',
  );
}

// A feed reader cannot follow a sign-in page, so a feed needing sign-in
// answers 401 like the API, rather than redirecting.
function isPageRequest(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && !isFeedUrl(request.url);
}
