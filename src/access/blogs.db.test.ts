import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../database.ts';
import { ensureGroupBlog, ensurePersonBlog } from '../features/blogs/blogs.ts';
import { createSiteBlog } from '../features/blogs/blogs.ts';
import type { BlogAudience, BlogPostStatus } from '../features/blogs/tables.ts';
import type { GroupRole, GroupVisibility } from '../features/groups/tables.ts';
import type { PersonRole } from '../features/people/tables.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { buildPerson } from '../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../test-support/groups.ts';
import { ANONYMOUS } from './actor.ts';
import type { Actor } from './actor.ts';
import { canInBlog, readableBlogPosts } from './blogs.ts';
import type { BlogPostThing } from './blogs.ts';

// The blog rule is written twice: canInBlog for one post and
// readableBlogPosts for lists. Every kind of actor reads posts of every
// audience and status in every kind of blog through both forms, which
// must agree; a few exact counts pin the rule itself down.

const NOW = '2026-12-01T12:00:00.000Z';
const VISIBILITIES: readonly GroupVisibility[] = ['open', 'closed', 'secret'];
const AUDIENCES: readonly BlogAudience[] = ['everyone', 'members', 'private'];

/** Each status, with when it publishes relative to NOW. */
const TIMINGS: readonly { status: BlogPostStatus; publishAt: string | null }[] =
  [
    { status: 'draft', publishAt: null },
    { status: 'scheduled', publishAt: '2026-12-01T11:59:00.000Z' },
    { status: 'scheduled', publishAt: '2026-12-01T12:01:00.000Z' },
    { status: 'published', publishAt: '2026-11-30T09:00:00.000Z' },
  ];

interface ActorKind {
  name: string;
  anonymous?: Actor;
  person?: { role: PersonRole; groupRole: GroupRole | null };
  /** Added as the second author of every post. */
  coAuthor?: boolean;
}

const ACTOR_KINDS: readonly ActorKind[] = [
  { name: 'a signed-out visitor', anonymous: ANONYMOUS },
  {
    name: 'a signed-out visitor while the public may read',
    anonymous: { kind: 'anonymous', publicReading: true },
  },
  { name: 'a guest member', person: { role: 'guest', groupRole: 'member' } },
  { name: 'staff in no group', person: { role: 'member', groupRole: null } },
  {
    name: 'a group member',
    person: { role: 'member', groupRole: 'member' },
  },
  { name: 'a group admin', person: { role: 'member', groupRole: 'admin' } },
  { name: 'a group owner', person: { role: 'member', groupRole: 'owner' } },
  {
    name: 'a site administrator',
    person: { role: 'admin', groupRole: 'member' },
  },
  {
    name: 'a co-author of every post',
    person: { role: 'member', groupRole: null },
    coAuthor: true,
  },
];

interface PostRow {
  id: number;
  blogKind: 'person' | 'site' | 'group';
  personId: number | null;
  groupId: number | null;
  visibility: GroupVisibility | null;
  status: BlogPostStatus;
  audience: BlogAudience;
  publishAt: string | null;
}

