import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { isAdmin } from '../../access/actor.ts';
import type { Actor } from '../../access/actor.ts';
import { can } from '../../access/policy.ts';
import type { Database } from '../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import {
  findDepartmentById,
  findDepartmentBySlug,
  listChildDepartments,
  listDepartments,
  listUnits,
} from './departments.ts';
import { readDirectoryQuery } from './directory-query.ts';
import { getPersonProfile, withoutStructure } from './people.ts';
import {
  departmentTreeShape,
  getPost,
  getPostSummaries,
  juniorTeamsOf,
  listDepartmentPosts,
  listReportingPosts,
} from './posts.ts';
import { readProfileChanges, saveProfile } from './profiles.ts';
import {
  directoryHitJson,
  personProfileJson,
  postDetailJson,
  postJson,
} from './representations.ts';
import { readablePerson, readId } from './routes.ts';
import { searchDirectory } from './search.ts';

function canSeeRole(actor: Actor, personId: number): boolean {
  return isAdmin(actor) || (actor.kind === 'person' && actor.id === personId);
}

/**
 * The people API under /api/v1, following the conventions of DESIGN.md:
 * lists are `{ items, total, page, pageSize }`, errors
 * `{ error: { code, message, fields? } }`.
 */
export const peopleApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  // The directory and the organisation are for staff. A person's own
  // record is open to guests too: the policy lets a guest read and edit
  // themselves and nobody else.
  const staff = { config: { access: 'staff' } } as const;
  const signedIn = { config: { access: 'signed-in' } } as const;

  app.get('/api/v1/people', staff, async (request) => {
    const query = request.query as Record<string, unknown>;
    const page = readPageRequest(query);
    const read = await readDirectoryQuery(db, query);
    const result = await searchDirectory(db, read.query, page);
    return pageOf(result, page, directoryHitJson);
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/people/:id',
    signedIn,
    async (request) => {
      const person = await readablePerson(db, request.actor, request.params.id);
      const found = await getPersonProfile(db, person.id);
      if (!found) {
        throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
      }
      const profile = can(request.actor, { name: 'directory.read' })
        ? found
        : withoutStructure(found);
      return personProfileJson(profile, canSeeRole(request.actor, profile.id));
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/api/v1/people/:id',
    signedIn,
    async (request) => {
      const person = await readablePerson(db, request.actor, request.params.id);
      if (!can(request.actor, { name: 'person.edit', person })) {
        throw new ForbiddenError(
          'PROFILE_EDIT_FORBIDDEN',
          'Only the person themselves or an administrator can change a profile',
        );
      }
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new ValidationError(
          {},
          'Send a JSON object of the fields to change',
          400,
        );
      }
      const input = body as Record<string, unknown>;
      const changes = await readProfileChanges(
        db,
        request.actor,
        person,
        input,
        true,
      );
      const expected =
        typeof input.updatedAt === 'string' ? input.updatedAt : undefined;
      await db.transaction().execute((trx) =>
        saveProfile(trx, request.actor, person, changes, {
          expectedUpdatedAt: expected,
        }),
      );
      const saved = await getPersonProfile(db, person.id);
      const profile =
        saved && !can(request.actor, { name: 'directory.read' })
          ? withoutStructure(saved)
          : saved;
      return (
        profile &&
        personProfileJson(profile, canSeeRole(request.actor, profile.id))
      );
    },
  );

  app.get('/api/v1/departments', staff, async () => {
    const departments = await listDepartments(db);
    return {
      items: departments.map((department) => ({
        slug: department.slug,
        name: department.name,
        parent: department.parentSlug,
        people: department.people,
        links: { self: `/api/v1/departments/${department.slug}` },
      })),
      total: departments.length,
      page: 1,
      pageSize: departments.length,
    };
  });

  async function requireDepartment(slug: string) {
    const department = await findDepartmentBySlug(db, slug);
    if (!department) {
      throw new NotFoundError('DEPARTMENT_NOT_FOUND', 'Department not found');
    }
    return department;
  }

  app.get<{ Params: { slug: string } }>(
    '/api/v1/departments/:slug',
    staff,
    async (request) => {
      const department = await requireDepartment(request.params.slug);
      const [parent, children, units, shape] = await Promise.all([
        department.parentId === null
          ? undefined
          : findDepartmentById(db, department.parentId),
        listChildDepartments(db, department.id),
        listUnits(db, department.id),
        departmentTreeShape(db, department.id),
      ]);
      const roots = await getPostSummaries(db, shape.rootIds);
      return {
        slug: department.slug,
        name: department.name,
        parent: parent ? { slug: parent.slug, name: parent.name } : null,
        organisations: children.map((child) => ({
          slug: child.slug,
          name: child.name,
        })),
        units: units.map((unit) => ({
          slug: unit.slug,
          name: unit.name,
          posts: unit.posts,
        })),
        reportingTree: { depth: shape.depth, roots: roots.map(postJson) },
        links: {
          html: `/people/departments/${department.slug}`,
          posts: `/api/v1/departments/${department.slug}/posts`,
        },
      };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/departments/:slug/posts',
    staff,
    async (request) => {
      const department = await requireDepartment(request.params.slug);
      const query = request.query as Record<string, unknown>;
      const page = readPageRequest(query);
      const status = query.status ?? 'active';
      if (status !== 'active' && status !== 'ended' && status !== 'all') {
        throw new ValidationError(
          { status: 'status must be active, ended or all' },
          'The list requested is not valid',
          400,
        );
      }
      const result = await listDepartmentPosts(
        db,
        department.id,
        status,
        page.pageSize,
        page.offset,
      );
      return pageOf(result, page, postJson);
    },
  );

  async function requirePost(rawId: string) {
    const post = await getPost(db, readId(rawId, 'POST_NOT_FOUND'));
    if (!post) {
      throw new NotFoundError('POST_NOT_FOUND', 'Post not found');
    }
    return post;
  }

  app.get<{ Params: { id: string } }>(
    '/api/v1/posts/:id',
    staff,
    async (request) => {
      const post = await requirePost(request.params.id);
      const [teams, reports] = await Promise.all([
        juniorTeamsOf(db, post.id),
        listReportingPosts(db, post.id, 0),
      ]);
      return postDetailJson(post, teams, reports.total);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/posts/:id/reports',
    staff,
    async (request) => {
      const post = await requirePost(request.params.id);
      const page = readPageRequest(request.query as Record<string, unknown>);
      const result = await listReportingPosts(
        db,
        post.id,
        page.pageSize,
        page.offset,
      );
      return pageOf(result, page, postJson);
    },
  );
};
