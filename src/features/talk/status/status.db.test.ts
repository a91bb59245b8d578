import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ANONYMOUS } from '../../../access/actor.ts';
import type { Actor, PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { buildAccount } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../../test-support/groups.ts';
import type { Group } from '../../groups/groups.ts';
import { setPersonStatus } from '../../people/accounts.ts';
import type { PersonRole } from '../../people/tables.ts';
import { mentionCandidates } from './mentions.ts';
import { createStatus, deleteStatus, replyToStatus, setLike } from './posts.ts';
import { getStatus, listStatus } from './streams.ts';
import type { StatusFilter } from './streams.ts';

const FIRST_PAGE: PageRequest = { page: 1, pageSize: 25, offset: 0 };

async function person(
  db: Db,
  handle: string,
  role: PersonRole = 'member',
  domain = 'example.gov.uk',
): Promise<PersonActor> {
  const displayName = handle.charAt(0).toUpperCase() + handle.slice(1);
  const { id } = await buildAccount(db, {
    email: `${handle}@${domain}`,
    displayName,
    role,
  });
  return { kind: 'person', id, role, displayName, via: 'session' };
}

function refusal(status: number, code: string) {
  return (error: unknown) =>
    error instanceof AppError && error.status === status && error.code === code;
}

await describeEachDatabase('status posts', (database) => {
  let db: Db;
  let alice: PersonActor;
  let bob: PersonActor;
  let carol: PersonActor;
  let dave: PersonActor;
  let gina: PersonActor;
  let admin: PersonActor;
  let hrPrivate: Group;
  let legal: Group;
  let garden: Group;

  before(async () => {
    db = database().db;
    alice = await person(db, 'alice');
    bob = await person(db, 'bob');
    carol = await person(db, 'carol');
    dave = await person(db, 'dave');
    gina = await person(db, 'gina', 'guest', 'partner.nhs.uk');
    admin = await person(db, 'ada', 'admin');
    hrPrivate = await buildGroup(db, alice.id, {
      slug: 'hr-private',
      name: 'HR-Private',
      visibility: 'secret',
    });
    await addGroupMember(db, hrPrivate, dave.id);
    legal = await buildGroup(db, alice.id, {
      slug: 'legal',
      name: 'Legal',
      visibility: 'closed',
    });
    await addGroupMember(db, legal, bob.id);
    garden = await buildGroup(db, carol.id, { slug: 'garden', name: 'Garden' });
    await addGroupMember(db, garden, gina.id);
    await addGroupMember(db, garden, bob.id);
    await addGroupMember(db, garden, alice.id);
  });

  async function bodies(actor: Actor, filter: StatusFilter = {}) {
    const result = await listStatus(db, actor, filter, FIRST_PAGE);
    return {
      bodies: result.items.map((item) => item.body),
      total: result.total,
    };
  }

  async function mentionedIn(postId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('status_post_mentions')
      .select('person_id')
      .where('post_id', '=', postId)
      .orderBy('person_id')
      .execute();
    return rows.map((row) => row.person_id);
  }

  it('records no mention of bob outside HR-Private, in the post or its replies', async () => {
    const post = await createStatus(
      db,
      alice,
      '@bob performance review moved to Friday',
      hrPrivate.id,
    );
    const first = await replyToStatus(
      db,
      alice,
      post,
      '@bob see the notes, @dave',
    );
    const second = await replyToStatus(db, alice, post, 'And @bob again');

    assert.deepEqual(await mentionedIn(post), []);
    assert.deepEqual(await mentionedIn(first), [dave.id]);
    assert.deepEqual(await mentionedIn(second), []);
    const rows = await db
      .selectFrom('status_post_mentions')
      .select('post_id')
      .where('person_id', '=', bob.id)
      .execute();
    assert.deepEqual(rows, []);
    const shown = await getStatus(db, alice, first);
    assert.equal(
      shown.html,
      '@bob see the notes, ' +
        `<a class="app-status-mention" href="/people/${dave.id}">@dave</a>`,
    );
  });

  it('does not offer bob as a mention in HR-Private', async () => {
    const container = { group: hrPrivate };
    const offered = await mentionCandidates(db, container, '', FIRST_PAGE);
    const bobs = await mentionCandidates(db, container, 'bo', FIRST_PAGE);

    assert.deepEqual(
      offered.items.map((candidate) => candidate.handle),
      ['alice', 'dave'],
    );
    assert.equal(offered.total, 2);
    assert.deepEqual(bobs, { items: [], total: 0 });
  });

  it('offers all staff and its own guests in an open group, and no other guest', async () => {
    const garden2 = await mentionCandidates(
      db,
      { group: garden },
      'g',
      FIRST_PAGE,
    );
    const profile = await mentionCandidates(
      db,
      { group: null },
      'g',
      FIRST_PAGE,
    );

    assert.deepEqual(garden2.items, [
      { id: gina.id, name: 'Gina', handle: 'gina' },
    ]);
    assert.deepEqual(profile.items, []);
  });

  it('neither offers nor records a deactivated person', async () => {
    const leaver = await person(db, 'leaver');
    await addGroupMember(db, hrPrivate, leaver.id);
    await setPersonStatus(db, leaver.id, 'deactivated');

    const post = await createStatus(db, alice, 'Bye @leaver', hrPrivate.id);

    assert.deepEqual(await mentionedIn(post), []);
    for (const group of [hrPrivate, null]) {
      const offered = await mentionCandidates(
        db,
        { group },
        'leav',
        FIRST_PAGE,
      );
      assert.deepEqual(offered, { items: [], total: 0 });
    }
  });

  it('mentions a staff member on a profile and never a guest', async () => {
    const post = await createStatus(db, carol, 'Thanks @gina and @bob', null);

    assert.deepEqual(await mentionedIn(post), [bob.id]);
  });

  it('names nobody by a local part two people share, and one by the whole address', async () => {
    const home = await person(db, 'jo');
    const away = await person(db, 'jo', 'member', 'agency.gov.uk');
    const post = await createStatus(
      db,
      carol,
      '@jo and @jo@agency.gov.uk',
      null,
    );

    assert.deepEqual(await mentionedIn(post), [away.id]);
    const offered = await mentionCandidates(
      db,
      { group: null },
      'jo',
      FIRST_PAGE,
    );
    assert.deepEqual(
      offered.items.map((candidate) => [candidate.id, candidate.handle]),
      [
        [home.id, 'jo@example.gov.uk'],
        [away.id, 'jo@agency.gov.uk'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
  });

  it('keeps a closed group’s post off a non-member’s profile stream', async () => {
    await createStatus(db, bob, 'Settlement draft v2: offer 1.2M', legal.id);
    await createStatus(db, bob, 'Lunch menu', garden.id);

    assert.deepEqual(await bodies(carol, { authorId: bob.id }), {
      bodies: ['Lunch menu'],
      total: 1,
    });
    assert.deepEqual(await bodies(alice, { authorId: bob.id }), {
      bodies: ['Lunch menu', 'Settlement draft v2: offer 1.2M'],
      total: 2,
    });
  });

  it('shows guests and signed-out readers only the groups they may read', async () => {
    const publicReader: Actor = { kind: 'anonymous', publicReading: true };

    const guest = await bodies(gina);
    const everyone = await bodies(publicReader);
    const nobody = await bodies(ANONYMOUS);

    assert.ok(guest.bodies.includes('Lunch menu'));
    assert.ok(!guest.bodies.some((body) => body.startsWith('Thanks @gina')));
    assert.deepEqual(guest, everyone);
    assert.ok(guest.total >= 1);
    assert.deepEqual(nobody, { bodies: [], total: 0 });
    const staff = await bodies(carol);
    assert.ok(staff.bodies.includes('Thanks @gina and @bob'));
    assert.ok(!staff.bodies.includes('Settlement draft v2: offer 1.2M'));
    assert.ok(
      !staff.bodies.includes('@bob performance review moved to Friday'),
    );
  });

  it('lists #Brexit and #brexit under one tag, only where the reader may read', async () => {
    await createStatus(db, alice, 'Talks on #Brexit', garden.id);
    await createStatus(db, alice, 'Minutes #brexit', legal.id);
    await createStatus(db, alice, 'Новости #БРЕКЗИТ', null);
    await createStatus(db, carol, 'Мнение #брекзит', null);

    assert.deepEqual(await bodies(carol, { tagKey: 'brexit' }), {
      bodies: ['Talks on #Brexit'],
      total: 1,
    });
    assert.deepEqual(await bodies(bob, { tagKey: 'brexit' }), {
      bodies: ['Minutes #brexit', 'Talks on #Brexit'],
      total: 2,
    });
    assert.deepEqual(await bodies(gina, { tagKey: 'брекзит' }), {
      bodies: [],
      total: 0,
    });
    assert.deepEqual(await bodies(carol, { tagKey: 'брекзит' }), {
      bodies: ['Мнение #брекзит', 'Новости #БРЕКЗИТ'],
      total: 2,
    });
  });

  it('counts one like per person however often they like', async () => {
    const post = await createStatus(db, carol, 'Likeable', garden.id);

    assert.equal(await setLike(db, gina, post, true), 1);
    assert.equal(await setLike(db, gina, post, true), 1);
    assert.equal(await setLike(db, carol, post, true), 2);
    assert.equal(await setLike(db, gina, post, false), 1);
    assert.equal(await setLike(db, gina, post, false), 1);
    const seen = await getStatus(db, carol, post);
    assert.equal(seen.likeCount, 1);
    assert.equal(seen.liked, true);
    await assert.rejects(
      setLike(db, dave, post, true),
      refusal(403, 'STATUS_FORBIDDEN'),
    );
  });

  it('lets the author or a moderator delete a post and its replies', async () => {
    const post = await createStatus(
      db,
      gina,
      'Doomed #doomed @carol',
      garden.id,
    );
    const reply = await replyToStatus(db, carol, post, 'Reply #doomed');
    await setLike(db, carol, reply, true);

    await assert.rejects(
      deleteStatus(db, bob, post),
      refusal(403, 'STATUS_FORBIDDEN'),
    );
    await deleteStatus(db, carol, post);

    assert.deepEqual(await bodies(carol, { tagKey: 'doomed' }), {
      bodies: [],
      total: 0,
    });
    assert.deepEqual(await bodies(carol, { parentId: post }), {
      bodies: [],
      total: 0,
    });
    assert.ok(!(await bodies(carol)).bodies.includes('Doomed #doomed @carol'));
    await assert.rejects(
      getStatus(db, carol, reply),
      refusal(404, 'STATUS_NOT_FOUND'),
    );
    const left = await db
      .selectFrom('status_posts')
      .select('id')
      .where('id', 'in', [post, reply])
      .execute();
    assert.deepEqual(left, []);
    const audit = await db
      .selectFrom('audit_events')
      .select(['actor_person_id', 'subject_id'])
      .where('action', '=', 'talk.status.deleted')
      .execute();
    assert.deepEqual(audit, [{ actor_person_id: carol.id, subject_id: post }]);
  });

  it('refuses deletion by someone who may read but not moderate', async () => {
    const post = await createStatus(db, carol, 'Mine to keep', null);

    await assert.rejects(
      deleteStatus(db, bob, post),
      refusal(403, 'STATUS_FORBIDDEN'),
    );
    await deleteStatus(db, admin, post);
    await assert.rejects(
      getStatus(db, carol, post),
      refusal(404, 'STATUS_NOT_FOUND'),
    );
  });

  it('lets only members post in a group and only staff on a profile', async () => {
    await assert.rejects(
      createStatus(db, carol, 'Let me in', legal.id),
      refusal(403, 'STATUS_FORBIDDEN'),
    );
    await assert.rejects(
      createStatus(db, gina, 'My profile', null),
      refusal(403, 'STATUS_FORBIDDEN'),
    );
    const post = await createStatus(db, gina, 'From a partner', garden.id);
    assert.equal((await getStatus(db, carol, post)).author.name, 'Gina');
  });
});
