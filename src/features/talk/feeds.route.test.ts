import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sax from 'sax';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { setSetting } from '../admin/settings.ts';
import { ensureGroupCategory } from './categories.ts';
import { findPost, unshowPost } from './posts.ts';

// Talk's Atom feeds through inject(), on both databases: they answer
// whom the JSON API answers and hide what it hides (BUG-01).

const PUBLIC_URL = 'https://intranet.example.gov.uk';
const SYSTEM = { personId: null, label: 'test' };

/**
 * The text of each element at `path` (such as feed/entry/title), as a
 * strict parser reads it: it throws on a document that is not XML.
 */
function textsAt(xml: string, path: string): string[] {
  const parser = sax.parser(true);
  const texts: string[] = [];
  const open: string[] = [];
  parser.onopentag = (tag) => {
    open.push(tag.name);
    if (open.join('/') === path) {
      texts.push('');
    }
  };
  parser.onclosetag = () => {
    open.pop();
  };
  parser.ontext = (text) => {
    if (open.join('/') === path) {
      texts[texts.length - 1] += text;
    }
  };
  parser.write(xml).close();
  return texts;
}

function entryTitles(xml: string): string[] {
  return textsAt(xml, 'feed/entry/title');
}

await describeEachDatabase('the Talk Atom feeds', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let admin: ApiCaller;

  before(async () => {
    app = await buildTestApp(database(), { PUBLIC_URL });
    const { db } = database();
    alice = await buildCaller(db, { displayName: 'Alice' });
    bob = await buildCaller(db, { displayName: 'Bob' });
    admin = await buildCaller(db, { displayName: 'Ada', role: 'admin' });
  });
  after(async () => {
    await app.close();
  });

  function get(
    caller: ApiCaller | null,
    url: string,
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      url,
      headers: caller ? { authorization: caller.authorization } : {},
    });
  }

  async function post(
    caller: ApiCaller,
    url: string,
    payload: object,
  ): Promise<number> {
    const made = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: caller.authorization },
      payload,
    });
    assert.equal(made.statusCode, 201, made.body);
    return made.json<{ id: number }>().id;
  }

  /** An open group of Alice's with Bob in it. */
  async function groupOfBoth(name: string) {
    const { db } = database();
    const group = await buildGroup(db, alice.id, { name });
    await addGroupMember(db, group, bob.id);
    return group;
  }

  async function withPublicReading(run: () => Promise<void>): Promise<void> {
    await setSetting(database().db, 'publicReading', true, SYSTEM);
    try {
      await run();
    } finally {
      await setSetting(database().db, 'publicReading', false, SYSTEM);
    }
  }

  for (const visibility of ['closed', 'secret'] as const) {
    it(`keeps a ${visibility} group’s thread out of outsiders’ feeds (BUG-01)`, async () => {
      const { db } = database();
      const board = await buildGroup(db, alice.id, {
        name: 'Board',
        visibility,
      });
      const category = await ensureGroupCategory(db, {
        ...board,
        name: 'Board minutes',
      });
      const id = await post(
        alice,
        `/api/v1/talk/groups/${board.slug}/threads`,
        {
          title: 'Merger timeline',
          body: 'Target close date 2025-06-30',
        },
      );
      const secret = /Merger timeline|Target close date|Board minutes/;
      const urls = [
        `/talk/categories/${category.slug}/feed.atom`,
        `/talk/threads/${id}/feed.atom`,
        `/api/v1/talk/threads/${id}`,
      ];

      const refused = async (caller: ApiCaller | null, status: number) => {
        for (const url of urls) {
          const response = await get(caller, url);
          assert.equal(response.statusCode, status, url);
          assert.doesNotMatch(response.body, secret, url);
        }
        const latest = await get(caller, '/talk/latest.atom');
        assert.equal(latest.statusCode, 200);
        assert.doesNotMatch(latest.body, secret);
        assert.equal(
          entryTitles(latest.body).includes('Merger timeline'),
          false,
        );
      };
      await refused(bob, 404);
      await withPublicReading(() => refused(null, 404));

      const mine = await get(alice, urls[0] ?? '');
      assert.equal(mine.statusCode, 200);
      assert.deepEqual(entryTitles(mine.body), ['Merger timeline']);
      assert.match(mine.body, /<title>Board minutes – Talk<\/title>/);
      assert.match(mine.body, /Target close date 2025-06-30/);
      const thread = await get(alice, urls[1] ?? '');
      assert.deepEqual(entryTitles(thread.body), ['Merger timeline']);
      const latest = await get(alice, '/talk/latest.atom');
      assert.equal(entryTitles(latest.body).includes('Merger timeline'), true);
    });
  }

  it('answers a signed-out feed reader 401, telling nothing (BUG-01)', async () => {
    for (const url of ['/talk/latest.atom', '/talk/latest.atom?x=1']) {
      const response = await get(null, url);

      assert.equal(response.statusCode, 401, url);
      assert.equal(response.headers.location, undefined);
      assert.doesNotMatch(response.body, /Merger|Board|Target close/);
    }
  });

  it('gives public readers an open group’s feed, not a site category’s', async () => {
    const { db } = database();
    const open = await buildGroup(db, alice.id, { name: 'Allotments' });
    const id = await post(alice, `/api/v1/talk/groups/${open.slug}/threads`, {
      title: 'Seed swap',
      body: 'Bring beans',
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/talk/categories',
      headers: { authorization: admin.authorization },
      payload: { slug: 'feeds-staff', name: 'Staff notices' },
    });
    await post(admin, '/api/v1/talk/categories/feeds-staff/threads', {
      title: 'Office move',
      body: 'Floor 3',
    });

    await withPublicReading(async () => {
      const group = await get(
        null,
        `/talk/categories/group-${open.slug}/feed.atom`,
      );
      assert.equal(group.statusCode, 200);
      assert.deepEqual(entryTitles(group.body), ['Seed swap']);
      const thread = await get(null, `/talk/threads/${id}/feed.atom`);
      assert.equal(thread.statusCode, 200);
      const site = await get(null, '/talk/categories/feeds-staff/feed.atom');
      assert.equal(site.statusCode, 404);
      assert.doesNotMatch(site.body, /Office move|Staff notices/);
      const latest = await get(null, '/talk/latest.atom');
      assert.equal(entryTitles(latest.body).includes('Seed swap'), true);
      assert.equal(entryTitles(latest.body).includes('Office move'), false);
    });
    const staff = await get(bob, '/talk/latest.atom');
    assert.equal(entryTitles(staff.body).includes('Office move'), true);
  });

  it('answers an Atom document with its own address, its page and each post’s page', async () => {
    const group = await groupOfBoth('Choir');
    const id = await post(alice, `/api/v1/talk/groups/${group.slug}/threads`, {
      title: 'Rehearsal',
      body: 'Tuesday',
    });
    const replyId = await post(bob, `/api/v1/talk/threads/${id}/replies`, {
      body: 'I will be there',
    });

    const response = await get(bob, `/talk/threads/${id}/feed.atom`);

    assert.equal(response.statusCode, 200);
    assert.equal(
      response.headers['content-type'],
      'application/atom+xml; charset=utf-8',
    );
    const base = `${PUBLIC_URL}/talk/threads/${id}`;
    assert.match(
      response.body,
      /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/,
    );
    assert.match(response.body, new RegExp(`<id>${base}</id>`));
    assert.match(
      response.body,
      new RegExp(`<link rel="self" href="${base}/feed\\.atom"/>`),
    );
    assert.match(
      response.body,
      new RegExp(`<link rel="alternate" href="${base}"/>`),
    );
    assert.deepEqual(entryTitles(response.body), [
      'Re: Rehearsal',
      'Rehearsal',
    ]);
    const replyUrl = `${PUBLIC_URL}/talk/posts/${replyId}`;
    assert.match(
      response.body,
      new RegExp(
        `<id>${replyUrl}</id>[\\s\\S]*<author><name>Bob</name></author>\\s*` +
          `<link rel="alternate" type="text/html" href="${replyUrl}"/>\\s*` +
          '<content type="html">&lt;p&gt;I will be there&lt;/p&gt;\n</content>',
      ),
    );
  });

  it('sends hostile Markdown escaped and sanitised, so it is inert in a feed reader', async () => {
    const group = await groupOfBoth('Pranks');
    const id = await post(alice, `/api/v1/talk/groups/${group.slug}/threads`, {
      title: 'Hello </title><entry>',
      body: 'Hi',
    });
    await post(bob, `/api/v1/talk/threads/${id}/replies`, {
      body: [
        `<img src="x" onerror="alert(1)">`,
        '[click](javascript:alert(2))',
        ']]></content><entry><title>Forged</title></entry>',
      ].join('\n\n'),
    });

    const response = await get(alice, `/talk/threads/${id}/feed.atom`);

    assert.deepEqual(entryTitles(response.body), [
      'Re: Hello </title><entry>',
      'Hello </title><entry>',
    ]);
    assert.doesNotMatch(
      response.body,
      /<img|<script|onerror="|<a href="javascript/i,
    );
    assert.doesNotMatch(response.body, /href=&quot;javascript/i);
    assert.deepEqual(textsAt(response.body, 'feed/entry/content'), [
      '<p>&lt;img src="x" onerror="alert(1)"&gt;</p>\n' +
        '<p>[click](javascript:alert(2))</p>\n' +
        '<p>]]&gt;&lt;/content&gt;&lt;entry&gt;&lt;title&gt;Forged' +
        '&lt;/title&gt;&lt;/entry&gt;</p>\n',
      '<p>Hi</p>\n',
    ]);
  });

  it('leaves hidden and deleted replies out of a thread’s feed', async () => {
    const { db } = database();
    const group = await groupOfBoth('Cyclists');
    const id = await post(alice, `/api/v1/talk/groups/${group.slug}/threads`, {
      title: 'Routes',
      body: 'Share yours',
    });
    const hidden = await post(bob, `/api/v1/talk/threads/${id}/replies`, {
      body: 'Hidden spam',
    });
    const deleted = await post(bob, `/api/v1/talk/threads/${id}/replies`, {
      body: 'Deleted words',
    });
    await post(bob, `/api/v1/talk/threads/${id}/replies`, {
      body: 'Canal path',
    });
    const found = await findPost(db, hidden);
    assert.ok(found);
    await unshowPost(db, found, { hiddenAt: '2026-12-04T12:00:00.000Z' });
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/v1/talk/posts/${deleted}`,
      headers: { authorization: bob.authorization },
    });
    assert.equal(removed.statusCode, 204);

    const response = await get(alice, `/talk/threads/${id}/feed.atom`);

    assert.deepEqual(entryTitles(response.body), ['Re: Routes', 'Routes']);
    assert.match(response.body, /Canal path/);
    assert.doesNotMatch(response.body, /Hidden spam|Deleted words/);
  });

  it('gives a thread with a hidden opening post no content in a feed', async () => {
    const { db } = database();
    const group = await groupOfBoth('Hidden openings');
    const id = await post(alice, `/api/v1/talk/groups/${group.slug}/threads`, {
      title: 'Quiet',
      body: 'Removed by a moderator',
    });
    await post(bob, `/api/v1/talk/threads/${id}/replies`, {
      body: 'First reply',
    });
    const [opening] = await db
      .selectFrom('talk_posts')
      .selectAll()
      .where('thread_id', '=', id)
      .where('position', '=', 1)
      .execute();
    const found = await findPost(db, opening?.id ?? 0);
    assert.ok(found);
    await unshowPost(db, found, { hiddenAt: '2026-12-04T12:00:00.000Z' });

    const response = await get(
      bob,
      `/talk/categories/group-${group.slug}/feed.atom`,
    );

    assert.deepEqual(entryTitles(response.body), ['Quiet']);
    assert.deepEqual(textsAt(response.body, 'feed/entry/content'), ['']);
    assert.match(
      response.body,
      new RegExp(`href="${PUBLIC_URL}/talk/threads/${id}"`),
    );
  });

  it('lists at most 50 entries, the latest first', async () => {
    const group = await groupOfBoth('Busy');
    const id = await post(alice, `/api/v1/talk/groups/${group.slug}/threads`, {
      title: 'Long',
      body: 'Start',
    });
    for (let n = 1; n <= 51; n += 1) {
      await post(bob, `/api/v1/talk/threads/${id}/replies`, { body: `R${n}` });
    }

    const contents = textsAt(
      (await get(alice, `/talk/threads/${id}/feed.atom`)).body,
      'feed/entry/content',
    );

    assert.equal(contents.length, 50);
    assert.equal(contents[0], '<p>R51</p>\n');
    assert.equal(contents[49], '<p>R2</p>\n');
  });
});
