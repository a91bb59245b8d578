import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { ensureGroupBlog, ensurePersonBlog } from '../../blogs/blogs.ts';
import type { Group } from '../../groups/groups.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';
import { buildFilesApp, multipart } from '../files-testing.ts';
import {
  attachRaw,
  buildBlogPost,
  buildReply,
  buildThread,
  buildWikiPage,
  tinyPng,
} from './attachments-testing.ts';
import { attachmentsOfItems } from './service.ts';
import { ALT_REQUIRED } from './upload.ts';

// The attachments API through inject(): files attach to each kind of
// item, images need alternative text, and an attachment is exactly as
// readable as its item: gone for those who lose the item.

await describeEachDatabase('the attachments API', (database) => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let owner: ApiCaller;
  let member: ApiCaller;
  let other: ApiCaller;
  let outsider: ApiCaller;
  let secret: Group;
  let png: Buffer;

  before(async () => {
    const { db } = database();
    ({ app, close } = await buildFilesApp(database()));
    owner = await buildCaller(db, { displayName: 'Olive Owner' });
    member = await buildCaller(db, { displayName: 'Mo Member' });
    other = await buildCaller(db, { displayName: 'Oli Other' });
    outsider = await buildCaller(db, { displayName: 'Otto Outsider' });
    secret = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, secret, member.id);
    await addGroupMember(db, secret, other.id);
    png = await tinyPng();
  });
  after(async () => {
    await close();
  });

  const list = (kind: string, id: number) =>
    `/api/v1/attachments/${kind}/${id}`;

  it("attaches a file to a secret group's wiki page that no outsider reaches", async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, member, secret.slug, 'Plans');

    const made = await attachRaw(
      app,
      member,
      `${list('wiki-page', pageId)}?name=budget.txt`,
      'Budget lines\n',
    );
    const [file] = made.json().items;
    const listed = await callApi(app, other, 'GET', list('wiki-page', pageId));
    const outside = [
      await callApi(app, outsider, 'GET', list('wiki-page', pageId)),
      await callApi(app, outsider, 'GET', `/files/${file.id}`),
      await callApi(app, outsider, 'GET', `/files/${file.id}/download`),
    ];
    const inside = await callApi(
      app,
      other,
      'GET',
      `/files/${file.id}/download`,
    );

    assert.equal(made.statusCode, 201, made.body);
    assert.deepEqual(
      [file.name, file.type, file.image, file.altText, file.markdown],
      [
        'budget.txt',
        'text/plain',
        false,
        null,
        `[budget.txt](/files/${file.id})`,
      ],
    );
    assert.equal(listed.statusCode, 200);
    const body = listed.json() as {
      items: { id: number }[];
      total: number;
      page: number;
      pageSize: number;
    };
    assert.deepEqual(
      { ...body, items: body.items.map((each) => each.id) },
      { items: [file.id], total: 1, page: 1, pageSize: 25 },
    );
    assert.deepEqual(
      outside.map((response) => response.statusCode),
      [404, 404, 404],
    );
    assert.equal(outside[0]?.json().error.code, 'ITEM_NOT_FOUND');
    assert.ok(outside.every((response) => !response.body.includes('Budget')));
    assert.equal(inside.body, 'Budget lines\n');
  });

  it('refuses an image without alternative text and keeps nothing', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, member, secret.slug, 'Maps');
    const url = list('wiki-page', pageId);

    const bare = await attachRaw(app, member, `${url}?name=map.png`, png);
    const blank = await attachRaw(
      app,
      member,
      `${url}?name=map.png&altText=`,
      png,
    );
    const after = await callApi(app, member, 'GET', url);

    assert.equal(bare.statusCode, 422, bare.body);
    assert.deepEqual(bare.json().error.fields, { altText: ALT_REQUIRED });
    assert.equal(bare.headers.connection, 'close');
    assert.equal(blank.statusCode, 422, blank.body);
    assert.equal(after.json().total, 0);
  });

  it('keeps an image with its alternative text, or marked decorative', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, member, secret.slug, 'Photos');
    const url = list('wiki-page', pageId);

    const described = await attachRaw(
      app,
      member,
      `${url}?name=chart.png&alt=${encodeURIComponent('Costs rise [2026]')}`,
      png,
    );
    const decorative = await attachRaw(
      app,
      member,
      `${url}?name=line.png&alt=`,
      png,
    );
    const form = multipart([
      { name: 'decorative', value: 'true' },
      { name: 'file', filename: 'rule.png', content: png },
    ]);
    const ticked = await app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: member.authorization,
        'content-type': form.contentType,
      },
      payload: form.payload,
    });
    const listed = await callApi(app, member, 'GET', url);

    assert.equal(described.statusCode, 201, described.body);
    assert.equal(decorative.statusCode, 201, decorative.body);
    assert.equal(ticked.statusCode, 201, ticked.body);
    const items = listed.json().items as {
      id: number;
      name: string;
      type: string;
      altText: string;
      markdown: string;
      imageSource: string;
    }[];
    assert.deepEqual(
      items.map((each) => [each.name, each.type, each.altText]),
      [
        ['chart.png', 'image/png', 'Costs rise [2026]'],
        ['line.png', 'image/png', ''],
        ['rule.png', 'image/png', ''],
      ],
    );
    const chart = items[0];
    assert.equal(
      chart?.markdown,
      `![Costs rise \\[2026\\]](/files/${chart?.id}/display)`,
    );
    assert.equal(chart?.imageSource, `/files/${chart?.id}/download`);
  });

  it('lets a thread post’s author and a moderator attach, and no other member', async () => {
    const { db } = database();
    const { threadId, postId } = await buildThread(
      app,
      db,
      member,
      secret.slug,
      'Harbour works',
    );
    const replyId = await buildReply(app, db, other, threadId);

    const byAuthor = await attachRaw(
      app,
      member,
      `${list('talk-post', postId)}?name=a.txt`,
      'from the author',
    );
    const byModerator = await attachRaw(
      app,
      owner,
      `${list('talk-post', postId)}?name=b.txt`,
      'from the group owner',
    );
    const byOther = await attachRaw(
      app,
      other,
      `${list('talk-post', postId)}?name=c.txt`,
      'from another member',
    );
    const onReply = await attachRaw(
      app,
      other,
      `${list('talk-post', replyId)}?name=d.txt`,
      'on my reply',
    );
    const listed = await callApi(app, other, 'GET', list('talk-post', postId));
    const outside = await callApi(
      app,
      outsider,
      'GET',
      list('talk-post', replyId),
    );

    assert.equal(byAuthor.statusCode, 201, byAuthor.body);
    assert.equal(byModerator.statusCode, 201, byModerator.body);
    assert.equal(byOther.statusCode, 403, byOther.body);
    assert.equal(byOther.json().error.code, 'FORBIDDEN');
    assert.equal(onReply.statusCode, 201, onReply.body);
    assert.deepEqual(
      listed.json().items.map((each: { name: string }) => each.name),
      ['a.txt', 'b.txt'],
    );
    assert.equal(outside.statusCode, 404);
  });

  it('refuses a blog post’s mere reader with 403, and 404 once it is deleted', async () => {
    const { db } = database();
    const blog = await ensurePersonBlog(db, owner.id);
    const post = await buildBlogPost(app, owner, blog.slug, 'Open letter');
    const url = list('blog-post', post.id);

    const byAuthor = await attachRaw(
      app,
      owner,
      `${url}?name=letter.txt`,
      'Dear all',
    );
    const [file] = byAuthor.json().items;
    const byReader = await attachRaw(
      app,
      outsider,
      `${url}?name=x.txt`,
      'mine',
    );
    const readerList = await callApi(app, outsider, 'GET', url);
    const readerFile = await callApi(
      app,
      outsider,
      'GET',
      `/files/${file.id}/download`,
    );
    const deleted = await callApi(
      app,
      owner,
      'DELETE',
      `/api/v1/blogs/${blog.slug}/posts/${post.slug}`,
    );
    const afterList = await callApi(app, outsider, 'GET', url);
    const afterFile = await callApi(app, outsider, 'GET', `/files/${file.id}`);

    assert.equal(byAuthor.statusCode, 201, byAuthor.body);
    assert.equal(byReader.statusCode, 403, byReader.body);
    assert.equal(byReader.json().error.code, 'FORBIDDEN');
    assert.equal(byReader.headers.connection, 'close');
    assert.equal(readerList.statusCode, 200);
    assert.equal(readerList.json().total, 1);
    assert.equal(readerFile.body, 'Dear all');
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.equal(afterList.statusCode, 404);
    assert.equal(afterFile.statusCode, 404);
  });

  it('takes a deleted wiki page’s and Talk reply’s attachments from their readers', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, member, secret.slug, 'Gone');
    const { threadId } = await buildThread(
      app,
      db,
      member,
      secret.slug,
      'Old news',
    );
    const replyId = await buildReply(app, db, member, threadId);
    const onPage = await attachRaw(
      app,
      member,
      `${list('wiki-page', pageId)}?name=page.txt`,
      'on the page',
    );
    const onReply = await attachRaw(
      app,
      member,
      `${list('talk-post', replyId)}?name=reply.txt`,
      'on the reply',
    );
    const pageFile = onPage.json().items[0].id as number;
    const replyFile = onReply.json().items[0].id as number;

    const before = await callApi(
      app,
      other,
      'GET',
      `/files/${replyFile}/download`,
    );
    const deletedPage = await callApi(
      app,
      owner,
      'DELETE',
      `/api/v1/wiki/${secret.slug}/pages/Gone`,
    );
    const deletedReply = await callApi(
      app,
      member,
      'DELETE',
      `/api/v1/talk/posts/${replyId}`,
    );
    const answers = [
      await callApi(app, other, 'GET', `/files/${pageFile}/download`),
      await callApi(app, other, 'GET', list('wiki-page', pageId)),
      await callApi(app, other, 'GET', `/files/${replyFile}/download`),
      await callApi(app, other, 'GET', list('talk-post', replyId)),
    ];

    assert.equal(before.body, 'on the reply');
    assert.equal(deletedPage.statusCode, 204, deletedPage.body);
    assert.equal(deletedReply.statusCode, 204, deletedReply.body);
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [404, 404, 404, 404],
    );
  });

  it('lets blog managers and wiki editors attach, not an open group’s readers', async () => {
    const { db } = database();
    const open = await buildGroup(db, owner.id, { visibility: 'open' });
    await addGroupMember(db, open, member.id);
    const blog = await ensureGroupBlog(db, open.id);
    const post = await buildBlogPost(app, member, blog.slug, 'Open day');
    const pageId = await buildWikiPage(app, db, owner, open.slug, 'Open day');

    const answers = [
      await attachRaw(
        app,
        owner,
        `${list('blog-post', post.id)}?name=a.txt`,
        'a',
      ),
      await attachRaw(
        app,
        member,
        `${list('wiki-page', pageId)}?name=b.txt`,
        'b',
      ),
      await attachRaw(
        app,
        outsider,
        `${list('blog-post', post.id)}?name=c.txt`,
        'c',
      ),
      await attachRaw(
        app,
        outsider,
        `${list('wiki-page', pageId)}?name=d.txt`,
        'd',
      ),
      await callApi(app, outsider, 'GET', list('wiki-page', pageId)),
    ];

    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [201, 201, 403, 403, 200],
    );
    assert.deepEqual(
      answers[4]?.json().items.map((each: { name: string }) => each.name),
      ['b.txt'],
    );
  });

  it('hides an open group’s attachment from outsiders once the group turns secret', async () => {
    const { db } = database();
    const open = await buildGroup(db, owner.id, { visibility: 'open' });
    const pageId = await buildWikiPage(app, db, owner, open.slug, 'Rota');
    const made = await attachRaw(
      app,
      owner,
      `${list('wiki-page', pageId)}?name=rota.txt`,
      'Mondays',
    );
    const [file] = made.json().items;

    const before = await callApi(
      app,
      outsider,
      'GET',
      `/files/${file.id}/download`,
    );
    await db
      .updateTable('groups')
      .set({ visibility: 'secret' })
      .where('id', '=', open.id)
      .execute();
    const afterFile = await callApi(
      app,
      outsider,
      'GET',
      `/files/${file.id}/download`,
    );
    const afterList = await callApi(
      app,
      outsider,
      'GET',
      list('wiki-page', pageId),
    );

    assert.equal(before.statusCode, 200);
    assert.equal(before.body, 'Mondays');
    assert.equal(afterFile.statusCode, 404);
    assert.equal(afterList.statusCode, 404);
  });

  it('removes an attachment for those who may attach, and refuses others', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, member, secret.slug, 'Drafts');
    const url = list('wiki-page', pageId);
    const made = await attachRaw(app, member, `${url}?name=old.txt`, 'old');
    const [file] = made.json().items;

    const byOutsider = await callApi(
      app,
      outsider,
      'DELETE',
      `${url}/${file.id}`,
    );
    const byEditor = await callApi(app, other, 'DELETE', `${url}/${file.id}`);
    const again = await callApi(app, other, 'DELETE', `${url}/${file.id}`);
    const listed = await callApi(app, member, 'GET', url);

    assert.equal(byOutsider.statusCode, 404);
    assert.equal(byEditor.statusCode, 204, byEditor.body);
    assert.equal(again.statusCode, 404);
    assert.equal(listed.json().total, 0);
  });

  it('reads the attachments of a whole page of posts in one query', async () => {
    const { db } = database();
    const { threadId, postId } = await buildThread(
      app,
      db,
      member,
      secret.slug,
      'Counted',
    );
    const replyId = await buildReply(app, db, other, threadId);
    const bare = await buildReply(app, db, other, threadId);
    for (const [caller, id, name] of [
      [member, postId, 'one.txt'],
      [other, replyId, 'two.txt'],
      [other, replyId, 'three.txt'],
    ] as const) {
      const made = await attachRaw(
        app,
        caller,
        `${list('talk-post', id)}?name=${name}`,
        name,
      );
      assert.equal(made.statusCode, 201, made.body);
    }
    // Subqueries pass through transformQuery too: a result is one query.
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery(args) {
        return args.node;
      },
      async transformResult(args) {
        queries += 1;
        return args.result;
      },
    };
    const reader = {
      kind: 'person' as const,
      id: other.id,
      role: 'member' as const,
      displayName: 'Oli Other',
      via: 'token' as const,
    };

    const found = await attachmentsOfItems(
      db.withPlugin(counter),
      reader,
      'talk_post',
      [postId, replyId, bare],
    );

    assert.equal(queries, 1);
    assert.deepEqual(
      [postId, replyId, bare].map((id) =>
        (found.get(id) ?? []).map((file) => file.name),
      ),
      [['one.txt'], ['two.txt', 'three.txt'], []],
    );
  });

  it('answers 404 for an unknown kind or id', async () => {
    const unknownKind = await callApi(app, member, 'GET', list('photo', 1));
    const noItem = await callApi(app, member, 'GET', list('wiki-page', 999999));

    assert.equal(unknownKind.statusCode, 404);
    assert.equal(noItem.statusCode, 404);
    assert.equal(noItem.json().error.code, 'ITEM_NOT_FOUND');
  });
});
