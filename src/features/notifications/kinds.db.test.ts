import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { fanOut } from '../activity/fanout.ts';
import type { FanOut } from '../activity/fanout.ts';
import { buildMember, reply, startGroupThread } from '../activity/testing.ts';
import { findGroupForReader } from '../groups/groups.ts';
import { dropRequest, requestToJoin } from '../groups/members.ts';
import { approveRequest } from '../groups/requests-api.ts';
import { acceptAnswer } from '../talk/discussions.ts';
import { createStatus, replyToStatus } from '../talk/status/posts.ts';
import { savePage } from '../wiki/editing.ts';
import {
  deletePage,
  renamePage,
  restorePage,
  revertTo,
} from '../wiki/history.ts';
import { spaceFor } from '../wiki/spaces.ts';
import { watchPage } from '../wiki/watches.ts';
import { countUnread, listNotifications } from './service.ts';

// Each kind of notification, made where the product makes it.

const PAGE = { page: 1, pageSize: 25, offset: 0 };

async function kindsOf(db: Db, person: PersonActor) {
  const list = await listNotifications(db, person, PAGE);
  return list.items.map((item) => `${item.kind}: ${item.summary}`);
}

async function runFanOuts(db: Db): Promise<void> {
  const jobs = await db
    .selectFrom('jobs')
    .select(['id', 'payload'])
    .where('type', '=', 'activity.fanout')
    .where('state', '=', 'queued')
    .execute();
  for (const job of jobs) {
    await fanOut(db, JSON.parse(job.payload) as FanOut);
    await db
      .updateTable('jobs')
      .set({ state: 'done' })
      .where('id', '=', job.id)
      .execute();
  }
}

await describeEachDatabase('kinds of notification', (database) => {
  it('tells an answer’s author it was accepted and the asker of the reply', async () => {
    const { db } = database();
    const asker = await buildMember(db, 'Asa');
    const helper = await buildMember(db, 'Hal');
    const group = await buildGroup(db, asker.id);
    await addGroupMember(db, group, helper.id);
    const { threadId } = await startGroupThread(db, asker, group, 'How?', 'x', {
      question: true,
    });
    const answer = await reply(db, helper, threadId, 'Like this');

    await acceptAnswer(db, asker, threadId, answer);

    assert.deepEqual(await kindsOf(db, helper), [
      'accepted_answer: Asa accepted your answer to “How?”',
    ]);
    assert.deepEqual(await kindsOf(db, asker), [
      'reply: Hal replied to “How?”',
    ]);
  });

  it('tells a status post’s author of a reply', async () => {
    const { db } = database();
    const poster = await buildMember(db, 'Pia');
    const other = await buildMember(db, 'Oli');
    const post = await createStatus(db, poster, 'Lunch at noon?', null);

    await replyToStatus(db, other, post, 'Yes please');

    assert.deepEqual(await kindsOf(db, poster), [
      'reply: Oli replied to your post: Yes please',
    ]);
  });

  it('tells a page’s watcher of a change, and the group’s owner of a request to join', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Ola');
    const editor = await buildMember(db, 'Eli');
    const asker = await buildMember(db, 'Ari');
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await addGroupMember(db, group, editor.id);
    const space = await spaceFor(db, owner, group.slug);
    const made = await savePage(db, owner, space, {
      title: 'Rota',
      body: 'Mondays',
      baseRevision: null,
    });
    await watchPage(db, owner.id, made.page);
    const editorSpace = await spaceFor(db, editor, group.slug);

    await savePage(db, editor, editorSpace, {
      title: 'Rota',
      body: 'Tuesdays',
      baseRevision: made.revision.id,
    });
    await runFanOuts(db);
    const found = await findGroupForReader(db, asker, group.slug);
    assert.ok(found);
    await requestToJoin(db, found, asker.id, null);
    await requestToJoin(db, found, asker.id, null);

    assert.deepEqual(await kindsOf(db, owner), [
      `request: Ari asked to join “${group.name}”`,
      'page_changed: Eli changed the page “Rota”',
    ]);
    assert.deepEqual(await kindsOf(db, asker), []);
  });

  it('stops counting a request to join as unread once it is withdrawn or answered', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Oona');
    const admin = await buildMember(db, 'Adam');
    const askers = [
      await buildMember(db, 'Wyn'),
      await buildMember(db, 'Yan'),
      await buildMember(db, 'Zia'),
    ];
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await addGroupMember(db, group, admin.id, 'admin');
    for (const asker of askers) {
      const found = await findGroupForReader(db, asker, group.slug);
      assert.ok(found);
      await requestToJoin(db, found, asker.id, null);
    }
    assert.equal(await countUnread(db, owner), 3);
    assert.equal(await countUnread(db, admin), 3);

    // Wyn withdraws; Yan's request is approved (dropped as the member is
    // added); Zia's still waits.
    assert.equal(await dropRequest(db, group.id, askers[0]?.id ?? 0), true);
    await approveRequest(db, owner, group.slug, askers[1]?.id ?? 0, 'member');

    assert.equal(await countUnread(db, owner), 1);
    assert.equal(await countUnread(db, admin), 1);
    const unread = await listNotifications(db, admin, PAGE);
    assert.deepEqual(
      unread.items
        .filter((item) => item.readAt === null)
        .map((item) => item.summary),
      [`Zia asked to join “${group.name}”`],
    );
    // Dropping what is no longer there changes nothing.
    assert.equal(await dropRequest(db, group.id, askers[0]?.id ?? 0), false);
    assert.equal(await countUnread(db, owner), 1);
  });

  it('tells a page’s watcher of a revert, a move and a restore', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Una');
    const editor = await buildMember(db, 'Vic');
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await addGroupMember(db, group, editor.id, 'admin');
    const space = await spaceFor(db, owner, group.slug);
    const made = await savePage(db, owner, space, {
      title: 'Leave',
      body: 'Ask first',
      baseRevision: null,
    });
    await watchPage(db, owner.id, made.page);
    const editorSpace = await spaceFor(db, editor, group.slug);
    await savePage(db, owner, space, {
      title: 'Leave',
      body: 'Ask your manager',
      baseRevision: made.revision.id,
    });

    await revertTo(db, editor, editorSpace, 'Leave', made.revision.id);
    await renamePage(db, editor, editorSpace, 'Leave', 'Annual leave');
    await deletePage(db, editor, editorSpace, 'Annual leave');
    await restorePage(db, editor, editorSpace, 'Annual leave');
    await runFanOuts(db);

    assert.deepEqual(await kindsOf(db, owner), [
      'page_changed: Vic restored the page “Annual leave”',
      'page_changed: Vic moved the page to “Annual leave”',
      'page_changed: Vic reverted the page “Leave”',
    ]);
  });
});
