import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ensureGroupBlog } from '../../blogs/blogs.ts';
import type { Group } from '../../groups/groups.ts';
import {
  bearer,
  buildAccount,
  TestBrowser,
} from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';
import { buildFilesApp, multipart } from '../files-testing.ts';
import type { FormPart } from '../files-testing.ts';
import {
  attachRaw,
  buildBlogPost,
  buildReply,
  buildThread,
  buildWikiPage,
  tinyPng,
} from './attachments-testing.ts';
import { ALT_REQUIRED } from './upload.ts';

// Attachments as people use them without JavaScript: the form on an
// item's edit page (or under a Talk post), the alternative text an image
// needs, the Markdown offered afterwards, and the item pages showing
// what is attached, images inline.

/** A signed-in browser that also posts multipart forms, token first. */
class Browser {
  readonly browser: TestBrowser;
  private token = '';

  constructor(private readonly app: FastifyInstance) {
    this.browser = new TestBrowser(app);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.browser.get(url);
    this.token =
      /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? this.token;
    return response;
  }

  post(url: string, form: Record<string, string>) {
    return this.browser.post(url, form);
  }

  upload(url: string, parts: readonly FormPart[]) {
    const body = multipart([{ name: '_csrf', value: this.token }, ...parts]);
    const cookie = ['cm_session', 'cm_csrf']
      .map((name) => `${name}=${this.browser.cookie(name) ?? ''}`)
      .join('; ');
    return this.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': body.contentType },
      payload: body.payload,
    });
  }
}

