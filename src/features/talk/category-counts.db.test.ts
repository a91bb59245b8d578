import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ANONYMOUS } from '../../access/actor.ts';
import type { Actor, PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { deleteGroup, updateGroup } from '../groups/groups.ts';
import type { Group } from '../groups/groups.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { countShownThreads, countThreadTotals } from './category-counts.ts';
import { ensureGroupCategory, ensureSiteCategory } from './categories.ts';
import { seedDemoTalk } from './demo.ts';
import { deletePost, startThread } from './discussions.ts';
import {
  approvePost,
  hideThread,
  moveThread,
  rejectPost,
} from './moderation/actions.ts';
import { setApproval } from './moderation/moderators.ts';
import { placeOf } from './places.ts';
import type { Category } from './places.ts';
import { importStackExchange } from './stackexchange/import.ts';
import { listThreads } from './threads.ts';

// A category's thread counter against a fresh count of its threads,
// after every kind of change that can add a thread to what its readers
// are shown or take one away.

async function person(
  db: Db,
  name: string,
  role: PersonActor['role'] = 'member',
): Promise<PersonActor> {
  const { id } = await buildAccount(db, { displayName: name, role });
  return { kind: 'person', id, role, displayName: name, via: 'token' };
}

const DUMP = `<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" CreationDate="2012-01-01T10:00:00.000" Score="1" Title="First question" Body="&lt;p&gt;One&lt;/p&gt;" Tags="&lt;meta&gt;" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2012-01-01T11:00:00.000" Score="0" Body="&lt;p&gt;An answer&lt;/p&gt;" />
  <row Id="3" PostTypeId="1" CreationDate="2012-01-02T10:00:00.000" Score="2" Title="Second question" Body="&lt;p&gt;Two&lt;/p&gt;" Tags="&lt;meta&gt;" />
</posts>
`;

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

await describeEachDatabase('category thread counters', (database) => {
  it('keeps each category’s counter equal to a fresh count through every change', async () => {
    const { db } = database();
    const admin = await person(db, 'Ada Admin', 'admin');
    const newcomer = await person(db, 'Nia Newcomer');
    const here = await ensureSiteCategory(db, 'count-here', 'Here');
    const there = await ensureSiteCategory(db, 'count-there', 'There');
    const place = (actor: PersonActor, category: Category) =>
      placeOf(db, actor, category);
    const thread = { body: 'Text', isQuestion: false, tags: [] };

    const steps: [string, number, number][] = [];
    async function expect(step: string, inHere: number, inThere: number) {
      const [a, b] = [
        await countShownThreads(db, here.id),
        await countShownThreads(db, there.id),
      ];
      assert.equal(a.counter, a.counted, `${step}: here`);
      assert.equal(b.counter, b.counted, `${step}: there`);
      steps.push([step, a.counter, b.counter]);
      assert.deepEqual(steps.at(-1), [step, inHere, inThere]);
    }
    await expect('empty', 0, 0);

    const one = await startThread(db, admin, await place(admin, here), {
      ...thread,
      title: 'One',
    });
    const two = await startThread(db, admin, await place(admin, here), {
      ...thread,
      title: 'Two',
    });
    await expect('two threads started', 2, 0);

    await setApproval(db, admin, await place(admin, here), true);
    const held = await startThread(db, newcomer, await place(newcomer, here), {
      ...thread,
      title: 'Held',
    });
    await expect('a thread held for approval', 2, 0);
    await approvePost(db, admin, held.postId);
    await expect('the held thread approved', 3, 0);

    const newer = await person(db, 'Nico Newer');
    const rejected = await startThread(db, newer, await place(newer, here), {
      ...thread,
      title: 'Rejected',
    });
    await rejectPost(db, admin, rejected.postId);
    await expect('a held thread rejected', 3, 0);
    const withdrawn = await startThread(db, newer, await place(newer, here), {
      ...thread,
      title: 'Withdrawn',
    });
    await deletePost(db, newer, withdrawn.postId);
    await expect('a held thread withdrawn by its author', 3, 0);

    await hideThread(db, admin, one.threadId, 'Off topic');
    await expect('a thread hidden', 2, 0);
    await hideThread(db, admin, one.threadId, 'Still off topic');
    await expect('a hidden thread hidden again', 2, 0);
    await moveThread(db, admin, one.threadId, there.slug);
    await expect('a hidden thread moved', 2, 0);
    await hideThread(db, admin, one.threadId, null);
    await expect('the moved thread shown again', 2, 1);

    await moveThread(db, admin, two.threadId, there.slug);
    await expect('a shown thread moved', 1, 2);
    await hideThread(db, admin, two.threadId, 'Spam');
    await expect('another thread hidden', 1, 1);
    await deletePost(db, admin, two.postId);
    await expect('a hidden thread deleted', 1, 1);
    await deletePost(db, admin, one.postId);
    await expect('a shown thread deleted', 1, 0);

    await importStackExchange(db, { posts: bytesOf(DUMP) }, 'dump', {
      category: here.slug,
    });
    await expect('two questions imported', 3, 0);
    await importStackExchange(db, { posts: bytesOf(DUMP) }, 'dump', {
      category: here.slug,
    });
    await expect('the same dump imported again', 3, 0);
  });

  it('counts the demo’s discussions, and a category list’s total is its counter', async () => {
    const { db } = database();
    const admin = await person(db, 'Ada Admin', 'admin');
    const first = await person(db, 'Fay First');
    const second = await person(db, 'Sol Second');
    const authors = [admin, first, second].map((p) => ({
      id: p.id,
      name: p.displayName,
    }));
    await seedDemoTalk(db, authors, '2026-03-02T09:00:00.000Z');
    const categories = await db
      .selectFrom('talk_categories')
      .select(['id', 'slug', 'thread_count'])
      .where('slug', 'in', [
        'announcements',
        'ask-the-organisation',
        'ways-of-working',
      ])
      .orderBy('slug')
      .execute();

    const counted = [];
    for (const category of categories) {
      const { counter, counted: fresh } = await countShownThreads(
        db,
        category.id,
      );
      const listed = await listThreads(
        db,
        first,
        { categoryId: category.id },
        { pageSize: 25, offset: 0 },
      );
      counted.push([category.slug, counter, fresh, listed.total]);
    }

    assert.deepEqual(counted, [
      ['announcements', 1, 1, 1],
      ['ask-the-organisation', 1, 1, 1],
      ['ways-of-working', 0, 0, 0],
    ]);
  });

  it('holds the totals by place, and each reader’s latest total, to a fresh count', async () => {
    const { db } = database();
    const admin = await person(db, 'Ada Admin', 'admin');
    const owner = await person(db, 'Oona Owner');
    const staff = await person(db, 'Sam Staff');
    const guest = await person(db, 'Gus Guest', 'guest');
    const readers: [string, Actor][] = [
      ['admin', admin],
      ['owner', owner],
      ['staff', staff],
      ['guest', guest],
      ['public', { kind: 'anonymous', publicReading: true }],
      ['signed out', ANONYMOUS],
    ];
    const by = { personId: admin.id, label: admin.displayName };
    const site = await ensureSiteCategory(db, 'totals-site', 'Site');
    const groups = new Map<string, Group>();
    for (const visibility of ['open', 'closed', 'secret'] as const) {
      const group = await buildGroup(db, owner.id, { visibility });
      await addGroupMember(db, group, guest.id);
      groups.set(visibility, group);
    }
    const group = (visibility: string) => {
      const found = groups.get(visibility);
      assert.ok(found);
      return found;
    };
    async function start(category: Category, title: string) {
      return startThread(db, owner, await placeOf(db, owner, category), {
        title,
        body: 'Text',
        isQuestion: false,
        tags: [],
      });
    }
    // Each step's totals, in the order of `readers`, less those before.
    const steps: [string, number[]][] = [];
    const before: Record<string, number> = {};
    async function expect(step: string, totals: number[]) {
      for (const { place, total, counted } of await countThreadTotals(db)) {
        assert.equal(total, counted, `${step}: ${place}`);
      }
      const seen: number[] = [];
      for (const [name, reader] of readers) {
        const listed = await listThreads(
          db,
          reader,
          {},
          { pageSize: 100, offset: 0 },
        );
        assert.equal(listed.total, listed.items.length, `${step}: ${name}`);
        // Earlier tests leave threads in the site's categories.
        before[name] ??= listed.total;
        seen.push(listed.total - before[name]);
      }
      steps.push([step, seen]);
      assert.deepEqual(steps.at(-1), [step, totals]);
    }
    await expect('nothing yet', [0, 0, 0, 0, 0, 0]);

    await start(site, 'On the site');
    const categories = new Map<string, Category>();
    for (const visibility of ['open', 'closed', 'secret']) {
      const category = await ensureGroupCategory(db, group(visibility));
      categories.set(visibility, category);
      await start(category, `In the ${visibility} group`);
      await start(category, `Again in the ${visibility} group`);
    }
    // Site 1, open 2, closed 2, secret 2; the guest is in every group.
    await expect('a thread in each place', [7, 7, 3, 6, 2, 0]);

    await updateGroup(db, by, group('open'), { visibility: 'closed' });
    await expect('the open group closed', [7, 7, 1, 6, 0, 0]);
    await updateGroup(db, by, group('secret'), { visibility: 'open' });
    await expect('the secret group opened', [7, 7, 3, 6, 2, 0]);
    await updateGroup(db, by, group('secret'), { visibility: 'open' });
    await expect('opened again, which changes nothing', [7, 7, 3, 6, 2, 0]);

    const moved = await start(site, 'Moved into a group');
    const closedCategory = categories.get('closed');
    assert.ok(closedCategory);
    await moveThread(db, admin, moved.threadId, closedCategory.slug);
    await expect('a site thread moved into a closed group', [8, 8, 3, 7, 2, 0]);
    await hideThread(db, admin, moved.threadId, 'Off topic');
    await expect('that thread hidden', [7, 7, 3, 6, 2, 0]);

    await deleteGroup(db, by, group('closed'));
    await expect('a closed group deleted with its threads', [5, 5, 3, 4, 2, 0]);
  });

  it('counts a secret group’s threads to its members and none to others', async () => {
    const { db } = database();
    const owner = await person(db, 'Oona Owner');
    const outsider = await person(db, 'Otto Outsider');
    const group = await buildGroup(db, owner.id, { visibility: 'secret' });
    const category = await ensureGroupCategory(db, group);
    await startThread(db, owner, await placeOf(db, owner, category), {
      title: 'Members only',
      body: 'Text',
      isQuestion: false,
      tags: [],
    });
    const page = { pageSize: 25, offset: 0 };
    const filter = { categoryId: category.id };

    const [member, other] = [
      await listThreads(db, owner, filter, page),
      await listThreads(db, outsider, filter, page),
    ];

    assert.deepEqual(
      [member.total, member.items.length, other.total, other.items.length],
      [1, 1, 0, 0],
    );
  });
});
