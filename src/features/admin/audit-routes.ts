import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_ACTIONS,
  listAudit,
} from '../audit/audit.ts';
import { readAuditFilter } from './audit-filter.ts';
import { withSubjectViews } from './audit-subjects.ts';
import type { AdminOptions } from './plugin.ts';

/** The audit log, newest first, with filters. */
export const adminAudit: FastifyPluginAsync<AdminOptions> = async (
  app,
  { db },
) => {
  app.get('/admin/audit', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const common = {
      actionLabels: AUDIT_ACTION_LABELS,
      actionOptions: AUDIT_ACTIONS.map((value) => ({
        value,
        text: AUDIT_ACTION_LABELS[value],
      })),
    };
    let read;
    let page;
    try {
      page = readPageRequest(query, 50);
      read = readAuditFilter(query);
    } catch (error) {
      if (error instanceof ValidationError) {
        return reply.render(
          'admin/views/audit.njk',
          { ...common, values: query, errors: error.fields },
          400,
        );
      }
      throw error;
    }
    const result = await listAudit(db, read.filter, page);
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw new NotFoundError(
        'PAGE_NOT_FOUND',
        'There is no page with that number',
      );
    }
    return reply.render('admin/views/audit.njk', {
      ...common,
      values: read.values,
      result: { ...result, items: await withSubjectViews(db, result.items) },
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
    });
  });
};
