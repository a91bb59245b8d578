import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../../database.ts';
import { GROUP_MODEL } from './attributes.ts';
import { noteResource, readResourceId, sendResource } from './context.ts';
import type { ScimOptions } from './context.ts';
import {
  canonicalize,
  leavesOut,
  project,
  readBody,
  readProjection,
} from './documents.ts';
import type { JsonObject } from './documents.ts';
import { notFound } from './errors.ts';
import { readGroupFields } from './group-fields.ts';
import { patchGroup } from './group-patch.ts';
import {
  createGroup,
  deleteGroup,
  findGroup,
  listGroups,
  replaceGroup,
} from './groups-store.ts';
import { readListRequest } from './listing.ts';
import { inTransaction, lockGroup } from './locks.ts';
import { readOperations } from './patch.ts';
import { GROUP_SCHEMA, SCIM_CONTENT_TYPE } from './urns.ts';
import { checkIfMatch } from './versions.ts';

type WithId = { Params: { id: string } };

/** /Groups: the identity provider's directory groups (RFC 7643 4.2). */
export const groupRoutes: FastifyPluginAsync<ScimOptions> = async (
  app,
  { db, base },
) => {
  /** The Group the path names; 404 when there is none. */
  async function current(
    request: FastifyRequest<WithId>,
    reader: Db,
    withMembers: boolean,
  ): Promise<{ id: number; group: JsonObject }> {
    const id = readResourceId('Group', request.params.id);
    noteResource(request, 'Group', id);
    const group = await findGroup(reader, id, base, withMembers);
    if (!group) {
      throw notFound('Group', request.params.id);
    }
    return { id, group };
  }

  /**
   * The Group about to be changed, read after its row is locked (see
   * locks.ts) and checked against If-Match; else 404 or 412.
   */
  async function currentForChange(
    request: FastifyRequest<WithId>,
    trx: Db,
  ): Promise<number> {
    await lockGroup(trx, readResourceId('Group', request.params.id));
    const { id, group } = await current(request, trx, false);
    const meta = group.meta as { version: string };
    checkIfMatch(request.headers['if-match'], meta.version);
    return id;
  }

  app.get('/Groups', async (request, reply) => {
    const query = readListRequest(request.query as Record<string, unknown>);
    const list = await listGroups(db, query, base);
    return reply.type(SCIM_CONTENT_TYPE).send(list);
  });

  app.get<WithId>('/Groups/:id', async (request, reply) => {
    const projection = readProjection(request.query as Record<string, unknown>);
    const withMembers = !leavesOut(projection, 'members');
    const { group } = await current(request, db, withMembers);
    return sendResource(reply, group, {
      body: project(group, GROUP_MODEL, projection),
    });
  });

  app.post('/Groups', async (request, reply) => {
    const body = canonicalize(
      readBody(request.body, GROUP_SCHEMA),
      GROUP_MODEL,
    );
    const fields = readGroupFields(body);
    const id = await inTransaction(db, (trx) => createGroup(trx, fields));
    noteResource(request, 'Group', id);
    const group = await findGroup(db, id, base);
    return sendResource(reply, group ?? {}, { status: 201 });
  });

  app.put<WithId>('/Groups/:id', async (request, reply) => {
    const body = canonicalize(
      readBody(request.body, GROUP_SCHEMA),
      GROUP_MODEL,
    );
    const fields = readGroupFields(body);
    const group = await inTransaction(db, async (trx) => {
      const id = await currentForChange(request, trx);
      await replaceGroup(trx, id, fields);
      return findGroup(trx, id, base);
    });
    return sendResource(reply, group ?? {});
  });

  // Answered with 204 rather than the whole group: RFC 7644 allows either,
  // and a group's member list can run to thousands of people.
  app.patch<WithId>('/Groups/:id', async (request, reply) => {
    const operations = readOperations(request.body);
    const group = await inTransaction(db, async (trx) => {
      const id = await currentForChange(request, trx);
      await patchGroup(trx, id, operations);
      return findGroup(trx, id, base, false);
    });
    const meta = group?.meta as { version?: string } | undefined;
    if (meta?.version) {
      void reply.header('etag', meta.version);
    }
    return reply.code(204).send();
  });

  app.delete<WithId>('/Groups/:id', async (request, reply) => {
    await inTransaction(db, async (trx) => {
      const id = await currentForChange(request, trx);
      await deleteGroup(trx, id);
    });
    return reply.code(204).send();
  });
};
