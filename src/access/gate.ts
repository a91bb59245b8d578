import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import '../platform/route-config.ts';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors.ts';
import { can } from './policy.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The checks every request passes before its route runs:
 *
 * - sign-in: an intranet shows nothing to someone signed out, except the
 *   routes that say `config: { public: true }`;
 * - guests: a guest reaches only the routes that say `guests: true`, as the
 *   policy decides;
 * - CSRF: a request that changes something must carry the form's token,
 *   unless it is authenticated by an API token (which a browser never
 *   sends on its own, so a forged request cannot use it), or the route
 *   says `csrf: false` because it takes no credential a browser sends
 *   (SCIM, with its own bearer tokens).
 */
export const accessGate: FastifyPluginAsync = fp(async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config.public) {
      return;
    }
    if (request.actor.kind === 'person') {
      const openToGuests = config.guests === true;
      if (!can(request.actor, { name: 'route.enter', openToGuests })) {
        throw new ForbiddenError(
          'GUEST_NOT_ALLOWED',
          'As a guest you can see only the groups you have been invited to',
        );
      }
      return;
    }
    if (isPageRequest(request) && request.method === 'GET') {
      const returnTo = encodeURIComponent(request.url);
      return reply.redirect(`/sign-in?returnTo=${returnTo}`, 303);
    }
    throw new UnauthenticatedError();
  });

  // Pages and answers meant for one signed-in person are never kept by a
  // browser or a proxy: Back after signing out must not show them again.
  app.addHook('onSend', async (request, reply) => {
    if (request.actor?.kind === 'person' && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
  });

  app.addHook('preHandler', (request, reply, done) => {
    const byToken =
      request.actor.kind === 'person' && request.actor.via === 'token';
    const exempt = request.routeOptions.config.csrf === false;
    if (!UNSAFE_METHODS.has(request.method) || byToken || exempt) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });
});

function isPageRequest(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/');
}
