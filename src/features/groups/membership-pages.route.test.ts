import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { addGroupMember, addJoinRequest } from '../../test-support/groups.ts';
import { fieldValue, pageFixtures } from './pages-testing.ts';

await describeEachDatabase('the groups membership pages', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  const { person, group, roleIn, hasRequest } = pageFixtures(
    () => app,
    database,
  );

  it('refuses a form without its CSRF token', async () => {
    const owner = await person();
    const joiner = await person();
    const open = await group(owner.id, 'open');

    const response = await joiner.browser.post(`/groups/${open.slug}/join`, {
      _csrf: 'forged',
    });

    assert.equal(response.statusCode, 403);
    assert.equal(await roleIn(open.id, joiner.id), null);
  });

  it('lets someone join an open group and then leave it', async () => {
    const owner = await person();
    const joiner = await person();
    const open = await group(owner.id, 'open');
    await joiner.browser.get(`/groups/${open.slug}`);

    const joined = await joiner.browser.post(`/groups/${open.slug}/join`, {});
    const page = await joiner.browser.get(`/groups/${open.slug}?done=joined`);
    const left = await joiner.browser.post(`/groups/${open.slug}/leave`, {});

    assert.equal(joined.statusCode, 303);
    assert.equal(joined.headers.location, `/groups/${open.slug}?done=joined`);
    assert.match(page.body, /You have joined the group./);
    assert.match(page.body, /You are a member of this group./);
    assert.equal(left.statusCode, 303);
    assert.equal(left.headers.location, `/groups/${open.slug}?done=left`);
    assert.equal(await roleIn(open.id, joiner.id), null);
  });

  it('does not let anyone join a closed group directly', async () => {
    const owner = await person();
    const joiner = await person();
    const closed = await group(owner.id, 'closed');
    await joiner.browser.get(`/groups/${closed.slug}`);

    const response = await joiner.browser.post(
      `/groups/${closed.slug}/join`,
      {},
    );

    assert.equal(response.statusCode, 403);
    assert.equal(await roleIn(closed.id, joiner.id), null);
  });

  it('takes a request to join a closed group to its admins, who approve it', async () => {
    const owner = await person();
    const admin = await person();
    const asker = await person('member', `Asha Asker ${nextNumber()}`);
    const closed = await group(owner.id, 'closed');
    await addGroupMember(database().db, closed, admin.id, 'admin');
    await asker.browser.get(`/groups/${closed.slug}`);

    const asked = await asker.browser.post(`/groups/${closed.slug}/request`, {
      message: 'I run the Leeds office move.',
    });
    const waiting = await asker.browser.get(`/groups/${closed.slug}`);
    const mine = await asker.browser.get('/groups/mine');
    const queue = await admin.browser.get(`/groups/${closed.slug}/requests`);
    const refused = await asker.browser.get(`/groups/${closed.slug}/requests`);
    const approved = await admin.browser.post(
      `/groups/${closed.slug}/requests/${asker.id}/approve`,
      {},
    );
    const after = await admin.browser.get(approved.headers.location as string);
    const memberView = await asker.browser.get(`/groups/${closed.slug}`);

    assert.equal(asked.statusCode, 303);
    assert.equal(
      asked.headers.location,
      `/groups/${closed.slug}?done=requested`,
    );
    assert.match(waiting.body, /Request sent/);
    assert.match(waiting.body, />\s*Withdraw request\s*</);
    assert.ok(mine.body.includes(closed.name));
    assert.match(mine.body, /Waiting for an answer/);
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(asker.displayName));
    assert.match(queue.body, /I run the Leeds office move./);
    assert.equal(refused.statusCode, 403);
    assert.equal(approved.statusCode, 303);
    assert.match(after.body, /Request approved/);
    assert.match(after.body, /No one is waiting to join./);
    assert.equal(await roleIn(closed.id, asker.id), 'member');
    assert.equal(await hasRequest(closed.id, asker.id), false);
    assert.match(memberView.body, /You are a member of this group./);
    assert.match(memberView.body, /Latest activity/);
  });

  it('lets an admin decline a request, and the asker withdraw one', async () => {
    const owner = await person();
    const declined = await person();
    const withdrawer = await person();
    const closed = await group(owner.id, 'closed');
    await addJoinRequest(database().db, closed, declined.id);
    await addJoinRequest(database().db, closed, withdrawer.id);
    await owner.browser.get(`/groups/${closed.slug}/requests`);
    await withdrawer.browser.get(`/groups/${closed.slug}`);

    const no = await owner.browser.post(
      `/groups/${closed.slug}/requests/${declined.id}/decline`,
      {},
    );
    const again = await owner.browser.post(
      `/groups/${closed.slug}/requests/${declined.id}/approve`,
      {},
    );
    const gone = await withdrawer.browser.post(
      `/groups/${closed.slug}/withdraw`,
      {},
    );

    assert.equal(no.statusCode, 303);
    assert.equal(again.statusCode, 404);
    assert.equal(await roleIn(closed.id, declined.id), null);
    assert.equal(await hasRequest(closed.id, declined.id), false);
    assert.equal(
      gone.headers.location,
      `/groups/${closed.slug}?done=withdrawn`,
    );
    assert.equal(await hasRequest(closed.id, withdrawer.id), false);
  });

  it('refuses a request message over 1,000 characters and keeps it', async () => {
    const owner = await person();
    const asker = await person();
    const closed = await group(owner.id, 'closed');
    await asker.browser.get(`/groups/${closed.slug}`);

    const response = await asker.browser.post(
      `/groups/${closed.slug}/request`,
      {
        message: 'm'.repeat(1001),
      },
    );

    assert.equal(response.statusCode, 400);
    assert.match(
      response.body,
      /Your message must be 1,000 characters or fewer/,
    );
    assert.equal(fieldValue(response.body, 'message'), 'm'.repeat(1001));
    assert.equal(await hasRequest(closed.id, asker.id), false);
  });

  it('refuses to let the last owner leave or step down, and says why', async () => {
    const owner = await person();
    const open = await group(owner.id, 'open');
    await owner.browser.get(`/groups/${open.slug}`);

    const leave = await owner.browser.post(`/groups/${open.slug}/leave`, {});
    const demote = await owner.browser.post(
      `/groups/${open.slug}/members/${owner.id}/role`,
      { role: 'member' },
    );

    const reason =
      'A group must always have an owner. Make someone else an owner first.';
    assert.equal(leave.statusCode, 409);
    assert.ok(leave.body.includes(`<p class="govuk-body">${reason}</p>`));
    assert.match(leave.body, /<h1[^>]*>You cannot leave this group yet<\/h1>/);
    assert.equal(demote.statusCode, 409);
    assert.ok(demote.body.includes(`<a href="#role">${reason}</a>`));
    assert.equal(await roleIn(open.id, owner.id), 'owner');
  });

  it('shows managers the member actions and members none', async () => {
    const owner = await person();
    const admin = await person();
    const member = await person('member', `Mo Member ${nextNumber()}`);
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, admin.id, 'admin');
    await addGroupMember(database().db, open, member.id, 'member');
    const changeRole = `href="/groups/${open.slug}/members/${member.id}"`;
    const remove = `action="/groups/${open.slug}/members/${member.id}/remove"`;
    const removeOwner = `action="/groups/${open.slug}/members/${owner.id}/remove"`;

    const asOwner = await owner.browser.get(`/groups/${open.slug}/members`);
    const asAdmin = await admin.browser.get(`/groups/${open.slug}/members`);
    const asMember = await member.browser.get(`/groups/${open.slug}/members`);

    assert.equal(asOwner.statusCode, 200);
    assert.ok(asOwner.body.includes(changeRole));
    assert.ok(asOwner.body.includes(remove));
    assert.ok(!asAdmin.body.includes(changeRole));
    assert.ok(asAdmin.body.includes(remove));
    assert.ok(!asAdmin.body.includes(removeOwner));
    assert.equal(asMember.statusCode, 200);
    assert.ok(asMember.body.includes(member.displayName));
    assert.ok(!asMember.body.includes(remove));
    assert.match(asMember.body, />Owner</);
    assert.match(asMember.body, />Admin</);
  });

  it('lets an admin remove a member but not an owner', async () => {
    const owner = await person();
    const admin = await person();
    const member = await person();
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, admin.id, 'admin');
    await addGroupMember(database().db, open, member.id, 'member');
    await admin.browser.get(`/groups/${open.slug}/members`);

    const ownerGone = await admin.browser.post(
      `/groups/${open.slug}/members/${owner.id}/remove`,
      {},
    );
    const memberGone = await admin.browser.post(
      `/groups/${open.slug}/members/${member.id}/remove`,
      {},
    );
    const list = await admin.browser.get(memberGone.headers.location as string);

    assert.equal(ownerGone.statusCode, 403);
    assert.equal(await roleIn(open.id, owner.id), 'owner');
    assert.equal(memberGone.statusCode, 303);
    assert.equal(await roleIn(open.id, member.id), null);
    assert.match(list.body, /They have been removed from the group./);
  });

  it('lets an owner change a role, and hand over ownership', async () => {
    const owner = await person();
    const heir = await person();
    const admin = await person();
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, heir.id, 'member');
    await addGroupMember(database().db, open, admin.id, 'admin');

    const rolePage = await owner.browser.get(
      `/groups/${open.slug}/members/${heir.id}`,
    );
    const adminRolePage = await admin.browser.get(
      `/groups/${open.slug}/members/${heir.id}`,
    );
    const promoted = await owner.browser.post(
      `/groups/${open.slug}/members/${heir.id}/role`,
      { role: 'admin' },
    );
    const promotedRole = await roleIn(open.id, heir.id);
    const handed = await owner.browser.post(
      `/groups/${open.slug}/members/${heir.id}/transfer`,
      {},
    );

    assert.equal(rolePage.statusCode, 200);
    assert.match(rolePage.body, /<legend[^>]*>/);
    assert.match(rolePage.body, /Hand over ownership/);
    assert.equal(adminRolePage.statusCode, 403);
    assert.equal(promoted.statusCode, 303);
    assert.equal(
      promoted.headers.location,
      `/groups/${open.slug}/members?done=role`,
    );
    assert.equal(promotedRole, 'admin');
    assert.equal(handed.statusCode, 303);
    assert.equal(await roleIn(open.id, heir.id), 'owner');
    assert.equal(await roleIn(open.id, owner.id), 'admin');
  });

  it('tells an owner a guest can only be a member, and offers no hand-over', async () => {
    const owner = await person();
    const guest = await person('guest');
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, guest.id, 'member');
    const path = `/groups/${open.slug}/members/${guest.id}`;

    const rolePage = await owner.browser.get(path);
    const promoted = await owner.browser.post(`${path}/role`, {
      role: 'admin',
    });
    const handed = await owner.browser.post(`${path}/transfer`, {});

    const reason =
      'A guest can only be a member of a group: running a group is for staff';
    assert.equal(rolePage.statusCode, 200);
    assert.doesNotMatch(rolePage.body, /Hand over ownership/);
    assert.equal(promoted.statusCode, 409);
    assert.match(promoted.body, /<title>Error: Change role: /);
    assert.ok(promoted.body.includes(`<a href="#role">${reason}</a>`));
    assert.equal(handed.statusCode, 409);
    assert.equal(await roleIn(open.id, guest.id), 'member');
    assert.equal(await roleIn(open.id, owner.id), 'owner');
  });
});
