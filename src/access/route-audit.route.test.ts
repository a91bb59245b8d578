import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { dialectOf } from '../platform/db/dialect.ts';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import {
  buildDepartment,
  buildPost,
  buildUnit,
} from '../test-support/factories.ts';

// Audits of the whole route table, read from the app itself, so a route
// added tomorrow is audited tomorrow without anyone remembering to.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Tables a read may touch: a session's last-seen time and a token's
// last-used time are bookkeeping, not a change anyone asked for.
const BOOKKEEPING = new Set(['sessions', 'api_tokens', 'sign_in_failures']);

async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const result =
    dialectOf(db) === 'sqlite'
      ? await sql<{ name: string }>`
          select name from sqlite_master where type = 'table'
          and name not like 'sqlite_%' and name not like 'directory_fts%'`.execute(
          db,
        )
      : await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = current_schema()`.execute(db);
  return result.rows
    .map((row) => row.name)
    .filter((name) => !BOOKKEEPING.has(name))
    .sort();
}

/** A digest of every row of every table but the bookkeeping ones. */
async function snapshot(db: Kysely<Database>): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const name of await tableNames(db)) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(db);
    const lines = rows.rows.map((row) => JSON.stringify(row)).sort();
    digests[name] = createHash('sha256').update(lines.join('\n')).digest('hex');
  }
  return digests;
}

await describeEachDatabase('the route table', (database) => {
  let app: FastifyInstance;
  let fill: (url: string) => string;
  let admin: { id: number; email: string };
  let guest: { id: number; email: string };
  const MARKER = 'Zanzibar Quillfeather';

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    admin = await buildAccount(db, { role: 'admin', displayName: 'Ada Admin' });
    guest = await buildAccount(db, { role: 'guest', displayName: 'Gus Guest' });
    const department = await buildDepartment(db, 'Ministry of Marker Tests');
    const unit = await buildUnit(db, department.id, 'Marker Unit');
    const member = await buildAccount(db, {
      displayName: MARKER,
      jobTitle: 'Marker Keeper',
      departmentId: department.id,
      unitId: unit.id,
    });
    const post = await buildPost(db, {
      departmentId: department.id,
      unitId: unit.id,
      jobTitle: 'Marker Keeper',
      holderIds: [member.id],
    });
    fill = (url) =>
      url
        .replace(/^(\/people\/posts|\/api\/v1\/posts)\/:id/, `$1/${post}`)
        .replace(':id', String(member.id))
        .replace(':slug', department.slug)
        .replace(':unit', unit.slug)
        .replace('*', 'civilmedia-icon.svg');
  });
  after(async () => {
    await app.close();
  });

  it('has no route that changes anything on GET (BUG-17)', async () => {
    const { db } = database();
    const authorization = await bearer(db, admin.id);
    const before = await snapshot(db);
    const gets = app.routeTable.filter((route) => route.method === 'GET');
    assert.ok(gets.length > 20, 'the audit sees the routes');

    for (const route of gets) {
      const response = await app.inject({
        url: fill(route.url),
        headers: { authorization },
      });
      assert.ok(
        response.statusCode < 500,
        `${route.url} answered ${response.statusCode}`,
      );
    }

    assert.deepEqual(await snapshot(db), before);
  });

  it('answers GET to every route that changes something with 405 or a form', async () => {
    const authorization = await bearer(database().db, admin.id);
    const unsafe = app.routeTable.filter((route) => UNSAFE.has(route.method));
    const withGet = new Set(
      app.routeTable
        .filter((route) => route.method === 'GET')
        .map((route) => route.url),
    );
    for (const route of unsafe.filter((entry) => !withGet.has(entry.url))) {
      const response = await app.inject({
        url: fill(route.url),
        headers: { authorization },
      });
      assert.equal(response.statusCode, 405, `GET ${route.url}`);
      assert.match(String(response.headers.allow), new RegExp(route.method));
    }
  });

  it('refuses every change sent without a CSRF token from a signed-in browser', async () => {
    const { db } = database();
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/');
    const before = await snapshot(db);
    // SCIM's bearer tokens and an unsubscribe link's signature are their
    // own credentials, which no forged request can carry.
    const unsafe = app.routeTable.filter(
      (route) =>
        UNSAFE.has(route.method) &&
        !route.url.startsWith('/scim/') &&
        route.url !== '/email/unsubscribe',
    );

    for (const route of unsafe) {
      const response = await app.inject({
        method: route.method as 'POST',
        url: fill(route.url),
        headers: {
          cookie: `cm_session=${browser.cookie('cm_session')}`,
          origin: 'https://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'role=member&name=Forged&localSignIn=&email=x@evil.example',
      });
      assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
    }

    assert.deepEqual(await snapshot(db), before);
    assert.ok(browser.cookie('cm_session'), 'the session survives');
    assert.equal((await browser.get('/')).statusCode, 200);
  });

  it('shows a guest in no group only their account, profile and empty lists', async () => {
    const { db } = database();
    const authorization = await bearer(db, guest.id);
    const reached: string[] = [];
    const gets = app.routeTable.filter(
      (route) => route.method === 'GET' && route.config.access !== 'public',
    );

    for (const route of gets) {
      const url = fill(route.url);
      const response = await app.inject({ url, headers: { authorization } });
      assert.ok(
        !response.body.includes(MARKER),
        `${url} shows the marker to a guest`,
      );
      assert.ok(
        !response.body.includes('Marker Keeper'),
        `${url} leaks a job title`,
      );
      if (response.statusCode === 200) {
        reached.push(route.url);
      }
    }

    // Group lists, the wiki's front page and Talk's lists open to guests,
    // but list only what is in the guest's own groups: none for this one.
    assert.deepEqual(reached.sort(), [
      '/',
      '/account',
      '/account/email',
      '/account/feeds',
      '/account/password',
      '/api/v1/account/email-preferences',
      '/api/v1/account/feed-tokens',
      '/api/v1/activity',
      '/api/v1/blogs',
      '/api/v1/blogs/tags/:tag',
      '/api/v1/groups',
      '/api/v1/invitations',
      '/api/v1/notifications',
      '/api/v1/talk/categories',
      '/api/v1/talk/latest',
      '/api/v1/talk/status',
      '/api/v1/talk/tags/:tag',
      '/api/v1/talk/tags/:tag/threads',
      '/api/v1/talk/unanswered',
      '/api/v1/wiki/recent-changes',
      '/blogs',
      '/blogs/feed.atom',
      '/blogs/tags/:tag',
      '/blogs/tags/:tag/feed.atom',
      '/groups',
      '/groups/invitations',
      '/groups/mine',
      '/notifications',
      '/search',
      '/talk',
      '/talk/latest',
      '/talk/latest.atom',
      '/talk/tags/:tag',
      '/talk/unanswered',
      '/wiki',
    ]);
    for (const url of [
      '/api/v1/blogs',
      '/api/v1/blogs/tags/:tag',
      '/api/v1/notifications',
      '/api/v1/talk/categories',
      '/api/v1/talk/latest',
      '/api/v1/talk/status',
      '/api/v1/talk/tags/:tag/threads',
      '/api/v1/talk/unanswered',
      '/api/v1/wiki/recent-changes',
    ]) {
      const list = await app.inject({ url, headers: { authorization } });
      assert.deepEqual(
        { items: list.json().items, total: list.json().total },
        { items: [], total: 0 },
        url,
      );
    }
    const stream = await app.inject({
      url: '/api/v1/activity',
      headers: { authorization },
    });
    assert.deepEqual(stream.json(), { items: [], nextCursor: null });
    const feed = await app.inject({
      url: '/talk/latest.atom',
      headers: { authorization },
    });
    assert.equal(feed.statusCode, 200);
    assert.doesNotMatch(feed.body, /<entry>/);
    const groups = await app.inject({
      url: '/api/v1/groups',
      headers: { authorization },
    });
    assert.deepEqual(
      { items: groups.json().items, total: groups.json().total },
      { items: [], total: 0 },
    );
    const own = await app.inject({
      url: `/people/${guest.id}`,
      headers: { authorization },
    });
    assert.equal(own.statusCode, 200);
    const api = await app.inject({
      url: '/api/v1/people?q=marker',
      headers: { authorization },
    });
    assert.equal(api.statusCode, 403);
    assert.equal(api.json().error.code, 'GUEST_NOT_ALLOWED');
    // Search is open to guests, over their own groups only: none here.
    const found = await app.inject({
      url: '/api/v1/search?q=marker+keeper',
      headers: { authorization },
    });
    assert.deepEqual(
      { items: found.json().items, total: found.json().total },
      { items: [], total: 0 },
    );
  });
});
