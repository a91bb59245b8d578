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
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { ensureGroupCategory, ensureSiteCategory } from './categories.ts';
import { appendPost } from './posts.ts';
import { createThread } from './threads.ts';

// Talk's pages driven as a browser would: signed in through the form,
// posting forms with the page's CSRF token.

await describeEachDatabase('the Talk pages', (database) => {
  let app: FastifyInstance;
  let staff: { id: number; browser: TestBrowser };
  let admin: { id: number; browser: TestBrowser };
  let outsider: { id: number; browser: TestBrowser };
  let siteSlug: string;

  async function person(role: 'admin' | 'member' | 'guest', name: string) {
    const account = await buildAccount(database().db, {
      role,
      displayName: name,
    });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    return { id: account.id, browser };
  }

  /** A thread in the site category with `replies` replies after it. */
  async function siteThread(replies: number, title = `Thread ${nextNumber()}`) {
    const { db } = database();
    const category = await ensureSiteCategory(db, siteSlug, 'General');
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title,
      body: 'The opening post',
      authorId: staff.id,
      authorName: 'Sam Staff',
    });
    for (let n = 1; n <= replies; n += 1) {
      await appendPost(db, threadId, {
        body: `Reply number ${n}`,
        authorId: staff.id,
        authorName: 'Sam Staff',
      });
    }
    return threadId;
  }

  before(async () => {
    app = await buildTestApp(database());
    staff = await person('member', 'Sam Staff');
    admin = await person('admin', 'Ada Admin');
    outsider = await person('member', 'Olly Outsider');
    siteSlug = `general-${nextNumber()}`;
  });
  after(async () => {
    await app.close();
  });

  it('shows Talk’s front page: status box, latest threads, categories', async () => {
    const threadId = await siteThread(0, 'Front page thread');
    await staff.browser.get('/talk');

    const page = await staff.browser.get('/talk');

    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 class="govuk-heading-l">Talk<\/h1>/);
    assert.match(page.body, /You can enter up to 500 characters/);
    assert.ok(page.body.includes(`href="/talk/threads/${threadId}"`));
    assert.ok(page.body.includes(`href="/talk/categories/${siteSlug}"`));
    assert.ok(page.body.includes('href="/talk/unanswered"'));
  });

  it('posts a status through the form and shows it on its own page', async () => {
    await staff.browser.get('/talk');
    const posted = await staff.browser.post('/talk/status', {
      body: 'Hello #pagestest colleagues',
      group: '',
    });
    assert.equal(posted.statusCode, 303);
    const location = String(posted.headers.location);
    assert.match(location, /^\/talk\/status\/\d+\?done=status-posted$/);

    const page = await staff.browser.get(location);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your status post has been posted\./);
    assert.match(page.body, /href="\/talk\/tags\/pagestest"/);

    const replied = await staff.browser.post(
      `${location.split('?')[0]}/replies`,
      { body: 'A reply to myself' },
    );
    assert.equal(replied.statusCode, 303);
    const tag = await staff.browser.get('/talk/tags/pagestest');
    assert.equal(tag.statusCode, 200);
    assert.match(tag.body, /Hello/);
  });

  it('refuses a 501-character status with a summary, text kept, 400', async () => {
    await staff.browser.get('/talk');
    const text = 'x'.repeat(501);

    const page = await staff.browser.post('/talk/status', {
      body: text,
      group: '',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Talk/);
    assert.match(page.body, /There is a problem/);
    assert.match(page.body, /The post must be 500 characters or fewer/);
    assert.ok(page.body.includes(`>${text}</textarea>`));
  });

  it('starts a discussion through the category’s form and lands on it', async () => {
    await siteThread(0);
    await staff.browser.get(`/talk/categories/${siteSlug}`);

    const started = await staff.browser.post(
      `/talk/categories/${siteSlug}/threads`,
      {
        title: 'Where is the canteen?',
        body: 'Asking **for** a friend',
        question: 'yes',
      },
    );

    assert.equal(started.statusCode, 303);
    const location = String(started.headers.location);
    assert.match(location, /^\/talk\/threads\/\d+\?done=thread-started$/);
    const page = await staff.browser.get(location);
    assert.match(page.body, /Where is the canteen\?/);
    assert.match(page.body, /<strong>for<\/strong>/);
    assert.match(page.body, /govuk-tag--yellow">Question/);
    const category = await staff.browser.get(`/talk/categories/${siteSlug}`);
    assert.match(category.body, /Where is the canteen\?/);
  });

  it('refuses a blank title and an over-long body, keeping what was written', async () => {
    await staff.browser.get(`/talk/categories/${siteSlug}`);

    const page = await staff.browser.post(
      `/talk/categories/${siteSlug}/threads`,
      { title: '  ', body: 'y'.repeat(100_001) },
    );

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: General/);
    assert.match(page.body, /href="#title"/);
    assert.match(page.body, /href="#body"/);
    assert.ok(page.body.includes('y'.repeat(100_001)));
  });

  it('counts pages of 25 on the thread page: 26 posts make 2, 25 make 1 (BUG-29)', async () => {
    const long = await siteThread(25);
    const full = await siteThread(24);

    const second = await staff.browser.get(`/talk/threads/${long}?page=2`);
    assert.equal(second.statusCode, 200);
    assert.match(second.body, /page 2 of 2/);
    assert.match(second.body, /Reply number 25/);
    assert.doesNotMatch(second.body, /Reply number 24</);

    const only = await staff.browser.get(`/talk/threads/${full}`);
    assert.equal(only.statusCode, 200);
    assert.match(only.body, /Reply number 24/);
    assert.doesNotMatch(only.body, /page 1 of/);
    const past = await staff.browser.get(`/talk/threads/${full}?page=2`);
    assert.equal(past.statusCode, 404);
  });

  it('sends a link to a post to the page and anchor that hold it', async () => {
    const { db } = database();
    const threadId = await siteThread(30);
    const last = await db
      .selectFrom('talk_posts')
      .select('id')
      .where('thread_id', '=', threadId)
      .where('position', '=', 31)
      .executeTakeFirstOrThrow();

    const moved = await staff.browser.get(`/talk/posts/${last.id}`);

    assert.equal(moved.statusCode, 303);
    assert.equal(
      moved.headers.location,
      `/talk/threads/${threadId}?page=2#post-${last.id}`,
    );
  });

  it('replies with a quote, reacts, and lets the asker accept an answer', async () => {
    const { db } = database();
    const threadId = await siteThread(1);
    const first = await db
      .selectFrom('talk_posts')
      .select('id')
      .where('thread_id', '=', threadId)
      .where('position', '=', 2)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('talk_threads')
      .set({ is_question: 1 })
      .where('id', '=', threadId)
      .execute();

    const form = await staff.browser.get(
      `/talk/threads/${threadId}?quote=${first.id}`,
    );
    assert.match(form.body, /Quoting Sam Staff/);
    assert.ok(form.body.includes(`name="quoteOf" value="${first.id}"`));
    const replied = await staff.browser.post(
      `/talk/threads/${threadId}/replies`,
      { body: 'Quoting you', quoteOf: String(first.id) },
    );
    assert.equal(replied.statusCode, 303);
    assert.match(String(replied.headers.location), /#post-\d+$/);

    const reacted = await staff.browser.post(
      `/talk/posts/${first.id}/reactions`,
      { kind: 'thanks', action: 'add', returnTo: `/talk/threads/${threadId}` },
    );
    assert.equal(reacted.statusCode, 303);
    const accepted = await staff.browser.post(
      `/talk/threads/${threadId}/accept`,
      { postId: String(first.id) },
    );
    assert.equal(accepted.statusCode, 303);

    const page = await staff.browser.get(`/talk/threads/${threadId}`);
    assert.match(page.body, /The answer has been accepted|Accepted answer/);
    const acceptedAt = page.body.indexOf('id="accepted-heading"');
    const openingAt = page.body.indexOf('The opening post');
    assert.ok(openingAt > 0 && acceptedAt > openingAt);
    assert.match(page.body, /wrote<\/a>:/);
    assert.match(
      page.body,
      /aria-pressed="true">\s*Thanks <span class="govuk-visually-hidden">post 2, now <\/span>1/,
    );
    assert.match(page.body, /Unaccept/);
  });

  it('shows a closed group’s thread to members and a 404 to others', async () => {
    const { db } = database();
    const group = await buildGroup(db, staff.id, { visibility: 'closed' });
    const guest = await person('guest', 'Gina Guest');
    await addGroupMember(db, group, guest.id);
    const category = await ensureGroupCategory(db, group);
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title: 'Closed group plans',
      body: 'Members only',
      authorId: staff.id,
      authorName: 'Sam Staff',
    });

    const member = await guest.browser.get(`/talk/threads/${threadId}`);
    assert.equal(member.statusCode, 200);
    assert.match(member.body, /Closed group plans/);
    const list = await guest.browser.get(`/talk/groups/${group.slug}`);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Closed group plans/);
    assert.match(list.body, /Start a discussion/);

    const other = await outsider.browser.get(`/talk/threads/${threadId}`);
    assert.equal(other.statusCode, 404);
    assert.doesNotMatch(other.body, /Closed group plans/);
    const otherList = await outsider.browser.get(`/talk/groups/${group.slug}`);
    assert.equal(otherList.statusCode, 404);
    const front = await outsider.browser.get('/talk');
    assert.doesNotMatch(front.body, /Closed group plans/);
  });

  it('lets a guest member start a discussion in their group’s first thread', async () => {
    const { db } = database();
    const group = await buildGroup(db, admin.id);
    const guest = await person('guest', 'Gus Guest');
    await addGroupMember(db, group, guest.id);
    await guest.browser.get(`/talk/groups/${group.slug}`);

    const started = await guest.browser.post(
      `/talk/groups/${group.slug}/threads`,
      { title: 'Guest thread', body: 'From a guest' },
    );

    assert.equal(started.statusCode, 303);
    const page = await guest.browser.get(String(started.headers.location));
    assert.match(page.body, /Guest thread/);
  });

  it('refuses a blank reply with an error summary on the thread’s last page', async () => {
    const threadId = await siteThread(26);
    await staff.browser.get(`/talk/threads/${threadId}`);

    const page = await staff.browser.post(`/talk/threads/${threadId}/replies`, {
      body: '   ',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /There is a problem/);
    assert.match(page.body, /page 2 of 2/);
    assert.match(page.body, /href="#body"/);
  });

  it('links a group’s page to its discussions only for those who may read them', async () => {
    const { db } = database();
    const group = await buildGroup(db, staff.id, { visibility: 'closed' });
    const link = `href="/talk/groups/${group.slug}"`;

    const member = await staff.browser.get(`/groups/${group.slug}`);
    const other = await outsider.browser.get(`/groups/${group.slug}`);

    assert.equal(member.statusCode, 200);
    assert.ok(member.body.includes(link));
    assert.equal(other.statusCode, 200);
    assert.ok(!other.body.includes(link));
  });

  it('watches and then mutes a thread through its buttons', async () => {
    const threadId = await siteThread(0);
    await staff.browser.get(`/talk/threads/${threadId}`);

    const watched = await staff.browser.post(
      `/talk/threads/${threadId}/watch`,
      { level: 'watch' },
    );
    assert.equal(
      watched.headers.location,
      `/talk/threads/${threadId}?done=watching`,
    );
    const page = await staff.browser.get(`/talk/threads/${threadId}`);
    assert.match(page.body, /You are watching this thread\./);
    assert.match(page.body, /Stop watching/);

    await staff.browser.post(`/talk/threads/${threadId}/watch`, {
      level: 'mute',
    });
    const muted = await staff.browser.get(`/talk/threads/${threadId}`);
    assert.match(muted.body, /Unmute/);
  });

  it('refuses an over-long status reply with the text kept', async () => {
    await staff.browser.get('/talk');
    const posted = await staff.browser.post('/talk/status', {
      body: 'Reply to me',
      group: '',
    });
    const path = String(posted.headers.location).replace(/\?.*/, '');
    const text = 'z'.repeat(501);

    const page = await staff.browser.post(`${path}/replies`, { body: text });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /The post must be 500 characters or fewer/);
    assert.ok(page.body.includes(`>${text}</textarea>`));
  });

  it('lists every discussion the reader may see, latest first, in pages', async () => {
    const { db } = database();
    const counted = async (browser: TestBrowser) =>
      Number(
        /<p class="govuk-body">(\d+) discussions?<\/p>/.exec(
          (await browser.get('/talk/latest')).body,
        )?.[1] ?? 0,
      );
    const memberBefore = await counted(staff.browser);
    const otherBefore = await counted(outsider.browser);
    const group = await buildGroup(db, staff.id, { visibility: 'secret' });
    const category = await ensureGroupCategory(db, group);
    await siteThread(0, 'Latest open discussion');
    await createThread(db, {
      categoryId: category.id,
      title: 'Latest secret discussion',
      body: 'Members only',
      authorId: staff.id,
      authorName: 'Sam Staff',
    });

    const member = await staff.browser.get('/talk/latest');
    const other = await outsider.browser.get('/talk/latest');

    assert.equal(member.statusCode, 200);
    const secret = member.body.indexOf('Latest secret discussion');
    const open = member.body.indexOf('Latest open discussion');
    assert.ok(secret > 0 && open > secret, 'the newer thread comes first');
    assert.equal(other.statusCode, 200);
    assert.match(other.body, /Latest open discussion/);
    assert.doesNotMatch(other.body, /Latest secret discussion/);
    assert.equal(await counted(staff.browser), memberBefore + 2);
    assert.equal(await counted(outsider.browser), otherBefore + 1);
    assert.equal(
      (await staff.browser.get('/talk/latest?page=9999')).statusCode,
      404,
    );
    assert.ok(
      (await staff.browser.get('/talk')).body.includes('href="/talk/latest"'),
    );
  });

  it('names the page and the number of pages in a later page of latest discussions', async () => {
    const first = await staff.browser.get('/talk/latest');
    const total = Number(
      /<p class="govuk-body">(\d+) discussions?<\/p>/.exec(first.body)?.[1],
    );
    for (let n = total; n < 26; n += 1) {
      await siteThread(0);
    }
    const pages = Math.ceil(Math.max(total, 26) / 25);

    const second = await staff.browser.get('/talk/latest?page=2');

    assert.equal(second.statusCode, 200);
    assert.match(
      second.body,
      new RegExp(
        `<title>Latest discussions \\(page 2 of ${pages}\\) – Talk – CivilMedia</title>`,
      ),
    );
    assert.match(
      (await staff.browser.get('/talk/latest')).body,
      /<title>Latest discussions – Talk – CivilMedia<\/title>/,
    );
  });

  it('lists unanswered questions only', async () => {
    const { db } = database();
    const threadId = await siteThread(0, 'An open question here');
    await db
      .updateTable('talk_threads')
      .set({ is_question: 1 })
      .where('id', '=', threadId)
      .execute();

    const page = await staff.browser.get('/talk/unanswered');

    assert.equal(page.statusCode, 200);
    assert.match(page.body, /An open question here/);
    assert.doesNotMatch(page.body, /Front page thread/);
  });

  it('asks before deleting a status post, then deletes it', async () => {
    await staff.browser.get('/talk');
    const posted = await staff.browser.post('/talk/status', {
      body: 'Delete me soon',
      group: '',
    });
    const path = String(posted.headers.location).replace(/\?.*/, '');

    const confirm = await staff.browser.get(`${path}/delete`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Delete this post\?/);
    const deleted = await staff.browser.post(`${path}/delete`, {});
    assert.equal(deleted.statusCode, 303);
    assert.equal(deleted.headers.location, '/talk?done=status-deleted');
    assert.equal((await staff.browser.get(path)).statusCode, 404);
  });
});
