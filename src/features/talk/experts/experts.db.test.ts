import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Actor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import {
  buildDepartment,
  buildPerson,
  nextNumber,
} from '../../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../../test-support/groups.ts';
import { ensureGroupCategory, ensureSiteCategory } from '../categories.ts';
import { appendPost } from '../posts.ts';
import { setThreadTags } from '../tags/tags.ts';
import { tagsOfThread } from '../tags/tags.ts';
import { createThread, findThread } from '../threads.ts';
import { peopleWhoMayKnow } from './experts.ts';

// "People who may know" on both databases: who is suggested for a
// question, in which order, with which reasons, and that a reason never
// counts what the viewer may not read.

function staffActor(id: number, name = 'Viewer'): Actor {
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: name,
    via: 'session',
  };
}

await describeEachDatabase('people who may know', (database) => {
  let db: Db;
  let asker: number;
  let viewer: number;
  let insider: number;
  let question: number;
  const ids: Record<string, number> = {};

  /** A thread tagged `tags` whose reply by `answerer` is accepted. */
  async function answered(
    categoryId: number,
    answerer: number,
    tags: string[],
  ): Promise<void> {
    const { threadId } = await createThread(db, {
      categoryId,
      title: `Earlier question ${nextNumber()}`,
      body: 'Text',
      authorId: asker,
      authorName: 'Asker',
      isQuestion: true,
    });
    await setThreadTags(
      db,
      threadId,
      tags.map((tag) => ({ tag, key: tag })),
    );
    const postId = await appendPost(db, threadId, {
      body: 'The answer',
      authorId: answerer,
      authorName: 'Answerer',
    });
    await db
      .updateTable('talk_threads')
      .set({ accepted_post_id: postId })
      .where('id', '=', threadId)
      .execute();
  }

  before(async () => {
    db = database().db;
    const health = await buildDepartment(db, 'Department of Health Tests');
    const transport = await buildDepartment(
      db,
      'Department for Transport Tests',
    );
    const person = (name: string, extra: object = {}) =>
      buildPerson(db, { displayName: name, ...extra });
    asker = await person('Ann Asker', { tags: { skill: ['Kubernetes'] } });
    viewer = await person('Vic Viewer');
    insider = await person('Ida Insider');
    ids.skilled = await person('Sam Skilled', {
      departmentId: transport.id,
      jobTitle: 'Platform engineer',
      tags: { skill: ['Kubernetes'], interest: ['gardening'] },
    });
    ids.interested = await person('Ian Interested', {
      departmentId: health.id,
      tags: { interest: ['kubernetes', 'proxy servers'] },
    });
    ids.answerer = await person('Ali Answerer');
    ids.replier = await person('Rae Replier', {
      tags: { skill: ['Kubernetes'] },
    });
    ids.leaver = await person('Lee Leaver', {
      tags: { skill: ['Kubernetes'] },
    });
    ids.guest = await person('Gil Guest', {
      role: 'guest',
      tags: { skill: ['Kubernetes'] },
    });
    await db
      .updateTable('people')
      .set({ status: 'deactivated', deactivated_at: '2026-12-01T00:00:00Z' })
      .where('id', '=', ids.leaver)
      .execute();

    const site = await ensureSiteCategory(db, `experts-${nextNumber()}`, 'IT');
    const secret = await buildGroup(db, insider, { visibility: 'secret' });
    await addGroupMember(db, secret, ids.answerer);
    const secretCategory = await ensureGroupCategory(db, secret);
    await answered(site.id, ids.answerer, ['networking']);
    await answered(site.id, ids.answerer, ['networking', 'dns']);
    await answered(secretCategory.id, ids.answerer, ['networking']);

    question = (
      await createThread(db, {
        categoryId: site.id,
        title: 'How do I run Kubernetes behind the proxy servers?',
        body: 'Text',
        authorId: asker,
        authorName: 'Ann Asker',
        isQuestion: true,
      })
    ).threadId;
    await setThreadTags(db, question, [
      { tag: 'Networking', key: 'networking' },
    ]);
    await appendPost(db, question, {
      body: 'Have you tried turning it off?',
      authorId: ids.replier,
      authorName: 'Rae Replier',
    });
  });

  async function suggestions(actor: Actor) {
    const thread = await findThread(db, question);
    assert.ok(thread);
    const tags = await tagsOfThread(db, question);
    return peopleWhoMayKnow(db, actor, thread, tags);
  }

  it('ranks people by what matches, each with the reasons in words', async () => {
    const found = await suggestions(staffActor(viewer));

    assert.deepEqual(
      found.map((expert) => [expert.person.name, expert.reasons]),
      [
        ['Ali Answerer', ['2 accepted answers on #Networking']],
        ['Sam Skilled', ['Skill: Kubernetes']],
        ['Ian Interested', ['Interest: kubernetes', 'Interest: proxy servers']],
      ],
    );
    assert.deepEqual(found[1]?.person, {
      id: ids.skilled,
      name: 'Sam Skilled',
      jobTitle: 'Platform engineer',
      department: 'Department for Transport Tests',
    });
  });

  it('ranks a skill above an interest in the same word', async () => {
    const found = await suggestions(staffActor(viewer));
    const names = found.map((expert) => expert.person.name);

    assert.ok(names.indexOf('Sam Skilled') < names.indexOf('Ian Interested'));
    assert.deepEqual(
      found.map((expert) => expert.score),
      [4, 3, 2],
    );
  });

  it('leaves out the asker, those already answering, leavers and guests', async () => {
    const found = await suggestions(staffActor(viewer));
    const shown = new Set(found.map((expert) => expert.person.id));

    for (const left of [asker, ids.replier, ids.leaver, ids.guest]) {
      assert.equal(shown.has(left ?? 0), false, String(left));
    }
  });

  it('counts a secret group’s accepted answer only for a viewer who may read it', async () => {
    const outsider = await suggestions(staffActor(viewer));
    const member = await suggestions(staffActor(insider, 'Ida Insider'));

    assert.deepEqual(outsider[0]?.reasons, [
      '2 accepted answers on #Networking',
    ]);
    assert.deepEqual(member[0]?.reasons, ['3 accepted answers on #Networking']);
  });

  it('suggests nobody to a guest or for a thread that is not a question', async () => {
    const guest: Actor = {
      kind: 'person',
      id: ids.guest ?? 0,
      role: 'guest',
      displayName: 'Gil Guest',
      via: 'session',
    };
    const thread = await findThread(db, question);
    assert.ok(thread);

    assert.deepEqual(await suggestions(guest), []);
    assert.deepEqual(
      await peopleWhoMayKnow(
        db,
        staffActor(viewer),
        { ...thread, isQuestion: false },
        [],
      ),
      [],
    );
  });
});
