import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import {
  findDepartmentById,
  findDepartmentBySlug,
  findUnit,
  listChildDepartments,
  listDepartments,
  listUnits,
} from './departments.ts';
import type { Department } from './departments.ts';
import { describeFields, listChanges } from './history.ts';
import {
  chartFrom,
  departmentChart,
  getPost,
  juniorTeamsOf,
  listReportingPosts,
  postChain,
  unitChart,
} from './posts.ts';
import { readId } from './routes.ts';

// How many levels of the reporting tree a chart page draws. Deeper posts
// are reached through the post they report to.
const CHART_DEPTH = 4;

/** Departments, units and posts: the organisation as its charts show it. */
export const orgPages: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  async function requireDepartment(slug: string): Promise<Department> {
    const department = await findDepartmentBySlug(db, slug);
    if (!department) {
      throw new NotFoundError('DEPARTMENT_NOT_FOUND', 'Department not found');
    }
    return department;
  }

  const staff = { config: { access: 'staff' } } as const;

  app.get('/people/departments', staff, async (_request, reply) =>
    reply.render('people/views/departments.njk', {
      departments: await listDepartments(db),
    }),
  );

  app.get<{ Params: { slug: string } }>(
    '/people/departments/:slug',
    staff,
    async (request, reply) => {
      const department = await requireDepartment(request.params.slug);
      const [parent, children, units, chart] = await Promise.all([
        department.parentId === null
          ? undefined
          : findDepartmentById(db, department.parentId),
        listChildDepartments(db, department.id),
        listUnits(db, department.id),
        departmentChart(db, department.id, CHART_DEPTH - 1),
      ]);
      return reply.render('people/views/department.njk', {
        department,
        parent,
        children,
        units,
        chart,
      });
    },
  );

  app.get<{ Params: { slug: string; unit: string } }>(
    '/people/departments/:slug/units/:unit',
    staff,
    async (request, reply) => {
      const department = await requireDepartment(request.params.slug);
      const unit = await findUnit(db, department.id, request.params.unit);
      if (!unit) {
        throw new NotFoundError('UNIT_NOT_FOUND', 'Unit not found');
      }
      return reply.render('people/views/unit.njk', {
        department,
        unit,
        chart: await unitChart(db, unit.id, CHART_DEPTH - 1),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/people/posts/:id',
    staff,
    async (request, reply) => {
      const post = await getPost(
        db,
        readId(request.params.id, 'POST_NOT_FOUND'),
      );
      if (!post) {
        throw new NotFoundError('POST_NOT_FOUND', 'Post not found');
      }
      const page = readPageRequest(
        request.query as Record<string, unknown>,
        50,
      );
      const [chain, reports, teams, history] = await Promise.all([
        postChain(db, post.id),
        listReportingPosts(db, post.id, page.pageSize, page.offset),
        juniorTeamsOf(db, post.id),
        listChanges(db, 'post', post.id),
      ]);
      if (page.page > pageCount(reports.total, page.pageSize)) {
        throw new NotFoundError(
          'PAGE_NOT_FOUND',
          'There is no page with that number',
        );
      }
      const chart = await chartFrom(
        db,
        reports.items.map((item) => item.id),
        1,
      );
      return reply.render('people/views/post.njk', {
        post,
        chain: [...chain].reverse(),
        reports,
        chart,
        teams,
        teamFte: teams.reduce((sum, team) => sum + team.fte, 0),
        history: history.map((change) => ({
          ...change,
          described: describeFields(change),
        })),
        pagination: paginationParams(
          page.page,
          reports.total,
          page.pageSize,
          (n) => `/people/posts/${post.id}${n === 1 ? '' : `?page=${n}`}`,
        ),
      });
    },
  );
};
