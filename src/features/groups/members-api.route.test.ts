import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  addJoinRequest,
  buildCaller,
  buildGroup,
  callApi,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { setPersonStatus } from '../people/accounts.ts';
import type { Group } from './groups.ts';
import type { GroupRole } from './tables.ts';

await describeEachDatabase('the group members API', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  const caller = (role: 'admin' | 'member' | 'guest' = 'member') =>
    buildCaller(database().db, { role });
  const send = (
    who: ApiCaller,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => callApi(app, who, method, url, payload);

  /** A group with an owner, an admin and a member, each with a token. */
  async function team(visibility: 'open' | 'closed' | 'secret' = 'open') {
    const { db } = database();
    const owner = await caller();
    const admin = await caller();
    const member = await caller();
    const group = await buildGroup(db, owner.id, { visibility });
    await addGroupMember(db, group, admin.id, 'admin');
    await addGroupMember(db, group, member.id, 'member');
    return { group, owner, admin, member, url: `/api/v1/groups/${group.slug}` };
  }

  async function rolesIn(group: Group): Promise<Record<number, GroupRole>> {
    const response = await send(
      await caller('admin'),
      'GET',
      `/api/v1/groups/${group.slug}/members?pageSize=100`,
    );
    const roles: Record<number, GroupRole> = {};
    for (const item of response.json().items) {
      roles[item.personId] = item.role;
    }
    return roles;
  }

  it('lists members owners first, by role, with their details', async () => {
    const { owner, admin, url } = await team();

    const all = await send(owner, 'GET', `${url}/members?pageSize=2`);
    const admins = await send(owner, 'GET', `${url}/members?role=admin`);
    const bad = await send(owner, 'GET', `${url}/members?role=boss`);

    assert.equal(all.statusCode, 200);
    assert.equal(all.json().total, 3);
    assert.equal(all.json().pageSize, 2);
    assert.deepEqual(
      all.json().items.map((item: { role: string }) => item.role),
      ['owner', 'admin'],
    );
    assert.deepEqual(admins.json().items, [
      {
        personId: admin.id,
        name: admins.json().items[0].name,
        jobTitle: null,
        department: null,
        role: 'admin',
        guest: false,
        joinedAt: '2026-12-01T09:00:00.000Z',
        links: { person: `/api/v1/people/${admin.id}` },
      },
    ]);
    assert.match(admins.json().items[0].name, /^Test Person \d+$/);
    assert.equal(admins.json().total, 1);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().error.fields, {
      role: 'Role must be owner, admin or member',
    });
  });

  it('hides a closed group’s members, not the group itself', async () => {
    const { url, member } = await team('closed');
    const stranger = await caller();

    const list = await send(stranger, 'GET', `${url}/members`);
    const group = await send(stranger, 'GET', url);
    const own = await send(member, 'GET', `${url}/members`);

    assert.equal(list.statusCode, 403);
    assert.deepEqual(list.json(), {
      error: {
        code: 'GROUP_FORBIDDEN',
        message: 'Only members of this group can see who is in it',
      },
    });
    assert.equal(group.statusCode, 200);
    assert.equal(group.json().memberCount, 3);
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().total, 3);
  });

  it('hides a secret group’s members behind 404', async () => {
    const { url } = await team('secret');

    const list = await send(await caller(), 'GET', `${url}/members`);

    assert.equal(list.statusCode, 404);
    assert.equal(list.json().error.code, 'GROUP_NOT_FOUND');
  });

  it('joins an open group at once with 201', async () => {
    const { url } = await team('open');
    const joiner = await caller();

    const joined = await send(joiner, 'POST', `${url}/members`);
    const again = await send(joiner, 'POST', `${url}/members`);
    const group = await send(joiner, 'GET', url);

    assert.equal(joined.statusCode, 201);
    assert.equal(joined.json().status, 'joined');
    assert.equal(joined.json().member.personId, joiner.id);
    assert.equal(joined.json().member.role, 'member');
    assert.equal(again.statusCode, 409);
    assert.deepEqual(again.json().error, {
      code: 'ALREADY_MEMBER',
      message: 'You are already a member of this group',
    });
    assert.equal(group.json().membership, 'member');
    assert.equal(group.json().memberCount, 4);
  });

  it('records a request to join a closed group and answers 202', async () => {
    const { url, owner } = await team('closed');
    const asker = await caller();

    const asked = await send(asker, 'POST', `${url}/members`, {
      message: 'I run the regional survey',
    });
    const again = await send(asker, 'POST', `${url}/members`);
    const group = await send(asker, 'GET', url);
    const requests = await send(owner, 'GET', `${url}/requests`);

    assert.equal(asked.statusCode, 202);
    assert.deepEqual(asked.json(), { status: 'requested' });
    assert.equal(again.statusCode, 202);
    assert.equal(group.json().membership, null);
    assert.equal(group.json().requested, true);
    assert.equal(group.json().memberCount, 3);
    assert.equal(requests.json().total, 1);
    assert.equal(requests.json().items[0].personId, asker.id);
    assert.equal(
      requests.json().items[0].message,
      'I run the regional survey',
      'the first request is kept',
    );
  });

  it('lets nobody join a secret group uninvited', async () => {
    const { url } = await team('secret');

    const stranger = await send(await caller(), 'POST', `${url}/members`);
    const siteAdmin = await send(
      await caller('admin'),
      'POST',
      `${url}/members`,
    );
    const asAdmin = await send(await caller(), 'POST', `${url}/members`, {
      role: 'admin',
    });

    assert.equal(stranger.statusCode, 404);
    assert.equal(siteAdmin.statusCode, 403);
    assert.deepEqual(siteAdmin.json().error, {
      code: 'GROUP_FORBIDDEN',
      message: 'People join a secret group only when they are invited',
    });
    assert.equal(asAdmin.statusCode, 422);
    assert.deepEqual(asAdmin.json().error.fields, {
      role: 'You join a group as a member; an owner can change your role',
    });
  });

  it('adds only someone who asked; others need an invitation', async () => {
    const { db } = database();
    const { group, admin, url } = await team('closed');
    const stranger = await caller();
    const asker = await caller();
    await addJoinRequest(db, group, asker.id);

    const uninvited = await send(admin, 'POST', `${url}/members`, {
      personId: stranger.id,
    });
    const approved = await send(admin, 'POST', `${url}/members`, {
      personId: asker.id,
      role: 'admin',
    });
    const twice = await send(admin, 'POST', `${url}/members`, {
      personId: asker.id,
    });

    assert.equal(uninvited.statusCode, 422);
    assert.deepEqual(uninvited.json().error, {
      code: 'INVITATION_REQUIRED',
      message:
        'That person has not asked to join. Invite them instead: ' +
        'nobody is added to a group without their consent',
      fields: { personId: 'Invite this person; they have not asked to join' },
    });
    assert.equal(approved.statusCode, 201);
    assert.equal(approved.json().member.role, 'admin');
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().error.code, 'ALREADY_MEMBER');
    const roles = await rolesIn(group);
    assert.equal(roles[stranger.id], undefined);
    assert.equal(roles[asker.id], 'admin');
  });

  it('refuses unknown, deactivated or badly typed person ids', async () => {
    const { db } = database();
    const { group, admin, member, url } = await team('closed');
    const leaver = await caller();
    await addJoinRequest(db, group, leaver.id);
    await setPersonStatus(db, leaver.id, 'deactivated');
    const post = (who: ApiCaller, body: object) =>
      send(who, 'POST', `${url}/members`, body);

    const nobody = await post(admin, { personId: 2_000_000_000 });
    const deactivated = await post(admin, { personId: leaver.id });
    const types = await post(admin, { personId: '12', role: 'owner' });
    const byMember = await post(member, { personId: leaver.id });

    for (const response of [nobody, deactivated]) {
      assert.equal(response.statusCode, 404);
      assert.deepEqual(response.json().error, {
        code: 'PERSON_NOT_FOUND',
        message: 'There is no such person',
      });
    }
    assert.equal(types.statusCode, 422);
    assert.deepEqual(types.json().error.fields, {
      personId: 'personId must be a whole number',
      role: 'Role must be member or admin',
    });
    assert.equal(byMember.statusCode, 403);
    assert.equal(byMember.json().error.code, 'GROUP_FORBIDDEN');
  });

  it('changes roles for owners only, never the last owner', async () => {
    const { group, owner, admin, member, url } = await team();
    const patch = (who: ApiCaller, personId: number | string, body: object) =>
      send(who, 'PATCH', `${url}/members/${personId}`, body);

    const byAdmin = await patch(admin, member.id, { role: 'admin' });
    const promoted = await patch(owner, member.id, { role: 'admin' });
    const lastOwner = await patch(owner, owner.id, { role: 'member' });
    const badRole = await patch(owner, member.id, { role: 'king' });
    const stranger = await patch(owner, (await caller()).id, {
      role: 'admin',
    });
    const noPerson = await patch(owner, 'abc', { role: 'admin' });

    assert.equal(byAdmin.statusCode, 403);
    assert.equal(
      byAdmin.json().error.message,
      'Only the group’s owners can do that',
    );
    assert.equal(promoted.statusCode, 200);
    assert.equal(promoted.json().personId, member.id);
    assert.equal(promoted.json().role, 'admin');
    assert.equal(lastOwner.statusCode, 409);
    assert.deepEqual(lastOwner.json().error, {
      code: 'LAST_OWNER',
      message:
        'A group must always have an owner. Make someone else an owner first.',
    });
    assert.equal(badRole.statusCode, 422);
    assert.deepEqual(badRole.json().error.fields, {
      role: 'Role must be owner, admin or member',
    });
    assert.equal(stranger.statusCode, 404);
    assert.equal(stranger.json().error.code, 'MEMBER_NOT_FOUND');
    assert.equal(noPerson.statusCode, 404);
    assert.equal(noPerson.json().error.code, 'PERSON_NOT_FOUND');
    assert.deepEqual(await rolesIn(group), {
      [owner.id]: 'owner',
      [admin.id]: 'admin',
      [member.id]: 'admin',
    });
  });

  it('keeps a guest a plain member: no admin or owner role, no hand-over', async () => {
    const { group, owner, url } = await team();
    const guest = await caller('guest');
    await addGroupMember(database().db, group, guest.id, 'member');
    const refusal = {
      code: 'GUEST_ROLE',
      message:
        'A guest can only be a member of a group: running a group is for staff',
    };

    const toAdmin = await send(owner, 'PATCH', `${url}/members/${guest.id}`, {
      role: 'admin',
    });
    const toOwner = await send(owner, 'PATCH', `${url}/members/${guest.id}`, {
      role: 'owner',
    });
    const handed = await send(owner, 'POST', `${url}/owner-transfer`, {
      personId: guest.id,
    });

    assert.equal(toAdmin.statusCode, 409);
    assert.deepEqual(toAdmin.json().error, refusal);
    assert.equal(toOwner.statusCode, 409);
    assert.deepEqual(toOwner.json().error, refusal);
    assert.equal(handed.statusCode, 409);
    assert.deepEqual(handed.json().error, refusal);
    const roles = await rolesIn(group);
    assert.equal(roles[guest.id], 'member');
    assert.equal(roles[owner.id], 'owner');
  });

  it('lets only owners remove an admin, as the members page does', async () => {
    const { group, owner, admin, url } = await team();
    const otherAdmin = await caller();
    await addGroupMember(database().db, group, otherAdmin.id, 'admin');

    const byAdmin = await send(
      admin,
      'DELETE',
      `${url}/members/${otherAdmin.id}`,
    );
    const byOwner = await send(
      owner,
      'DELETE',
      `${url}/members/${otherAdmin.id}`,
    );

    assert.equal(byAdmin.statusCode, 403);
    assert.deepEqual(byAdmin.json().error, {
      code: 'GROUP_FORBIDDEN',
      message: 'Only the group’s owners can remove an owner or an admin',
    });
    assert.equal(byOwner.statusCode, 204);
    assert.equal((await rolesIn(group))[otherAdmin.id], undefined);
  });

  it('lets an owner step down once someone else is an owner', async () => {
    const { group, owner, admin, url } = await team();

    await send(owner, 'PATCH', `${url}/members/${admin.id}`, {
      role: 'owner',
    });
    const stepped = await send(owner, 'PATCH', `${url}/members/${owner.id}`, {
      role: 'member',
    });

    assert.equal(stepped.statusCode, 200);
    assert.equal(stepped.json().role, 'member');
    assert.equal((await rolesIn(group))[admin.id], 'owner');
  });

  it('counts only active people in a group’s member count', async () => {
    const { db } = database();
    const { group, owner, member, url } = await team();
    await setPersonStatus(db, member.id, 'deactivated');

    const shown = await send(owner, 'GET', url);
    const listed = await send(owner, 'GET', `${url}/members`);
    const inDirectory = await send(owner, 'GET', '/api/v1/groups?pageSize=100');
    const members = await send(owner, 'GET', `${url}/members?role=member`);
    const owners = await send(owner, 'GET', `${url}/members?role=owner`);

    assert.equal(listed.json().total, 2);
    assert.equal(members.json().total, 0);
    assert.deepEqual(members.json().items, []);
    assert.equal(owners.json().total, 1);
    assert.equal(shown.json().memberCount, 2);
    const entry = inDirectory
      .json()
      .items.find((item: { id: number }) => item.id === group.id);
    assert.equal(entry.memberCount, 2);
  });

  it('ignores a deactivated owner when counting owners left', async () => {
    const { db } = database();
    const { group, owner, url } = await team();
    const gone = await caller();
    await addGroupMember(db, group, gone.id, 'owner');
    await setPersonStatus(db, gone.id, 'deactivated');

    const leaving = await send(owner, 'DELETE', `${url}/members/${owner.id}`);

    assert.equal(leaving.statusCode, 409);
    assert.equal(leaving.json().error.code, 'LAST_OWNER');
  });

  it('removes members; admins spare owners; the last owner stays', async () => {
    const { group, owner, admin, member, url } = await team();
    const other = await caller();
    await addGroupMember(database().db, group, other.id);
    const remove = (who: ApiCaller, personId: number) =>
      send(who, 'DELETE', `${url}/members/${personId}`);

    const ownerByAdmin = await remove(admin, owner.id);
    const otherByMember = await remove(member, other.id);
    const otherByAdmin = await remove(admin, other.id);
    const notMember = await remove(admin, other.id);
    const left = await remove(member, member.id);
    const lastOwner = await remove(owner, owner.id);

    assert.equal(ownerByAdmin.statusCode, 403);
    assert.deepEqual(ownerByAdmin.json().error, {
      code: 'GROUP_FORBIDDEN',
      message: 'Only the group’s owners can remove an owner or an admin',
    });
    assert.equal(otherByMember.statusCode, 403);
    assert.equal(otherByAdmin.statusCode, 204);
    assert.equal(otherByAdmin.body, '');
    assert.equal(notMember.statusCode, 404);
    assert.equal(notMember.json().error.code, 'MEMBER_NOT_FOUND');
    assert.equal(left.statusCode, 204);
    assert.equal(lastOwner.statusCode, 409);
    assert.equal(lastOwner.json().error.code, 'LAST_OWNER');
    assert.deepEqual(await rolesIn(group), {
      [owner.id]: 'owner',
      [admin.id]: 'admin',
    });
    const shown = await send(owner, 'GET', url);
    assert.equal(shown.json().memberCount, 2);
  });

  it('hands ownership to a member; the old owner is an admin', async () => {
    const { group, owner, admin, member, url } = await team();
    const stranger = await caller();
    const transfer = (who: ApiCaller, body: object) =>
      send(who, 'POST', `${url}/owner-transfer`, body);

    const byAdmin = await transfer(admin, { personId: member.id });
    const toStranger = await transfer(owner, { personId: stranger.id });
    const noTarget = await transfer(owner, {});
    const handed = await transfer(owner, { personId: member.id });

    assert.equal(byAdmin.statusCode, 403);
    assert.equal(toStranger.statusCode, 422);
    assert.deepEqual(toStranger.json().error.fields, {
      personId: 'Ownership can only go to a member of the group',
    });
    assert.equal(noTarget.statusCode, 422);
    assert.deepEqual(noTarget.json().error.fields, {
      personId: 'Choose the member to hand ownership to, by their personId',
    });
    assert.equal(handed.statusCode, 200);
    assert.equal(handed.json().personId, member.id);
    assert.equal(handed.json().role, 'owner');
    assert.deepEqual(await rolesIn(group), {
      [owner.id]: 'admin',
      [admin.id]: 'admin',
      [member.id]: 'owner',
    });
  });

  it('lets managers alone list, approve and decline requests', async () => {
    const { db } = database();
    const { group, admin, member, url } = await team('closed');
    const first = await caller();
    const second = await caller();
    await addJoinRequest(db, group, first.id, 'Please');
    await addJoinRequest(db, group, second.id);

    const byMember = await send(member, 'GET', `${url}/requests`);
    const listed = await send(admin, 'GET', `${url}/requests`);
    const approved = await send(
      admin,
      'POST',
      `${url}/requests/${first.id}/approve`,
    );
    const approvedAgain = await send(
      admin,
      'POST',
      `${url}/requests/${first.id}/approve`,
    );
    const neverAsked = await send(
      admin,
      'POST',
      `${url}/requests/${(await caller()).id}/approve`,
    );
    const declinedByMember = await send(
      member,
      'POST',
      `${url}/requests/${second.id}/decline`,
    );
    const declined = await send(
      admin,
      'POST',
      `${url}/requests/${second.id}/decline`,
    );

    assert.equal(byMember.statusCode, 403);
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json(), {
      items: [
        {
          personId: first.id,
          name: listed.json().items[0].name,
          jobTitle: null,
          department: null,
          message: 'Please',
          createdAt: '2026-12-01T09:00:00.000Z',
          links: { person: `/api/v1/people/${first.id}` },
        },
        {
          personId: second.id,
          name: listed.json().items[1].name,
          jobTitle: null,
          department: null,
          message: null,
          createdAt: '2026-12-01T09:00:00.000Z',
          links: { person: `/api/v1/people/${second.id}` },
        },
      ],
      total: 2,
      page: 1,
      pageSize: 25,
    });
    assert.equal(approved.statusCode, 200);
    assert.equal(approved.json().role, 'member');
    assert.equal(approvedAgain.statusCode, 409);
    assert.equal(approvedAgain.json().error.code, 'ALREADY_MEMBER');
    assert.equal(neverAsked.statusCode, 404);
    assert.deepEqual(neverAsked.json().error, {
      code: 'REQUEST_NOT_FOUND',
      message: 'There is no request to join from that person',
    });
    assert.equal(declinedByMember.statusCode, 403);
    assert.equal(declined.statusCode, 204);
    const roles = await rolesIn(group);
    assert.equal(roles[first.id], 'member');
    assert.equal(roles[second.id], undefined);
    const left = await send(admin, 'GET', `${url}/requests`);
    assert.equal(left.json().total, 0);
  });

  it('lets someone withdraw their own request, once', async () => {
    const { db } = database();
    const { group, owner, url } = await team('closed');
    const asker = await caller();
    await addJoinRequest(db, group, asker.id);

    const withdrawn = await send(asker, 'DELETE', `${url}/requests/me`);
    const again = await send(asker, 'DELETE', `${url}/requests/me`);

    assert.equal(withdrawn.statusCode, 204);
    assert.equal(again.statusCode, 404);
    assert.deepEqual(again.json().error, {
      code: 'REQUEST_NOT_FOUND',
      message: 'You have not asked to join this group',
    });
    const requests = await send(owner, 'GET', `${url}/requests`);
    assert.equal(requests.json().total, 0);
  });
});
