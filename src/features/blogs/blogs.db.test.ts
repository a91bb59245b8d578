import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { buildGroup } from '../../test-support/groups.ts';
import {
  createSiteBlog,
  ensureGroupBlog,
  ensurePersonBlog,
  findBlogBySlug,
} from './blogs.ts';

const NOW = '2026-12-01T09:00:00.000Z';

await describeEachDatabase('blogs', (database) => {
  it("names a person's blog after them, once", async () => {
    const { db } = database();
    const id = await buildPerson(db, { displayName: 'Zoë Ó Briain' });

    const first = await ensurePersonBlog(db, id, NOW);
    const again = await ensurePersonBlog(db, id);

    assert.equal(first.slug, 'zoe-o-briain');
    assert.equal(first.title, 'Zoë Ó Briain');
    assert.equal(first.kind, 'person');
    assert.equal(first.personId, id);
    assert.equal(first.commentPolicy, 'open');
    assert.equal(again.id, first.id);
    assert.deepEqual(await findBlogBySlug(db, 'zoe-o-briain'), first);
  });

  it('numbers the blogs of people who share a name', async () => {
    const { db } = database();
    const slugs = [];
    for (let n = 0; n < 3; n += 1) {
      const id = await buildPerson(db, { displayName: 'Sam Jones' });
      slugs.push((await ensurePersonBlog(db, id, NOW)).slug);
    }

    assert.deepEqual(slugs, ['sam-jones', 'sam-jones-2', 'sam-jones-3']);
  });

  it("gives a group's blog the group's slug, or the next free one", async () => {
    const { db } = database();
    const owner = await buildPerson(db, { displayName: 'Planning' });
    await ensurePersonBlog(db, owner, NOW);
    const group = await buildGroup(db, owner, { slug: 'planning' });
    const other = await buildGroup(db, owner, { slug: 'q-a' });

    const taken = await ensureGroupBlog(db, group.id, NOW);
    const free = await ensureGroupBlog(db, other.id, NOW);

    assert.equal(taken.slug, 'planning-2');
    assert.equal(taken.groupId, group.id);
    assert.equal(taken.title, group.name);
    assert.equal(free.slug, 'q-a');
    assert.equal((await ensureGroupBlog(db, group.id)).id, taken.id);
  });

  it('gives an emoji-only name a slug that is not empty', async () => {
    const { db } = database();
    const id = await buildPerson(db, { displayName: '🎉🎉' });

    assert.equal((await ensurePersonBlog(db, id, NOW)).slug, 'blog');
  });

  it('keeps a site blog under the slug given', async () => {
    const { db } = database();

    const blog = await createSiteBlog(
      db,
      { slug: 'announcements', title: 'Announcements', description: 'News' },
      NOW,
    );

    assert.equal(blog.kind, 'site');
    assert.equal(blog.slug, 'announcements');
    assert.equal(blog.description, 'News');
    assert.equal(blog.createdAt, NOW);
  });
});
