import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { ensurePersonBlog } from './blogs.ts';
import { listFeedPosts } from './feeds.ts';
import type { BlogAudience, BlogPostStatus } from './tables.ts';

// Which posts a feed holds at a given instant, on both databases: a
// scheduled post from its instant on, never a draft, and a private post
// for its author alone.

const CREATED = '2025-03-01T09:00:00.000Z';
const DUE = '2025-03-09T20:00:00.000Z';

function staff(id: number): PersonActor {
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: `Person ${id}`,
    via: 'token',
  };
}

async function writePost(
  db: Db,
  blogId: number,
  authorId: number,
  title: string,
  state: {
    status: BlogPostStatus;
    publishAt: string | null;
    audience?: BlogAudience;
    deletedAt?: string;
  },
) {
  const { id } = await db
    .insertInto('blog_posts')
    .values({
      blog_id: blogId,
      slug: title.toLowerCase().replace(/\W+/g, '-'),
      title,
      body: `${title} body`,
      status: state.status,
      audience: state.audience ?? 'everyone',
      publish_at: state.publishAt,
      author_id: authorId,
      author_name: 'Author',
      created_at: CREATED,
      updated_at: CREATED,
      deleted_at: state.deletedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('blog_post_authors')
    .values({ post_id: id, position: 1, person_id: authorId, name: 'Author' })
    .execute();
  return id;
}

await describeEachDatabase('the posts of a blog feed', (database) => {
  it('holds a scheduled post from its instant on, and not a minute before (BUG-22)', async () => {
    const { db } = database();
    const author = await buildPerson(db);
    const reader = await buildPerson(db);
    const blog = await ensurePersonBlog(db, author, CREATED);
    await writePost(db, blog.id, author, 'Quarterly update', {
      status: 'scheduled',
      publishAt: DUE,
    });
    const titlesAt = async (now: string) =>
      (await listFeedPosts(db, staff(reader), { blogId: blog.id }, now)).map(
        (post) => [post.title, new Date(post.publishAt).toISOString()],
      );

    assert.deepEqual(await titlesAt('2025-03-09T19:59:00.000Z'), []);
    assert.deepEqual(await titlesAt(DUE), [['Quarterly update', DUE]]);
    assert.deepEqual(await titlesAt('2025-03-09T20:01:00.000Z'), [
      ['Quarterly update', DUE],
    ]);
  });

  it('never holds a draft or a deleted post, even for their author', async () => {
    const { db } = database();
    const author = await buildPerson(db);
    const blog = await ensurePersonBlog(db, author, CREATED);
    await writePost(db, blog.id, author, 'Draft', {
      status: 'draft',
      publishAt: null,
    });
    await writePost(db, blog.id, author, 'Deleted', {
      status: 'published',
      publishAt: DUE,
      deletedAt: DUE,
    });
    await writePost(db, blog.id, author, 'Kept', {
      status: 'published',
      publishAt: DUE,
    });

    const posts = await listFeedPosts(
      db,
      staff(author),
      { blogId: blog.id },
      '2026-01-01T00:00:00.000Z',
    );

    assert.deepEqual(
      posts.map((post) => post.title),
      ['Kept'],
    );
  });

  it('holds a private post in its author’s feed alone', async () => {
    const { db } = database();
    const author = await buildPerson(db);
    const reader = await buildPerson(db);
    const blog = await ensurePersonBlog(db, author, CREATED);
    await writePost(db, blog.id, author, 'Note to self', {
      status: 'published',
      publishAt: DUE,
      audience: 'private',
    });
    const titlesFor = async (personId: number) =>
      (
        await listFeedPosts(
          db,
          staff(personId),
          { authorId: author },
          '2026-01-01T00:00:00.000Z',
        )
      ).map((post) => post.title);

    assert.deepEqual(await titlesFor(author), ['Note to self']);
    assert.deepEqual(await titlesFor(reader), []);
  });
});
