import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { ensurePersonBlog } from './blogs.ts';
import { listPosts } from './listing.ts';
import { readLocalSchedule } from './scheduling.ts';
import { openPost, writePost } from './service.ts';

// A scheduled post is published by the read rule, at its instant and
// not before, with `now` passed in as a reader's request would have it.

const PAGE = { page: 1, pageSize: 25, offset: 0 };

await describeEachDatabase('scheduled blog posts', (database) => {
  let author: PersonActor;
  let reader: PersonActor;
  let blog = '';

  before(async () => {
    const { db } = database();
    const person = (id: number, name: string): PersonActor => ({
      kind: 'person',
      id,
      role: 'member',
      displayName: name,
      via: 'session',
    });
    author = person(await buildPerson(db), 'Ann Author');
    reader = person(await buildPerson(db), 'Rob Reader');
    blog = (await ensurePersonBlog(db, author.id)).slug;
  });

  async function schedule(title: string, instant: string) {
    const { db } = database();
    const written = await writePost(
      db,
      author,
      blog,
      { title, body: 'Text', status: 'scheduled', audience: 'everyone' },
      instant,
      { clampAudience: false, now: '2025-03-01T00:00:00.000Z', timeField: 'x' },
    );
    return written.post.slug;
  }

  async function visibleAt(slug: string, now: string) {
    const { db } = database();
    const listed = await listPosts(db, reader, {}, PAGE, now);
    const inList = listed.items.some((post) => post.slug === slug);
    const opened = await openPost(db, reader, blog, slug, now).then(
      () => true,
      () => false,
    );
    assert.equal(inList, opened, 'the list and the post page agree');
    return opened;
  }

  it('publishes 09:00 on 10 March in Auckland at 20:00Z the day before (BUG-22)', async () => {
    const zone = 'Pacific/Auckland';
    const local = readLocalSchedule('2025-03-10', '09:00', zone);
    const slug = await schedule('Quarterly update', local.instant);

    assert.equal(local.instant, '2025-03-09T20:00:00.000Z');
    assert.equal(await visibleAt(slug, '2025-03-09T19:59:00.000Z'), false);
    assert.equal(await visibleAt(slug, '2025-03-09T20:00:00.000Z'), true);
    assert.equal(await visibleAt(slug, '2025-03-09T20:01:00.000Z'), true);
  });

  it('publishes 01:30 on the night the clocks go forward once, at 02:30 BST', async () => {
    const local = readLocalSchedule('2027-03-28', '01:30', 'Europe/London');
    const slug = await schedule('Spring forward', local.instant);

    assert.equal(local.kind, 'skipped');
    assert.equal(await visibleAt(slug, '2027-03-28T01:29:59.999Z'), false);
    assert.equal(await visibleAt(slug, '2027-03-28T01:30:00.000Z'), true);
  });

  it('publishes a repeated 01:30 at the first, and only then', async () => {
    const local = readLocalSchedule('2026-10-25', '01:30', 'Europe/London');
    const slug = await schedule('Fall back', local.instant);
    const moments = [
      '2026-10-25T00:29:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:29:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ];

    const seen = [];
    for (const now of moments) {
      seen.push(await visibleAt(slug, now));
    }

    assert.equal(local.kind, 'repeated');
    // Out at the first 01:30 BST and never back in hiding: it publishes
    // once, not again at the second 01:30 (GMT).
    assert.deepEqual(seen, [false, true, true, true]);
  });

  it('lets the author see the post before its time, in their drafts list', async () => {
    const { db } = database();
    const slug = await schedule('Coming soon', '2030-01-01T09:00:00.000Z');
    const now = '2029-12-31T09:00:00.000Z';
    const { blog: found } = await openPost(db, author, blog, slug, now);

    const drafts = await listPosts(
      db,
      author,
      { blogId: found.id, unpublishedBy: author.id },
      PAGE,
      now,
    );

    assert.deepEqual(
      drafts.items.map((post) => post.slug),
      ['coming-soon'],
    );
  });
});
