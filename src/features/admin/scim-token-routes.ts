import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  createScimToken,
  listScimTokens,
  revokeScimToken,
} from '../scim/tokens.ts';
import type { AdminOptions } from './plugin.ts';
import { adminActor, administrator } from './plugin.ts';

/** Tokens an identity provider or HR system uses to call /scim/v2. */
export const adminScimTokens: FastifyPluginAsync<AdminOptions> = async (
  app,
  { db, config },
) => {
  const scimUrl = new URL('/scim/v2', config.publicUrl).href;

  app.get('/admin/scim-tokens', async (request, reply) =>
    reply.render('admin/views/scim-tokens.njk', {
      tokens: await listScimTokens(db),
      scimUrl,
      values: {},
      saved: (request.query as Record<string, unknown>).saved === 'revoked',
    }),
  );

  app.post('/admin/scim-tokens', async (request, reply) => {
    const admin = administrator(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const cause = { actor: adminActor(admin), clientAddress: request.ip };
    let created;
    try {
      created = await db
        .transaction()
        .execute((trx) =>
          createScimToken(
            trx,
            typeof body.name === 'string' ? body.name : '',
            cause,
          ),
        );
    } catch (error) {
      if (error instanceof ValidationError) {
        return reply.render(
          'admin/views/scim-tokens.njk',
          {
            tokens: await listScimTokens(db),
            scimUrl,
            values: body,
            errors: error.fields,
          },
          400,
        );
      }
      throw error;
    }
    reply.header('cache-control', 'no-store');
    return reply.render(
      'admin/views/scim-tokens.njk',
      {
        tokens: await listScimTokens(db),
        scimUrl,
        values: {},
        newToken: created,
      },
      201,
    );
  });

  app.post<{ Params: { id: string } }>(
    '/admin/scim-tokens/:id/revoke',
    async (request, reply) => {
      const admin = administrator(request);
      const id = /^\d{1,9}$/.test(request.params.id)
        ? Number(request.params.id)
        : 0;
      const cause = { actor: adminActor(admin), clientAddress: request.ip };
      const revoked = await db
        .transaction()
        .execute((trx) => revokeScimToken(trx, id, cause));
      if (!revoked) {
        throw new NotFoundError('TOKEN_NOT_FOUND', 'Token not found');
      }
      return reply.redirect('/admin/scim-tokens?saved=revoked', 303);
    },
  );
};
