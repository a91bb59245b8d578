import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import { AUDIT_ACTION_LABELS, listAudit, recordAudit } from '../audit/audit.ts';
import { listIdentityLinks } from '../auth/oidc/links.ts';
import { clearAccountLockouts } from '../auth/throttle.ts';
import { deactivateAccount, reactivateAccount } from '../auth/lifecycle.ts';
import { findAccountById, listAccounts } from '../people/accounts.ts';
import type { AccountFilter } from '../people/accounts.ts';
import type { AdminOptions } from './plugin.ts';
import { adminActor, administrator } from './plugin.ts';
import { ROLES, changeRole, isRole } from './roles.ts';

function readId(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) {
    throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
  }
  return Number(value);
}

/** Accounts: find anyone, change their role, deactivate or reactivate them. */
export const adminAccounts: FastifyPluginAsync<AdminOptions> = async (
  app,
  { db },
) => {
  app.get('/admin/people', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const page = readPageRequest(query, 50);
    const filter: AccountFilter = {};
    if (typeof query.q === 'string' && query.q.trim()) {
      filter.text = query.q.trim().slice(0, 100);
    }
    if (isRole(query.role)) {
      filter.role = query.role;
    }
    if (query.status === 'active' || query.status === 'deactivated') {
      filter.status = query.status;
    }
    const result = await listAccounts(db, filter, page.pageSize, page.offset);
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw new NotFoundError(
        'PAGE_NOT_FOUND',
        'There is no page with that number',
      );
    }
    return reply.render('admin/views/people.njk', {
      result,
      values: {
        q: filter.text ?? '',
        role: filter.role ?? '',
        status: filter.status ?? '',
      },
      roles: ROLES,
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
    });
  });

  app.get<{ Params: { id: string } }>(
    '/admin/people/:id',
    async (request, reply) => {
      const id = readId(request.params.id);
      const account = await findAccountById(db, id);
      if (!account) {
        throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
      }
      const identities = await listIdentityLinks(db, id);
      const history = await listAudit(
        db,
        { subjectPersonId: id },
        { page: 1, pageSize: 20, offset: 0 },
      );
      return reply.render('admin/views/person.njk', {
        account,
        roles: ROLES,
        identities,
        history: history.items,
        actionLabels: AUDIT_ACTION_LABELS,
        isSelf: administrator(request).id === id,
        saved: (request.query as Record<string, unknown>).saved,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/people/:id/role',
    async (request, reply) => {
      const admin = administrator(request);
      const id = readId(request.params.id);
      const role = (request.body as Record<string, unknown> | undefined)?.role;
      if (!isRole(role)) {
        throw new ValidationError(
          { role: 'Choose a role' },
          'Choose a role',
          400,
        );
      }
      await db
        .transaction()
        .execute((trx) =>
          changeRole(trx, id, role, adminActor(admin), request.ip),
        );
      return reply.redirect(`/admin/people/${id}?saved=role`, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/people/:id/unlock',
    async (request, reply) => {
      const admin = administrator(request);
      const id = readId(request.params.id);
      const account = await findAccountById(db, id);
      if (!account) {
        throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
      }
      await db.transaction().execute(async (trx) => {
        const cleared = account.email
          ? await clearAccountLockouts(trx, account.email)
          : 0;
        await recordAudit(trx, {
          action: 'account.updated',
          actor: adminActor(admin),
          subject: { type: 'person', id },
          clientAddress: request.ip,
          details: { signInLockoutsCleared: cleared },
        });
      });
      return reply.redirect(`/admin/people/${id}?saved=unlock`, 303);
    },
  );

  for (const action of ['deactivate', 'reactivate'] as const) {
    app.post<{ Params: { id: string } }>(
      `/admin/people/:id/${action}`,
      async (request, reply) => {
        const admin = administrator(request);
        const id = readId(request.params.id);
        if (!(await findAccountById(db, id))) {
          throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
        }
        if (action === 'deactivate' && id === admin.id) {
          throw new ValidationError(
            { account: 'You cannot deactivate your own account' },
            'You cannot deactivate your own account',
            409,
          );
        }
        const cause = {
          actor: adminActor(admin),
          via: 'admin page',
          clientAddress: request.ip,
        };
        await db
          .transaction()
          .execute((trx) =>
            action === 'deactivate'
              ? deactivateAccount(trx, id, cause)
              : reactivateAccount(trx, id, cause),
          );
        return reply.redirect(`/admin/people/${id}?saved=${action}`, 303);
      },
    );
  }
};