await describeEachDatabase('the attachment pages', (database) => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let group: Group;
  let author: Browser;
  let colleague: Browser;
  let outsider: Browser;
  let moderator: Browser;
  let authorApi: ApiCaller;
  let colleagueApi: ApiCaller;
  let png: Buffer;

  before(async () => {
    const { db } = database();
    ({ app, close } = await buildFilesApp(database()));
    const owner = await buildAccount(db, { displayName: 'Olive Owner' });
    const ann = await buildAccount(db, { displayName: 'Ann Author' });
    const cal = await buildAccount(db, { displayName: 'Cal Colleague' });
    const otto = await buildAccount(db, { displayName: 'Otto Outsider' });
    group = await buildGroup(db, owner.id, {
      visibility: 'secret',
      name: 'Hidden Harbour',
    });
    await addGroupMember(db, group, ann.id);
    await addGroupMember(db, group, cal.id);
    authorApi = { id: ann.id, authorization: await bearer(db, ann.id) };
    colleagueApi = { id: cal.id, authorization: await bearer(db, cal.id) };
    author = new Browser(app);
    await author.browser.signIn(ann.email);
    colleague = new Browser(app);
    await colleague.browser.signIn(cal.email);
    outsider = new Browser(app);
    await outsider.browser.signIn(otto.email);
    moderator = new Browser(app);
    await moderator.browser.signIn(owner.email);
    png = await tinyPng();
  });
  after(async () => {
    await close();
  });

  function fileIdIn(location: string): number {
    const match = /[?&]added=(\d+)/.exec(location);
    assert.ok(match, `${location} names the new file`);
    return Number(match[1]);
  }

  it('asks the wiki edit page’s form for alternative text, then offers Markdown', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, authorApi, group.slug, 'Map');
    const action = `/attachments/wiki-page/${pageId}`;

    const edit = await author.get(`/wiki/${group.slug}/Map/edit`);
    const refused = await author.upload(action, [
      { name: 'altText', value: '' },
      { name: 'file', filename: 'map.png', content: png, type: 'image/png' },
    ]);
    const listedAfterRefusal = await author.get(action);
    const added = await author.upload(action, [
      { name: 'altText', value: 'The harbour with its two piers' },
      { name: 'file', filename: 'map.png', content: png, type: 'image/png' },
    ]);
    const location = String(added.headers.location);
    const fileId = fileIdIn(location);
    const offered = await author.get(location);
    const shown = await colleague.get(`/wiki/${group.slug}/Map`);

    assert.equal(edit.statusCode, 200);
    assert.match(
      edit.body,
      new RegExp(
        `<form method="post" action="${action}" enctype="multipart/form-data"`,
      ),
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<title>Error: /);
    assert.match(
      refused.body,
      new RegExp(`<a href="#altText">${ALT_REQUIRED}</a>`),
    );
    assert.match(listedAfterRefusal.body, /Nothing is attached yet\./);
    assert.equal(added.statusCode, 303, added.body);
    assert.equal(location, `${action}?done=added&added=${fileId}#added`);
    assert.match(
      offered.body,
      new RegExp(
        `Markdown for map\\.png: <code class="app-break-words">` +
          `!\\[The harbour with its two piers\\]\\(/files/${fileId}/display\\)</code>`,
      ),
    );
    assert.equal(shown.statusCode, 200);
    assert.match(
      shown.body,
      new RegExp(
        `<img class="app-attachments__image" src="/files/${fileId}/download" ` +
          `alt="The harbour with its two piers"`,
      ),
    );
    assert.match(
      shown.body,
      new RegExp(`href="/files/${fileId}">map\\.png</a>`),
    );
    assert.match(shown.body, /<h2 class="govuk-heading-s">Attachments<\/h2>/);
  });

  it('takes a decorative image and any other file without alternative text', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, authorApi, group.slug, 'Rules');
    const action = `/attachments/wiki-page/${pageId}`;
    await author.get(action);

    const image = await author.upload(action, [
      { name: 'decorative', value: 'true' },
      { name: 'file', filename: 'line.png', content: png },
    ]);
    const text = await author.upload(action, [
      { name: 'file', filename: 'rules.txt', content: 'No swimming.\n' },
    ]);
    const shown = await colleague.get(`/wiki/${group.slug}/Rules`);

    assert.equal(image.statusCode, 303, image.body);
    assert.equal(text.statusCode, 303, text.body);
    const imageId = fileIdIn(String(image.headers.location));
    const textId = fileIdIn(String(text.headers.location));
    assert.match(
      shown.body,
      new RegExp(`src="/files/${imageId}/download" alt=""`),
    );
    assert.match(
      shown.body,
      new RegExp(
        `href="/files/${textId}">rules\\.txt</a>\\s*` +
          `<span class="govuk-body-s">\\(Text, 13 bytes\\)</span>`,
      ),
    );
  });

  it('shows each post’s attachments in a thread, and the form to its author', async () => {
    const { db } = database();
    const { threadId, postId } = await buildThread(
      app,
      db,
      authorApi,
      group.slug,
      'Pier repairs',
    );
    const replyId = await buildReply(app, db, colleagueApi, threadId);
    const opening = await attachRaw(
      app,
      authorApi,
      `/api/v1/attachments/talk-post/${postId}?name=quote.txt`,
      'A quote',
    );
    const onReply = await attachRaw(
      app,
      colleagueApi,
      `/api/v1/attachments/talk-post/${replyId}?name=photo.png&alt=Broken%20plank`,
      png,
    );
    const [openingFile] = opening.json().items;
    const [replyFile] = onReply.json().items;

    const page = await author.get(`/talk/threads/${threadId}`);

    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      new RegExp(`href="/files/${openingFile.id}">quote\\.txt</a>`),
    );
    assert.match(
      page.body,
      new RegExp(`src="/files/${replyFile.id}/download" alt="Broken plank"`),
    );
    assert.match(
      page.body,
      new RegExp(`action="/attachments/talk-post/${postId}"`),
    );
    assert.doesNotMatch(page.body, /<h\d class="govuk-heading-s">Attachments/);
    assert.match(page.body, /govuk-!-margin-bottom-1">Attachments<\/p>/);
    assert.doesNotMatch(
      page.body,
      new RegExp(`action="/attachments/talk-post/${replyId}"`),
    );
  });

  it('gives a moderator a link to attachments, not a form under each post', async () => {
    const { db } = database();
    const { threadId, postId } = await buildThread(
      app,
      db,
      authorApi,
      group.slug,
      'Slipway',
    );
    const replyId = await buildReply(app, db, colleagueApi, threadId);

    const page = await moderator.get(`/talk/threads/${threadId}`);
    const attachments = await moderator.get(
      `/attachments/talk-post/${replyId}`,
    );

    assert.equal(page.statusCode, 200);
    for (const id of [postId, replyId]) {
      assert.match(
        page.body,
        new RegExp(`href="/attachments/talk-post/${id}"`),
      );
      assert.doesNotMatch(
        page.body,
        new RegExp(`action="/attachments/talk-post/${id}"`),
      );
    }
    assert.equal(attachments.statusCode, 200);
    assert.match(
      attachments.body,
      new RegExp(`action="/attachments/talk-post/${replyId}"`),
    );
  });

  it('puts the form on a blog post’s edit page and the attachment on the post', async () => {
    const { db } = database();
    const blog = await ensureGroupBlog(db, group.id);
    const post = await buildBlogPost(
      app,
      authorApi,
      blog.slug,
      'Summer works',
      'members',
    );
    const action = `/attachments/blog-post/${post.id}`;

    const edit = await author.get(`/blogs/${blog.slug}/${post.slug}/edit`);
    const added = await author.upload(action, [
      { name: 'file', filename: 'plan.txt', content: 'Dig.\n' },
    ]);
    const fileId = fileIdIn(String(added.headers.location));
    const shown = await colleague.get(`/blogs/${blog.slug}/${post.slug}`);
    const byColleague = await colleague.get(action);

    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, new RegExp(`action="${action}"`));
    assert.equal(added.statusCode, 303, added.body);
    assert.match(
      shown.body,
      new RegExp(`href="/files/${fileId}">plan\\.txt</a>`),
    );
    assert.equal(byColleague.statusCode, 200);
    assert.doesNotMatch(byColleague.body, /Add attachments/);
    assert.doesNotMatch(byColleague.body, /\/remove"/);
  });

  it('keeps a reader of a Talk post from uploading a new version of its attachment', async () => {
    const { db } = database();
    const { postId } = await buildThread(
      app,
      db,
      authorApi,
      group.slug,
      'Tide tables',
    );
    const made = await attachRaw(
      app,
      authorApi,
      `/api/v1/attachments/talk-post/${postId}?name=tides.txt`,
      'High water 06:12',
    );
    const [file] = made.json().items;

    await colleague.get(`/files/${file.id}`);
    const replaced = await colleague.upload(`/files/${file.id}/versions`, [
      { name: 'file', filename: 'tides.txt', content: 'Wrong times' },
    ]);
    const kept = await colleague.get(`/files/${file.id}/download`);
    await author.get(`/files/${file.id}`);
    const byAuthor = await author.upload(`/files/${file.id}/versions`, [
      { name: 'file', filename: 'tides.txt', content: 'High water 06:14' },
    ]);

    assert.equal(replaced.statusCode, 403);
    assert.equal(kept.body, 'High water 06:12');
    assert.equal(byAuthor.statusCode, 303, byAuthor.body);
  });

  it('removes an attachment with its button, and shows the page to no outsider', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, authorApi, group.slug, 'Old');
    const action = `/attachments/wiki-page/${pageId}`;
    const made = await attachRaw(
      app,
      authorApi,
      `/api/v1${action}?name=old.txt`,
      'old',
    );
    const [file] = made.json().items;

    const hidden = await outsider.get(action);
    await colleague.get(action);
    const removed = await colleague.post(`${action}/${file.id}/remove`, {});
    const after = await colleague.get(String(removed.headers.location));

    assert.equal(hidden.statusCode, 404);
    assert.doesNotMatch(hidden.body, /old\.txt/);
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, `${action}?done=removed`);
    assert.doesNotMatch(after.body, /<title>Error: /);
    assert.match(after.body, /The attachment has been removed\./);
    assert.match(after.body, /Nothing is attached yet\./);
  });
});
