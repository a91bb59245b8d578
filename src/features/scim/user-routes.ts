import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../../database.ts';
import { USER_MODEL } from './attributes.ts';
import {
  canonicalize,
  isObject,
  project,
  readBody,
  readProjection,
} from './documents.ts';
import type { JsonObject } from './documents.ts';
import {
  noteResource,
  readResourceId,
  scimState,
  sendResource,
} from './context.ts';
import type { ScimOptions } from './context.ts';
import { notFound } from './errors.ts';
import { readListRequest } from './listing.ts';
import { inTransaction, lockUser } from './locks.ts';
import { applyPatch, readOperations } from './patch.ts';
import { SCIM_CONTENT_TYPE, USER_SCHEMA } from './urns.ts';
import { readUserFields } from './user-fields.ts';
import { findUser, listUsers } from './users-query.ts';
import {
  createUser,
  deleteUser,
  replaceUser,
  scimCause,
} from './users-write.ts';
import { checkIfMatch } from './versions.ts';

type WithId = { Params: { id: string } };

/** /Users: people, as RFC 7643 section 4.1 describes Users. */
export const userRoutes: FastifyPluginAsync<ScimOptions> = async (
  app,
  { db, base },
) => {
  const causeOf = (request: FastifyRequest) =>
    scimCause(scimState(request).client, request.ip);

  /** The User the path names; 404 when SCIM cannot see them. */
  async function current(
    request: FastifyRequest<WithId>,
    reader: Db = db,
  ): Promise<{ id: number; user: JsonObject }> {
    const id = readResourceId('User', request.params.id);
    noteResource(request, 'User', id);
    const user = await findUser(reader, id, base);
    if (!user) {
      throw notFound('User', request.params.id);
    }
    return { id, user };
  }

  /**
   * The User about to be changed, read after their row is locked (see
   * locks.ts) and checked against If-Match; else 404 or 412.
   */
  async function currentForChange(
    request: FastifyRequest<WithId>,
    trx: Db,
  ): Promise<{ id: number; user: JsonObject }> {
    await lockUser(trx, readResourceId('User', request.params.id));
    const found = await current(request, trx);
    checkIfMatch(request.headers['if-match'], versionOf(found.user));
    return found;
  }

  app.get('/Users', async (request, reply) => {
    const query = readListRequest(request.query as Record<string, unknown>);
    const list = await listUsers(db, query, base);
    return reply.type(SCIM_CONTENT_TYPE).send(list);
  });

  app.get<WithId>('/Users/:id', async (request, reply) => {
    const projection = readProjection(request.query as Record<string, unknown>);
    const { user } = await current(request);
    return sendResource(reply, user, {
      body: project(user, USER_MODEL, projection),
    });
  });

  app.post('/Users', async (request, reply) => {
    const body = canonicalize(readBody(request.body, USER_SCHEMA), USER_MODEL);
    const fields = readUserFields(body);
    const id = await inTransaction(db, (trx) =>
      createUser(trx, fields, causeOf(request)),
    );
    noteResource(request, 'User', id);
    const user = await findUser(db, id, base);
    return sendResource(reply, user ?? {}, { status: 201 });
  });

  app.put<WithId>('/Users/:id', async (request, reply) => {
    const body = canonicalize(readBody(request.body, USER_SCHEMA), USER_MODEL);
    const fields = readUserFields(body);
    const user = await inTransaction(db, async (trx) => {
      const { id } = await currentForChange(request, trx);
      await replaceUser(trx, id, fields, causeOf(request));
      return findUser(trx, id, base);
    });
    return sendResource(reply, user ?? {});
  });

  app.patch<WithId>('/Users/:id', async (request, reply) => {
    const operations = readOperations(request.body);
    const user = await inTransaction(db, async (trx) => {
      const { id, user: before } = await currentForChange(request, trx);
      const after = settleDisplayName(
        before,
        applyPatch(before, USER_MODEL, operations),
      );
      // Only a PATCH that names active may call on deactivation or
      // reactivation; the rest leave the person as they are.
      if (after.active === before.active) {
        delete after.active;
      }
      const fields = readUserFields(canonicalize(after, USER_MODEL));
      await replaceUser(trx, id, fields, causeOf(request));
      return findUser(trx, id, base);
    });
    return sendResource(reply, user ?? {});
  });

  app.delete<WithId>('/Users/:id', async (request, reply) => {
    await inTransaction(db, async (trx) => {
      const { id } = await currentForChange(request, trx);
      await deleteUser(trx, id, causeOf(request));
    });
    return reply.code(204).send();
  });
};

function versionOf(resource: JsonObject): string {
  const meta = resource.meta as { version: string };
  return meta.version;
}

/**
 * Which name a PATCH means to show. Reading the patched User as a PUT
 * would let the unchanged displayName win over a new given name, so a
 * provider that only sends name parts could never rename anyone: the
 * most specific part the PATCH changed decides instead.
 */
function settleDisplayName(before: JsonObject, after: JsonObject): JsonObject {
  if (after.displayName !== before.displayName) {
    return after;
  }
  const was = isObject(before.name) ? before.name : {};
  const name = isObject(after.name) ? after.name : {};
  if (name.formatted !== was.formatted) {
    delete after.displayName;
  } else if (
    name.givenName !== was.givenName ||
    name.familyName !== was.familyName
  ) {
    delete after.displayName;
    delete name.formatted;
  }
  return after;
}
