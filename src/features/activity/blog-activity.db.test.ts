import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { ensurePersonBlog } from '../blogs/blogs.ts';
import { writePost } from '../blogs/service.ts';
import { setWatchLevel } from './follows.ts';
import { fanOut } from './fanout.ts';
import type { FanOut } from './fanout.ts';
import { listStream } from './streams.ts';
import { buildMember } from './testing.ts';

const WRITTEN = '2026-12-01T09:00:00.000Z';
const DUE = '2026-12-02T09:00:00.000Z';

await describeEachDatabase('scheduled blog posts in streams', (database) => {
  it('shows a scheduled post’s event and tells watchers only once it is published', async () => {
    const { db } = database();
    const author = await buildMember(db, 'Ava');
    const reader = await buildMember(db, 'Rob');
    const blog = await ensurePersonBlog(db, author.id, WRITTEN);
    await setWatchLevel(db, reader.id, { blogId: blog.id }, 'watch');

    await writePost(
      db,
      author,
      blog.slug,
      {
        title: 'Quarterly update',
        body: 'Numbers',
        status: 'scheduled',
        audience: 'everyone',
      },
      DUE,
      { clampAudience: false, now: WRITTEN, timeField: 'publishAt' },
    );
    const scope = { personId: author.id };
    const before = await listStream(db, reader, scope, {}, WRITTEN);
    const after = await listStream(db, reader, scope, {}, DUE);
    const job = await db
      .selectFrom('jobs')
      .select(['payload', 'available_at'])
      .where('type', '=', 'activity.fanout')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();

    assert.deepEqual(
      before.items.map((item) => item.summary),
      [],
    );
    assert.deepEqual(
      after.items.map((item) => item.summary),
      ['Ava published “Quarterly update”'],
    );
    assert.equal(new Date(job.available_at).toISOString(), DUE);
    assert.equal(await fanOut(db, JSON.parse(job.payload) as FanOut), 1);
  });
});
