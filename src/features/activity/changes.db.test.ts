import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { ensureSiteCategory } from '../talk/categories.ts';
import { editPost } from '../talk/discussions.ts';
import { moveThread } from '../talk/moderation/actions.ts';
import { listNotifications } from '../notifications/service.ts';
import { ensurePersonBlog } from '../blogs/blogs.ts';
import {
  commentOn,
  editPost as editBlogPost,
  writePost,
} from '../blogs/service.ts';
import { savePage } from '../wiki/editing.ts';
import { renamePage } from '../wiki/history.ts';
import { spaceFor } from '../wiki/spaces.ts';
import type { Db } from '../../database.ts';
import { fanOut } from './fanout.ts';
import type { FanOut } from './fanout.ts';
import { follow } from './follows.ts';
import { listStream } from './streams.ts';
import { buildMember, reply, startGroupThread } from './testing.ts';

const AT = '2026-12-01T09:00:00.000Z';
const LATER = '2026-12-01T09:05:00.000Z';
const PAGE = { page: 1, pageSize: 20, offset: 0 };

async function runFanOuts(db: Db): Promise<void> {
  const jobs = await db
    .selectFrom('jobs')
    .select('payload')
    .where('type', '=', 'activity.fanout')
    .execute();
  for (const job of jobs) {
    await fanOut(db, JSON.parse(job.payload) as FanOut);
  }
}

await describeEachDatabase('activity after a move or a rename', (database) => {
  it('names no secret group in a stream once its thread moved to a site category', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Owen', 'admin');
    const reader = await buildMember(db, 'Rita');
    const secret = await buildGroup(db, owner.id, {
      visibility: 'secret',
      name: 'Spending review 2027',
    });
    await follow(db, reader.id, owner.id);
    const { threadId } = await startGroupThread(
      db,
      owner,
      secret,
      'Budget lines',
      'Opening',
      { now: AT },
    );
    await reply(db, owner, threadId, 'A reply', AT);
    const site = await ensureSiteCategory(db, 'general', 'General', AT);

    await moveThread(db, owner, threadId, site.slug, LATER);

    const home = await listStream(db, reader, { home: reader.id }, {}, LATER);
    assert.deepEqual(
      home.items.map((item) => [item.summary, item.group]),
      [
        ['Owen replied to “Budget lines”', null],
        ['Owen started “Budget lines”', null],
      ],
    );
    const groupStream = await listStream(
      db,
      owner,
      { groupId: secret.id },
      {},
      LATER,
    );
    assert.deepEqual(
      groupStream.items.map((item) => item.verb),
      ['group.created'],
    );
  });

  it('stops placing a thread moved from an open group to a site category in it', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Olga', 'admin');
    const member = await buildMember(db, 'Mo');
    const staff = await buildGroup(db, owner.id, { name: 'All staff' });
    await addGroupMember(db, staff, member.id);
    const { threadId } = await startGroupThread(
      db,
      owner,
      staff,
      'Desk moves',
      'Opening',
      { now: AT },
    );
    const site = await ensureSiteCategory(db, 'estates', 'Estates', AT);

    await moveThread(db, owner, threadId, site.slug, LATER);

    const stream = await listStream(
      db,
      member,
      { personId: owner.id },
      {},
      LATER,
    );
    const started = stream.items.find((item) => item.verb === 'thread.started');
    assert.equal(started?.group, null);
  });

  it('shows a thread’s new title in streams and notifications after a rename', async () => {
    const { db } = database();
    const author = await buildMember(db, 'Ada');
    const other = await buildMember(db, 'Bo');
    const group = await buildGroup(db, author.id);
    await addGroupMember(db, group, other.id);
    const { threadId, postId } = await startGroupThread(
      db,
      author,
      group,
      'Secret codename Falcon',
      'Opening',
      { now: AT },
    );
    await reply(db, other, threadId, `Hi @${author.handle}`, AT);

    await editPost(
      db,
      author,
      postId,
      { title: 'Plans', body: null, tags: null },
      LATER,
    );

    const stream = await listStream(
      db,
      other,
      { groupId: group.id },
      {},
      LATER,
    );
    const summaries = stream.items.map((item) => item.summary);
    assert.deepEqual(summaries.slice(0, 2), [
      'Bo replied to “Plans”',
      'Ada started “Plans”',
    ]);
    const mine = await listNotifications(
      db,
      author,
      { page: 1, pageSize: 20, offset: 0 },
      LATER,
    );
    assert.deepEqual(
      mine.items.map((item) => item.summary),
      ['Bo mentioned you in “Plans”'],
    );
  });

  it('shows a blog post’s new title in streams and a mention, which says mentioned', async () => {
    const { db } = database();
    const author = await buildMember(db, 'Ava');
    const commenter = await buildMember(db, 'Cy');
    const named = await buildMember(db, 'Dee');
    const blog = await ensurePersonBlog(db, author.id, AT);
    const options = {
      clampAudience: false,
      now: AT,
      timeField: 'publishAt',
    } as const;
    const { post } = await writePost(
      db,
      author,
      blog.slug,
      {
        title: 'Old plan',
        body: `Over to @${named.handle}`,
        status: 'published',
        audience: 'everyone',
      },
      null,
      options,
    );
    await commentOn(db, commenter, blog.slug, post.slug, 'Yes', null, AT);
    await runFanOuts(db);

    await editBlogPost(
      db,
      author,
      blog.slug,
      post.slug,
      { title: 'New plan' },
      undefined,
      { ...options, now: LATER },
    );

    const stream = await listStream(
      db,
      named,
      { personId: author.id },
      {},
      LATER,
    );
    const told = async (who: typeof author) =>
      (await listNotifications(db, who, PAGE, LATER)).items.map(
        (item) => item.summary,
      );
    assert.deepEqual(
      stream.items.map((item) => item.summary),
      ['Ava published “New plan”'],
    );
    assert.deepEqual(await told(named), ['Ava mentioned you in “New plan”']);
    assert.deepEqual(await told(author), ['Cy commented on “New plan”']);
  });

  it('shows a moved wiki page’s new title and address in streams', async () => {
    const { db } = database();
    const editor = await buildMember(db, 'Wyn', 'admin');
    const space = await spaceFor(db, editor, 'site');
    await savePage(
      db,
      editor,
      space,
      { title: 'Pear', body: 'Fruit', baseRevision: null },
      AT,
    );

    await renamePage(db, editor, space, 'Pear', 'Pyrus', undefined, LATER);

    const stream = await listStream(
      db,
      editor,
      { personId: editor.id },
      {},
      LATER,
    );
    assert.deepEqual(
      stream.items.map((item) => [item.summary, item.url]),
      [
        ['Wyn moved the page to “Pyrus”', '/wiki/site/Pyrus'],
        ['Wyn created the page “Pyrus”', '/wiki/site/Pyrus'],
      ],
    );
  });
});
