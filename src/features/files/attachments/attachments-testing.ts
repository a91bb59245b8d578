import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { Db } from '../../../database.ts';
import { callApi } from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';

// What the attachment tests share: items written through their own
// features' APIs, their ids, and a small real PNG (the type comes from
// the bytes, so a made-up header would not do).

/** A tiny PNG, well under the test app's per-file limit. */
export async function tinyPng(): Promise<Buffer> {
  return sharp({
    create: { width: 2, height: 2, channels: 3, background: '#1d70b8' },
  })
    .png()
    .toBuffer();
}

/** Writes a wiki page in `space` and answers its id. */
export async function buildWikiPage(
  app: FastifyInstance,
  db: Db,
  author: ApiCaller,
  space: string,
  title: string,
): Promise<number> {
  const url = `/api/v1/wiki/${space}/pages/${encodeURIComponent(title)}`;
  const saved = await app.inject({
    method: 'PUT',
    url,
    headers: { authorization: author.authorization },
    payload: { body: `The text of ${title}.` },
  });
  assert.equal(saved.statusCode, 201, saved.body);
  const row = await db
    .selectFrom('wiki_pages')
    .select('id')
    .where('title', '=', title)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Starts a thread in a group's discussions; answers its first post's id. */
export async function buildThread(
  app: FastifyInstance,
  db: Db,
  author: ApiCaller,
  groupSlug: string,
  title: string,
): Promise<{ threadId: number; postId: number }> {
  const made = await callApi(
    app,
    author,
    'POST',
    `/api/v1/talk/groups/${groupSlug}/threads`,
    { title, body: `Opening ${title}` },
  );
  assert.equal(made.statusCode, 201, made.body);
  const post = await db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .select(['p.id', 'p.thread_id'])
    .where('t.title', '=', title)
    .where('p.position', '=', 1)
    .executeTakeFirstOrThrow();
  return { threadId: post.thread_id, postId: post.id };
}

/** Replies to a thread; answers the reply's id. */
export async function buildReply(
  app: FastifyInstance,
  db: Db,
  author: ApiCaller,
  threadId: number,
): Promise<number> {
  const made = await callApi(
    app,
    author,
    'POST',
    `/api/v1/talk/threads/${threadId}/replies`,
    { body: 'A reply' },
  );
  assert.equal(made.statusCode, 201, made.body);
  const row = await db
    .selectFrom('talk_posts')
    .select('id')
    .where('thread_id', '=', threadId)
    .where('author_id', '=', author.id)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Publishes a post in a blog; answers its id and slug. */
export async function buildBlogPost(
  app: FastifyInstance,
  author: ApiCaller,
  blogSlug: string,
  title: string,
  audience = 'everyone',
): Promise<{ id: number; slug: string }> {
  const made = await callApi(
    app,
    author,
    'POST',
    `/api/v1/blogs/${blogSlug}/posts`,
    { title, body: 'Words.', status: 'published', audience },
  );
  assert.equal(made.statusCode, 201, made.body);
  const post = made.json() as { id: number; slug: string };
  return { id: post.id, slug: post.slug };
}

/** Sends a file's bytes as the raw body of an attachment upload. */
export function attachRaw(
  app: FastifyInstance,
  caller: ApiCaller,
  url: string,
  content: Buffer | string,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: caller.authorization,
      'content-type': 'application/octet-stream',
    },
    payload: content,
  });
}
