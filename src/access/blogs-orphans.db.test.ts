import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../database.ts';
import { createSiteBlog, ensureGroupBlog } from '../features/blogs/blogs.ts';
import { ensurePersonBlog } from '../features/blogs/blogs.ts';
import type { PersonRole } from '../features/people/tables.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { buildPerson } from '../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../test-support/groups.ts';
import type { Actor } from './actor.ts';
import { canInBlog, readableBlogPosts } from './blogs.ts';
import type { BlogPostThing, BlogThing } from './blogs.ts';

// An imported private post whose writer matched no person has no author
// to read it; it is its blog's managers' instead, in both forms of the
// rule. A private post that has a person among its authors stays theirs.

const NOW = '2026-12-01T12:00:00.000Z';

interface Post {
  id: number;
  label: string;
  blog: BlogThing;
  authorIds: number[];
}

await describeEachDatabase(
  'a private post without a person author',
  (database) => {
    const people = new Map<string, Actor>();
    const posts: Post[] = [];
    let groupId = 0;

    async function person(name: string, role: PersonRole = 'member') {
      const { db } = database();
      const id = await buildPerson(db, { role, displayName: name });
      people.set(name, {
        kind: 'person',
        id,
        role,
        displayName: name,
        via: 'session',
      });
      return id;
    }

    async function addPost(
      db: Db,
      blogId: number,
      label: string,
      blog: BlogThing,
      writer: number | null,
    ) {
      const row = await db
        .insertInto('blog_posts')
        .values({
          blog_id: blogId,
          slug: label.replaceAll(' ', '-'),
          title: label,
          body: 'Text',
          status: 'published',
          audience: 'private',
          publish_at: NOW,
          author_id: writer,
          author_name: 'Writer',
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('blog_post_authors')
        .values({ post_id: row.id, position: 1, person_id: writer, name: 'W' })
        .execute();
      posts.push({
        id: row.id,
        label,
        blog,
        authorIds: writer ? [writer] : [],
      });
    }

    before(async () => {
      const { db } = database();
      const writer = await person('writer');
      const owner = await person('group owner');
      const groupAdmin = await person('group admin');
      const member = await person('group member');
      await person('staff');
      await person('site administrator', 'admin');
      const blogOwner = await person('personal blog owner');
      const group = await buildGroup(db, owner, { visibility: 'closed' });
      groupId = group.id;
      await addGroupMember(db, group, groupAdmin, 'admin');
      await addGroupMember(db, group, member, 'member');
      await addGroupMember(db, group, writer, 'member');
      const blogs: [string, number, BlogThing][] = [
        [
          'group',
          (await ensureGroupBlog(db, group.id, NOW)).id,
          { kind: 'group', personId: null, group: null },
        ],
        [
          'personal',
          (await ensurePersonBlog(db, blogOwner, NOW)).id,
          { kind: 'person', personId: blogOwner, group: null },
        ],
        [
          'site',
          (
            await createSiteBlog(db, {
              slug: 'news',
              title: 'News',
              description: '',
            })
          ).id,
          { kind: 'site', personId: null, group: null },
        ],
      ];
      for (const [name, id, blog] of blogs) {
        await addPost(db, id, `${name} orphan`, blog, null);
        await addPost(db, id, `${name} written`, blog, writer);
      }
    });

    function thing(actor: Actor, post: Post): BlogPostThing {
      const roles = new Map([
        [people.get('group owner'), 'owner' as const],
        [people.get('group admin'), 'admin' as const],
        [people.get('group member'), 'member' as const],
        [people.get('writer'), 'member' as const],
      ]);
      const group =
        post.blog.kind === 'group'
          ? {
              id: groupId,
              visibility: 'closed' as const,
              role: roles.get(actor) ?? null,
            }
          : null;
      return {
        blog: { ...post.blog, group },
        status: 'published',
        audience: 'private',
        publishAt: NOW,
        deletedAt: null,
        authorIds: post.authorIds,
      };
    }

    async function listed(actor: Actor): Promise<string[]> {
      const { db } = database();
      const rows = await db
        .selectFrom('blog_posts as p')
        .innerJoin('blogs as b', 'b.id', 'p.blog_id')
        .select('p.title')
        .where(readableBlogPosts(db, actor, NOW))
        .where(
          'p.id',
          'in',
          posts.map((post) => post.id),
        )
        .orderBy('p.id')
        .execute();
      return rows.map((row) => row.title);
    }

    const EXPECTED: Record<string, string[]> = {
      writer: ['group written', 'personal written', 'site written'],
      'group owner': ['group orphan'],
      'group admin': ['group orphan'],
      'group member': [],
      staff: [],
      'site administrator': ['group orphan', 'site orphan'],
      'personal blog owner': ['personal orphan'],
    };

    for (const [name, expected] of Object.entries(EXPECTED)) {
      const which = expected.length ? expected.join(', ') : 'none of them';
      it(`lets ${name} read and delete ${which}, in both forms`, async () => {
        const actor = people.get(name);
        assert.ok(actor);
        const read = posts
          .filter((post) =>
            canInBlog(actor, 'post.read', thing(actor, post), NOW),
          )
          .map((post) => post.label);
        const deletable = posts
          .filter((post) =>
            canInBlog(actor, 'post.delete', thing(actor, post), NOW),
          )
          .map((post) => post.label);

        assert.deepEqual(read, expected);
        assert.deepEqual(await listed(actor), expected);
        // A writer of the site blog who is not an administrator may no
        // longer work on their post there, so may not delete it.
        assert.deepEqual(
          deletable,
          name === 'writer' ? ['group written', 'personal written'] : expected,
        );
      });
    }
  },
);
