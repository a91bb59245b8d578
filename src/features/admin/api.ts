import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { readPageRequest } from '../../platform/pagination.ts';
import { listAudit } from '../audit/audit.ts';
import { deactivateAccount, reactivateAccount } from '../auth/lifecycle.ts';
import { findAccountById } from '../people/accounts.ts';
import { readAuditFilter } from './audit-filter.ts';
import type { AdminOptions } from './plugin.ts';
import { adminActor, administrator } from './plugin.ts';
import { changeRole, isRole } from './roles.ts';

function readId(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) {
    throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
  }
  return Number(value);
}

/**
 * The administrators' API: the audit log, and account lifecycle for
 * programs such as an HR system's scripts.
 */
export const adminApi: FastifyPluginAsync<AdminOptions> = async (
  app,
  { db },
) => {
  app.get('/api/v1/audit', async (request) => {
    const query = request.query as Record<string, unknown>;
    const page = readPageRequest(query, 50);
    const { filter } = readAuditFilter(query);
    return listAudit(db, filter, page);
  });

  async function account(id: number) {
    const found = await findAccountById(db, id);
    if (!found) {
      throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
    }
    return found;
  }

  function accountJson(
    found: NonNullable<Awaited<ReturnType<typeof findAccountById>>>,
  ) {
    return {
      id: found.id,
      name: found.displayName,
      role: found.role,
      status: found.active ? 'active' : 'deactivated',
    };
  }

  for (const action of ['deactivate', 'reactivate'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/admin/people/:id/${action}`,
      async (request) => {
        const admin = administrator(request);
        const id = readId(request.params.id);
        await account(id);
        if (action === 'deactivate' && id === admin.id) {
          throw new ValidationError(
            {},
            'You cannot deactivate your own account',
            409,
          );
        }
        const cause = {
          actor: adminActor(admin),
          via: 'admin API',
          clientAddress: request.ip,
        };
        await db
          .transaction()
          .execute((trx) =>
            action === 'deactivate'
              ? deactivateAccount(trx, id, cause)
              : reactivateAccount(trx, id, cause),
          );
        return accountJson(await account(id));
      },
    );
  }

  app.put<{ Params: { id: string } }>(
    '/api/v1/admin/people/:id/role',
    async (request) => {
      const admin = administrator(request);
      const id = readId(request.params.id);
      await account(id);
      const role = (request.body as Record<string, unknown> | undefined)?.role;
      if (!isRole(role)) {
        throw new ValidationError({
          role: 'role must be admin, member or guest',
        });
      }
      await db
        .transaction()
        .execute((trx) =>
          changeRole(trx, id, role, adminActor(admin), request.ip),
        );
      return accountJson(await account(id));
    },
  );
};
