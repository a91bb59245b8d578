import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { seedDemoSite } from '../../demo-site.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';

await describeEachDatabase('the demo blogs', (database) => {
  before(async () => {
    await seedDemoSite(database().db, {
      people: 60,
      password: 'a demo password for tests',
      now: '2026-12-04T09:00:00.000Z',
    });
  });

  it('gives a person and a group a published post each, and a draft', async () => {
    const rows = await database()
      .db.selectFrom('blog_posts as p')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .select(['b.kind', 'p.title', 'p.status', 'p.comment_count'])
      .orderBy('p.id')
      .execute();

    assert.deepEqual(
      rows.map((row) => [
        row.kind,
        row.title,
        row.status,
        Number(row.comment_count),
      ]),
      [
        ['person', 'Weeknotes: moving our forms online', 'published', 1],
        ['person', 'What I am reading', 'draft', 0],
        ['group', 'Welcome to our group blog', 'published', 0],
      ],
    );
  });
});
