import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { Kysely } from 'kysely';
import '../../platform/route-config.ts';
import type { Database } from '../../database.ts';
import { recordAudit } from '../audit/audit.ts';
import { parseJsonBody } from './body.ts';
import { scimState, setScimState } from './context.ts';
import type { ScimOptions } from './context.ts';
import { discoveryRoutes } from './discovery.ts';
import { errorBody, ScimError, toScimError } from './errors.ts';
import { groupRoutes } from './group-routes.ts';
import { findScimClient } from './tokens.ts';
import { SCIM_CONTENT_TYPE } from './urns.ts';
import { userRoutes } from './user-routes.ts';

export const SCIM_PREFIX = '/scim/v2';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * SCIM 2.0 provisioning (RFC 7643 and 7644) at /scim/v2, for identity
 * providers and HR systems. It answers only to SCIM tokens, in SCIM's own
 * JSON and error shapes, whatever goes wrong.
 */
export const scimPlugin: FastifyPluginAsync<{
  db: Kysely<Database>;
  publicUrl: URL;
}> = async (app, { db, publicUrl }) => {
  const base = new URL(`${SCIM_PREFIX}/`, publicUrl);
  await app.register(scimApi, { prefix: SCIM_PREFIX, db, base });
};

const scimApi: FastifyPluginAsync<ScimOptions> = async (app, options) => {
  const { db } = options;

  // Every route here takes SCIM's bearer tokens and nothing else: no
  // session, no personal token and, since no browser sends such a token by
  // itself, no CSRF token either.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'credentials' };
  });

  // SCIM speaks JSON only; a form or plain text is 415, not a syntax error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/scim+json', 'application/json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseJsonBody(String(body)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  app.setErrorHandler((error, request, reply) => {
    const scim = toScimError(error);
    if (scim.status >= 500) {
      request.log.error({ err: error }, 'scim request failed');
    }
    if (scim.status === 401) {
      void reply.header('www-authenticate', 'Bearer realm="SCIM"');
    }
    return reply
      .code(scim.status)
      .type(SCIM_CONTENT_TYPE)
      .send(errorBody(scim));
  });

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    const client = token ? await findScimClient(db, token) : null;
    if (!client) {
      // The path only: a query string can hold a filter naming someone.
      const path = request.url.split('?')[0];
      request.log.warn({ path }, 'scim token refused');
      throw new ScimError(401, 'A valid SCIM bearer token is required');
    }
    setScimState(request, { client, resourceType: null, resourceId: null });
  });

  // Recorded before the answer leaves, so a client that has its answer can
  // rely on the record being there.
  app.addHook('onSend', async (request, reply, payload) => {
    if (CHANGES.has(request.method)) {
      await auditRequest(db, request, reply);
    }
    return payload;
  });

  // Named one by one: `options` also holds the prefix this plugin was
  // given, which the routes inside must not add a second time.
  const routeOptions = { db, base: options.base };
  await app.register(discoveryRoutes, routeOptions);
  await app.register(userRoutes, routeOptions);
  await app.register(groupRoutes, routeOptions);

  const unknown = unknownAddress(app);
  app.all('/', unknown);
  app.all('/*', unknown);
};

/**
 * One audit record per request that asked for a change, whatever its
 * outcome: who asked, what, about which resource, and the status given.
 */
async function auditRequest(
  db: Kysely<Database>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  let state;
  try {
    state = scimState(request);
  } catch {
    return; // refused before its token was checked: nothing was asked
  }
  const person = state.resourceType === 'User' && state.resourceId !== null;
  try {
    await recordAudit(db, {
      action: 'scim.request',
      actor: { personId: null, label: `SCIM client ${state.client.name}` },
      ...(person
        ? { subject: { type: 'person', id: Number(state.resourceId) } }
        : {}),
      clientAddress: request.ip,
      details: {
        method: request.method,
        path: request.url.split('?')[0],
        resourceType: state.resourceType,
        resourceId: state.resourceId,
        status: reply.statusCode,
      },
    });
  } catch (error) {
    request.log.error({ err: error }, 'scim audit record failed');
  }
}

/**
 * Addresses under /scim/v2 that name nothing: 404, or 405 with Allow when
 * the address exists for other methods. The Bulk and /Me endpoints are
 * not implemented, which RFC 7644 says to answer with 501.
 */
function unknownAddress(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (/^\/scim\/v2\/(Bulk|Me)(\/|$)/i.test(path)) {
      throw new ScimError(501, 'Bulk operations and /Me are not supported');
    }
    const allowed = METHODS.filter((method) => {
      const route = app.findRoute({ method, url: path });
      return route !== null && !('*' in route.params);
    });
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      throw new ScimError(405, `This address takes ${allowed.join(', ')} only`);
    }
    throw new ScimError(404, `Nothing is at ${path}`);
  };
}
