import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { nextNumber } from '../../../test-support/factories.ts';
import { buildCaller, callApi } from '../../../test-support/groups.ts';
import { ensureSiteCategory } from '../categories.ts';
import { appendPost } from '../posts.ts';
import { lastReadPosition, markRead } from '../reading.ts';
import { createThread } from '../threads.ts';

// Read markers moved by what a reader does through the API.

await describeEachDatabase('unread markers in the Talk API', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('does not count a reply posted through the API as new to its author', async () => {
    const { db } = database();
    const author = await buildCaller(db, { displayName: 'Ann Author' });
    const reader = await buildCaller(db, { displayName: 'Rita Reader' });
    const slug = `api-unread-${nextNumber()}`;
    const category = await ensureSiteCategory(db, slug, 'API unread');
    const by = { authorId: author.id, authorName: 'Ann Author' };
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title: 'Read markers',
      body: 'Opening',
      ...by,
    });
    await appendPost(db, threadId, { body: 'First reply', ...by });
    await markRead(db, reader.id, threadId, 2);

    const replied = await callApi(
      app,
      reader,
      'POST',
      `/api/v1/talk/threads/${threadId}/replies`,
      { body: 'My own reply' },
    );
    const view = await callApi(
      app,
      reader,
      'GET',
      `/api/v1/talk/threads/${threadId}`,
    );

    assert.equal(replied.statusCode, 201, replied.body);
    assert.equal(await lastReadPosition(db, reader.id, threadId), 3);
    assert.equal(view.json<{ firstUnread: unknown }>().firstUnread, null);
  });

  it('does not count a thread started through the API as new to its author', async () => {
    const { db } = database();
    const author = await buildCaller(db, { displayName: 'Sid Starter' });
    const slug = `api-started-${nextNumber()}`;
    await ensureSiteCategory(db, slug, 'API started');

    const started = await callApi(
      app,
      author,
      'POST',
      `/api/v1/talk/categories/${slug}/threads`,
      { title: 'My own thread', body: 'Opening words' },
    );
    const threadId = started.json<{ id: number }>().id;
    const view = await callApi(
      app,
      author,
      'GET',
      `/api/v1/talk/threads/${threadId}`,
    );

    assert.equal(started.statusCode, 201, started.body);
    assert.equal(await lastReadPosition(db, author.id, threadId), 1);
    assert.equal(view.json<{ firstUnread: unknown }>().firstUnread, null);
  });
});
