import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { canInGroup } from '../../access/groups.ts';
import { isolate } from '../../platform/views.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { BLOGS_CRUMB, readers } from './page-support.ts';
import { blogPath } from './representations.ts';
import { actorId } from './things.ts';

// Where a profile's and a group's "Blog" links lead: to the blog when it
// exists, else to a page saying nothing is written yet. Blogs are made
// on first use, by a POST, so following a link never makes one.

export const blogOwnerPages: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  app.get<{ Params: { personId: string } }>(
    '/blogs/of/people/:personId',
    readers,
    async (request, reply) => {
      const { actor } = request;
      const id = /^[1-9]\d{0,9}$/.test(request.params.personId)
        ? Number(request.params.personId)
        : 0;
      const person = await db
        .selectFrom('people')
        .select(['id', 'display_name'])
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      // Personal blogs are for staff; a guest may see only their own.
      const staff = actor.kind === 'person' && actor.role !== 'guest';
      if (!person || !(staff || actorId(actor) === person.id)) {
        throw new NotFoundError('BLOG_NOT_FOUND', 'There is no such blog');
      }
      const blog = await db
        .selectFrom('blogs')
        .select('slug')
        .where('person_id', '=', person.id)
        .executeTakeFirst();
      if (blog) {
        return reply.redirect(blogPath(blog.slug), 303);
      }
      return reply.render('blogs/views/unwritten.njk', {
        pageTitle: `${isolate(person.display_name)}’s blog`,
        breadcrumbs: [BLOGS_CRUMB],
        name: person.display_name,
        mayStart: actorId(actor) === person.id && staff,
        group: null,
      });
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/blogs/of/groups/:slug',
    readers,
    async (request, reply) => {
      const { actor } = request;
      const group = await db
        .selectFrom('groups as g')
        .leftJoin('group_members as m', (join) =>
          join
            .onRef('m.group_id', '=', 'g.id')
            .on('m.person_id', '=', actorId(actor)),
        )
        .select(['g.id', 'g.slug', 'g.name', 'g.visibility', 'm.role'])
        .where('g.slug', '=', request.params.slug)
        .executeTakeFirst();
      const thing = group && {
        id: group.id,
        visibility: group.visibility,
        role: group.role,
      };
      if (!group || !thing || !canInGroup(actor, 'group.read', thing)) {
        throw new NotFoundError('BLOG_NOT_FOUND', 'There is no such blog');
      }
      const blog = await db
        .selectFrom('blogs')
        .select('slug')
        .where('group_id', '=', group.id)
        .executeTakeFirst();
      if (blog) {
        return reply.redirect(blogPath(blog.slug), 303);
      }
      return reply.render('blogs/views/unwritten.njk', {
        pageTitle: `${isolate(group.name)} blog`,
        breadcrumbs: [BLOGS_CRUMB],
        name: group.name,
        mayStart: canInGroup(actor, 'group.contribute', thing),
        group: group.slug,
      });
    },
  );
};
