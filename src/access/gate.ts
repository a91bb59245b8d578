import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import '../platform/route-config.ts';
import { UnauthenticatedError } from '../platform/errors.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The checks every request passes before its route runs:
 *
 * - sign-in: an intranet shows nothing to someone signed out, except the
 *   routes that say `config: { public: true }`;
 * - CSRF: a request that changes something must carry the form's token,
 *   unless it is authenticated by an API token (which a browser never
 *   sends on its own, so a forged request cannot use it), or the route
 *   says `csrf: false` because it takes no credential a browser sends
 *   (SCIM, with its own bearer tokens).
 */
export const accessGate: FastifyPluginAsync = fp(async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public || request.actor.kind === 'person') {
      return;
    }
    if (isPageRequest(request) && request.method === 'GET') {
      const returnTo = encodeURIComponent(request.url);
      return reply.redirect(`/sign-in?returnTo=${returnTo}`, 303);
    }
    throw new UnauthenticatedError();
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
