import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { ensureSiteCategory } from '../talk/categories.ts';
import { appendPost } from '../talk/posts.ts';
import { createThread } from '../talk/threads.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';

// The audit log's Details name what a Talk moderator acted on, and a
// moderator's repeated click is no second event.

await describeEachDatabase('the audit log’s Talk subjects', (database) => {
  let app: FastifyInstance;
  let admin: { id: number; browser: TestBrowser };

  async function siteThread() {
    const { db } = database();
    const slug = `audited-${nextNumber()}`;
    const category = await ensureSiteCategory(db, slug, 'Audited');
    const made = await createThread(db, {
      categoryId: category.id,
      title: `Audited ${nextNumber()}`,
      body: 'The opening post',
      authorId: admin.id,
      authorName: 'Ada Admin',
    });
    const replyId = await appendPost(db, made.threadId, {
      body: 'A reply',
      authorId: admin.id,
      authorName: 'Ada Admin',
    });
    return { ...made, replyId, slug };
  }

  async function events(action: string, subjectId: number) {
    return database()
      .db.selectFrom('audit_events')
      .select(['subject_type', 'subject_id'])
      .where('action', '=', action)
      .where('subject_id', '=', subjectId)
      .execute();
  }

  before(async () => {
    app = await buildTestApp(database());
    const account = await buildAccount(database().db, {
      role: 'admin',
      displayName: 'Ada Admin',
    });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    admin = { id: account.id, browser };
  });
  after(async () => {
    await app.close();
  });

  it('links a pinned thread and a hidden post from the Details cell', async () => {
    const { threadId, replyId } = await siteThread();
    await admin.browser.get(`/talk/threads/${threadId}`);
    await admin.browser.post(`/talk/threads/${threadId}/pin`, {});
    await admin.browser.get(`/talk/posts/${replyId}/hide`);
    await admin.browser.post(`/talk/posts/${replyId}/hide`, {
      reason: 'Off topic',
    });

    const pinned = await admin.browser.get(
      '/admin/audit?action=talk.thread.pinned',
    );
    const hidden = await admin.browser.get(
      '/admin/audit?action=talk.post.hidden',
    );

    assert.equal(pinned.statusCode, 200);
    assert.ok(
      pinned.body.includes(
        `<a class="govuk-link" href="/talk/threads/${threadId}">Thread ${threadId}</a>`,
      ),
    );
    assert.ok(
      hidden.body.includes(
        `<a class="govuk-link" href="/talk/posts/${replyId}">` +
          `Post ${replyId}</a>; threadId: ${threadId}; reason: Off topic`,
      ),
    );
  });

  it('names a made category by its slug', async () => {
    await admin.browser.get('/talk');
    const slug = `made-${nextNumber()}`;
    const made = await admin.browser.post('/talk/categories/new', {
      slug,
      name: 'Made here',
      description: '',
      parent: '',
    });
    assert.equal(made.statusCode, 303);

    const page = await admin.browser.get(
      '/admin/audit?action=talk.category.created',
    );

    assert.ok(
      page.body.includes(
        `<a class="govuk-link" href="/talk/categories/${slug}">Category ${slug}</a>`,
      ),
    );
  });

  it('writes no second event for pinning, locking or hiding again', async () => {
    const { threadId, replyId } = await siteThread();
    await admin.browser.get(`/talk/threads/${threadId}`);

    for (let n = 0; n < 2; n += 1) {
      await admin.browser.post(`/talk/threads/${threadId}/pin`, {});
      await admin.browser.post(`/talk/threads/${threadId}/lock`, {});
      await admin.browser.post(`/talk/posts/${replyId}/hide`, {
        reason: `Reason ${n}`,
      });
    }

    const one = (id: number, type: string) => [
      { subject_type: type, subject_id: id },
    ];
    assert.deepEqual(
      await events('talk.thread.pinned', threadId),
      one(threadId, 'talk-thread'),
    );
    assert.deepEqual(
      await events('talk.thread.locked', threadId),
      one(threadId, 'talk-thread'),
    );
    assert.deepEqual(
      await events('talk.post.hidden', replyId),
      one(replyId, 'talk-post'),
    );
    const row = await database()
      .db.selectFrom('talk_posts')
      .select('hidden_reason')
      .where('id', '=', replyId)
      .executeTakeFirstOrThrow();
    assert.equal(row.hidden_reason, 'Reason 0');
  });

  it('names and links the group a leaving owner handed over', async () => {
    const { db } = database();
    const owner = await buildAccount(db, { displayName: 'Olive Owner' });
    const heir = await buildAccount(db, { displayName: 'Hal Heir' });
    const group = await buildGroup(db, owner.id, {
      name: `Records & <Archives> ${nextNumber()}`,
      visibility: 'secret',
    });
    await addGroupMember(db, group, heir.id, 'admin');
    await admin.browser.get(`/admin/people/${owner.id}`);

    const done = await admin.browser.post(
      `/admin/people/${owner.id}/deactivate`,
      {},
    );
    const log = await admin.browser.get(
      '/admin/audit?action=group.role.changed',
    );

    assert.equal(done.statusCode, 303);
    const name = group.name.replace('&', '&amp;').replace('<', '&lt;');
    assert.ok(
      log.body.includes(
        `<a class="govuk-link" href="/groups/${group.slug}">` +
          `Group ${name.replace('>', '&gt;')}</a>; personId: ${heir.id}; ` +
          'before: admin; after: owner',
      ),
      log.body,
    );
    const [row] = await db
      .selectFrom('audit_events')
      .select('client_address')
      .where('action', '=', 'group.role.changed')
      .where('subject_id', '=', group.id)
      .execute();
    assert.equal(row?.client_address, '127.0.0.1');
  });
});
