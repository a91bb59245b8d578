import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import type { JsonObject } from './documents.ts';
import { ScimError } from './errors.ts';
import type { ScimClient } from './tokens.ts';
import { SCIM_CONTENT_TYPE } from './urns.ts';
import { isNotModified } from './versions.ts';

/** What every SCIM route is given. */
export interface ScimOptions {
  db: Kysely<Database>;
  /** The absolute address of /scim/v2/, for `location` and `$ref`. */
  base: URL;
}

/** What is known of a SCIM request once its token is checked. */
export interface ScimRequestState {
  client: ScimClient;
  resourceType: 'User' | 'Group' | null;
  /** The resource the request is about, once known (for the audit log). */
  resourceId: string | null;
}

const states = new WeakMap<FastifyRequest, ScimRequestState>();

export function setScimState(
  request: FastifyRequest,
  state: ScimRequestState,
): void {
  states.set(request, state);
}

/** The state of an authenticated SCIM request. */
export function scimState(request: FastifyRequest): ScimRequestState {
  const state = states.get(request);
  if (!state) {
    // The plugin authenticates before any route runs; this cannot happen.
    throw new ScimError(401, 'Authentication is required');
  }
  return state;
}

/** Notes what a request is about, for the audit record of it. */
export function noteResource(
  request: FastifyRequest,
  resourceType: 'User' | 'Group',
  id: string | number,
): void {
  const state = scimState(request);
  state.resourceType = resourceType;
  state.resourceId = String(id);
}

/** Reads a resource id from the path; a malformed one names nothing. */
export function readResourceId(resource: string, raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new ScimError(404, `${resource} ${raw} not found`);
  }
  return Number(raw);
}

/**
 * Sends a resource with its ETag, and its Location when created (201);
 * a GET whose If-None-Match names that ETag is 304 with no body.
 * `body` is the resource cut down as the client asked, if it did.
 */
export function sendResource(
  reply: FastifyReply,
  resource: JsonObject,
  options: { status?: number; body?: JsonObject } = {},
): FastifyReply {
  const status = options.status ?? 200;
  const meta = (resource.meta ?? {}) as { version?: string; location?: string };
  if (meta.version) {
    void reply.header('etag', meta.version);
    const ifNoneMatch = reply.request.headers['if-none-match'];
    if (
      reply.request.method === 'GET' &&
      isNotModified(ifNoneMatch, meta.version)
    ) {
      return reply.code(304).send();
    }
  }
  if (status === 201 && meta.location) {
    void reply.header('location', meta.location);
  }
  return reply
    .code(status)
    .type(SCIM_CONTENT_TYPE)
    .send(options.body ?? resource);
}
