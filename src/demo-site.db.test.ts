import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { seedDemoSite } from './demo-site.ts';
import { describeEachDatabase } from './test-support/databases.ts';

await describeEachDatabase('the demo site', (database) => {
  before(async () => {
    await seedDemoSite(database().db, {
      people: 60,
      password: 'a demo password for tests',
      now: '2026-12-04T09:00:00.000Z',
    });
  });

  it('opens Talk with three categories and two discussions, one answered', async () => {
    const { db } = database();
    const categories = await db
      .selectFrom('talk_categories')
      .select('slug')
      .orderBy('slug')
      .execute();
    const threads = await db
      .selectFrom('talk_threads')
      .select(['title', 'reply_count'])
      .orderBy('title')
      .execute();

    assert.deepEqual(
      categories.map((row) => row.slug),
      ['announcements', 'ask-the-organisation', 'ways-of-working'],
    );
    assert.deepEqual(
      threads.map((row) => [row.title, Number(row.reply_count)]),
      [
        ['Welcome to CivilMedia', 0],
        ['Who looks after the shared meeting-room booking system?', 1],
      ],
    );
  });

  it('opens the site wiki with a Welcome page by the administrator', async () => {
    const { db } = database();
    const page = await db
      .selectFrom('wiki_pages as p')
      .innerJoin('wiki_revisions as r', 'r.id', 'p.current_revision_id')
      .innerJoin('people as a', 'a.id', 'r.author_id')
      .select(['p.title', 'a.role'])
      .executeTakeFirstOrThrow();

    assert.deepEqual(page, { title: 'Welcome', role: 'admin' });
  });
});