async function addPosts(db: Db, blogId: number, writer: number) {
  for (const audience of AUDIENCES) {
    for (const [n, timing] of TIMINGS.entries()) {
      const post = await db
        .insertInto('blog_posts')
        .values({
          blog_id: blogId,
          slug: `${audience}-${n}`,
          title: `${audience} ${timing.status}`,
          body: 'Text',
          status: timing.status,
          audience,
          publish_at: timing.publishAt,
          author_id: writer,
          author_name: 'Writer',
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('blog_post_authors')
        .values({ post_id: post.id, position: 1, person_id: writer, name: 'W' })
        .execute();
    }
  }
}

await describeEachDatabase('the blog rule in its two forms', (database) => {
  const actors = new Map<string, Actor>();
  let posts: PostRow[] = [];

  before(async () => {
    const { db } = database();
    const writer = await buildPerson(db);
    const blogIds: number[] = [];
    for (const visibility of VISIBILITIES) {
      const group = await buildGroup(db, writer, { visibility });
      blogIds.push((await ensureGroupBlog(db, group.id, NOW)).id);
    }
    blogIds.push((await ensurePersonBlog(db, writer, NOW)).id);
    blogIds.push(
      (
        await createSiteBlog(db, {
          slug: 'news',
          title: 'News',
          description: '',
        })
      ).id,
    );
    const coAuthors: number[] = [];
    for (const kind of ACTOR_KINDS) {
      if (!kind.person) {
        actors.set(kind.name, kind.anonymous ?? ANONYMOUS);
        continue;
      }
      const { role, groupRole } = kind.person;
      const id = await buildPerson(db, { role, displayName: kind.name });
      actors.set(kind.name, {
        kind: 'person',
        id,
        role,
        displayName: kind.name,
        via: 'session',
      });
      blogIds.push((await ensurePersonBlog(db, id, NOW)).id);
      for (const visibility of groupRole ? VISIBILITIES : []) {
        const group = await buildGroup(db, writer, { visibility });
        await addGroupMember(db, group, id, groupRole ?? undefined);
        blogIds.push((await ensureGroupBlog(db, group.id, NOW)).id);
      }
      if (kind.coAuthor) {
        coAuthors.push(id);
      }
    }
    for (const blogId of blogIds) {
      await addPosts(db, blogId, writer);
    }
    for (const person of coAuthors) {
      await db
        .insertInto('blog_post_authors')
        .columns(['post_id', 'position', 'person_id', 'name'])
        .expression((eb) =>
          eb
            .selectFrom('blog_posts')
            .select((s) => [
              'id',
              s.val(2).as('position'),
              s.val(person).as('person_id'),
              s.val('Co-author').as('name'),
            ]),
        )
        .execute();
    }
    posts = await db
      .selectFrom('blog_posts as p')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .leftJoin('groups as g', 'g.id', 'b.group_id')
      .select([
        'p.id',
        'b.kind as blogKind',
        'b.person_id as personId',
        'b.group_id as groupId',
        'g.visibility',
        'p.status',
        'p.audience',
        'p.publish_at as publishAt',
      ])
      .orderBy('p.id')
      .execute();
  });

  function actorOf(name: string): Actor {
    const actor = actors.get(name);
    assert.ok(actor, `${name} was built`);
    return actor;
  }

  async function readableIds(db: Db, actor: Actor, now = NOW) {
    const rows = await db
      .selectFrom('blog_posts as p')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .select('p.id')
      .where(readableBlogPosts(db, actor, now))
      .orderBy('p.id')
      .execute();
    return rows.map((row) => row.id);
  }

  async function thingsFor(db: Db, actor: Actor): Promise<BlogPostThing[]> {
    const me = actor.kind === 'person' ? actor.id : 0;
    const roles = await db
      .selectFrom('group_members')
      .select(['group_id', 'role'])
      .where('person_id', '=', me)
      .execute();
    // Every post's people, not only the actor: whether a post has any
    // author who is a person is part of the rule.
    const authors = await db
      .selectFrom('blog_post_authors')
      .select(['post_id', 'person_id'])
      .where('person_id', 'is not', null)
      .execute();
    return posts.map((post) => ({
      blog: {
        kind: post.blogKind,
        personId: post.personId,
        group:
          post.groupId === null || post.visibility === null
            ? null
            : {
                id: post.groupId,
                visibility: post.visibility,
                role:
                  roles.find((row) => row.group_id === post.groupId)?.role ??
                  null,
              },
      },
      status: post.status,
      audience: post.audience,
      publishAt: post.publishAt,
      deletedAt: null,
      authorIds: authors
        .filter((row) => row.post_id === post.id)
        .map((row) => row.person_id ?? 0),
    }));
  }

  for (const { name } of ACTOR_KINDS) {
    it(`lists the posts ${name} may read as canInBlog does`, async () => {
      const { db } = database();
      const actor = actorOf(name);
      const things = await thingsFor(db, actor);
      const expected = posts
        .filter((_, n) => canInBlog(actor, 'post.read', things[n]!, NOW))
        .map((post) => post.id);

      assert.deepEqual(await readableIds(db, actor), expected);
    });
  }

  function count(filter: (post: PostRow) => boolean): number {
    return posts.filter(filter).length;
  }

  const due = (post: PostRow) =>
    post.status === 'published' ||
    (post.publishAt !== null && post.publishAt <= NOW);

  it('gives a signed-out visitor no post at all', async () => {
    const { db } = database();

    assert.deepEqual(await readableIds(db, ANONYMOUS), []);
  });

  it('gives the public only due everyone posts outside closed groups', async () => {
    const { db } = database();
    const ids = await readableIds(db, actorOf(ACTOR_KINDS[1]!.name));

    // 6 open groups' blogs, 8 personal blogs and the site blog; two due
    // everyone posts in each.
    assert.equal(ids.length, 30);
    assert.equal(
      count(
        (post) =>
          post.audience === 'everyone' &&
          due(post) &&
          post.visibility !== 'closed' &&
          post.visibility !== 'secret',
      ),
      30,
    );
  });

  it('shows staff no private post, and drafts only in their own blog', async () => {
    const { db } = database();
    const actor = actorOf('staff in no group');
    const ids = new Set(await readableIds(db, actor));
    const shown = posts.filter((post) => ids.has(post.id));
    const own = (post: PostRow) =>
      actor.kind === 'person' && post.personId === actor.id;

    assert.ok(shown.every((post) => post.audience !== 'private'));
    assert.ok(shown.every((post) => due(post) || own(post)));
    // Everyone posts in 6 open groups' blogs; everyone and members posts
    // in 8 personal blogs and the site blog, 2 due of each; and the 4
    // not yet due in their own blog, which they manage.
    assert.equal(shown.length, 6 * 2 + 9 * 2 * 2 + 4);
  });

  it('never shows a site administrator a private post of someone else', async () => {
    const { db } = database();
    const ids = new Set(await readableIds(db, actorOf('a site administrator')));

    assert.equal(
      posts.filter((post) => ids.has(post.id) && post.audience === 'private')
        .length,
      0,
    );
    assert.equal(
      posts.filter((post) => ids.has(post.id) && !due(post)).length,
      // Drafts and not-due posts, everyone and members ones, of the 18
      // group blogs, the site blog and their own blog: 20 × 2 × 2.
      80,
    );
  });

  it('shows a co-author every post they wrote, drafts and private too', async () => {
    const { db } = database();
    const ids = await readableIds(db, actorOf('a co-author of every post'));

    assert.equal(ids.length, posts.length);
  });

  it('publishes a scheduled post at its instant and not a minute before', async () => {
    const { db } = database();
    const actor = actorOf('staff in no group');
    const scheduled = posts.find(
      (post) =>
        post.publishAt === '2026-12-01T12:01:00.000Z' &&
        post.audience === 'everyone' &&
        post.blogKind === 'site',
    );
    assert.ok(scheduled);

    const before = await readableIds(db, actor, '2026-12-01T12:00:59.999Z');
    const at = await readableIds(db, actor, '2026-12-01T12:01:00.000Z');

    assert.equal(before.includes(scheduled.id), false);
    assert.equal(at.includes(scheduled.id), true);
  });
});
