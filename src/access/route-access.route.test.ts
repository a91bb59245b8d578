import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, FastifyRequest, InjectOptions } from 'fastify';
import { buildApp } from '../app.ts';
import { setSetting } from '../features/admin/settings.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logging.ts';
import { ROUTE_ACCESS } from '../platform/route-config.ts';
import type { RouteAccess } from '../platform/route-config.ts';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import type { TestDatabase } from '../test-support/databases.ts';

// Every access level, through routes of its own added to a real app, and
// every route of the app itself, read from its route table: a route added
// tomorrow is checked tomorrow without anyone remembering to.

const SYSTEM = { personId: null, label: 'system' };

/** The app as buildTestApp makes it, not yet ready: routes can be added. */
async function buildUnreadyApp(database: TestDatabase) {
  return buildApp({
    config: loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      COOKIE_SECRET: 'test-secret-that-is-at-least-32-characters',
    }),
    db: database.db,
    logger: createLogger('silent'),
  });
}

/** What the handler of a test route saw of the request's actor. */
function actorSeen(request: FastifyRequest) {
  const actor = request.actor;
  return actor.kind === 'person'
    ? { actor: actor.role }
    : { actor: 'anonymous', publicReading: actor.publicReading === true };
}

await describeEachDatabase('access levels', (database) => {
  let app: FastifyInstance;
  const who: Record<string, Record<string, string>> = { anonymous: {} };

  before(async () => {
    const { db } = database();
    app = await buildUnreadyApp(database());
    for (const access of ROUTE_ACCESS) {
      const route = { config: { access } };
      app.get(`/levels/${access}`, route, async (request) =>
        actorSeen(request),
      );
      app.get(`/api/v1/levels/${access}`, route, async (request) =>
        actorSeen(request),
      );
      app.post(`/levels/${access}`, route, async (request) =>
        actorSeen(request),
      );
    }
    await app.ready();
    for (const role of ['guest', 'member', 'admin'] as const) {
      const person = await buildAccount(db, { role });
      who[role] = { authorization: await bearer(db, person.id) };
    }
  });
  after(async () => {
    await app.close();
  });

  /** The status, and the actor seen, the refusal's code or the redirect. */
  async function visit(url: string, actor: string) {
    const response = await app.inject({ url, headers: who[actor] });
    if (response.statusCode === 200) {
      return { status: 200, ...(response.json() as object) };
    }
    if (response.statusCode === 303) {
      return { status: 303, location: response.headers.location };
    }
    if (url.startsWith('/api/')) {
      return { status: response.statusCode, code: response.json().error.code };
    }
    return { status: response.statusCode };
  }

  const signIn = (access: RouteAccess) => ({
    status: 303,
    location: `/sign-in?returnTo=%2Flevels%2F${access}`,
  });
  const anonymous = { status: 200, actor: 'anonymous', publicReading: false };
  const guest = { status: 200, actor: 'guest' };
  const member = { status: 200, actor: 'member' };
  const admin = { status: 200, actor: 'admin' };
  const pages: Record<RouteAccess, Record<string, object>> = {
    public: { anonymous, guest, member, admin },
    staff: {
      anonymous: signIn('staff'),
      guest: { status: 403 },
      member,
      admin,
    },
    'signed-in': { anonymous: signIn('signed-in'), guest, member, admin },
    readers: { anonymous: signIn('readers'), guest, member, admin },
    admin: {
      anonymous: signIn('admin'),
      guest: { status: 403 },
      member: { status: 403 },
      admin,
    },
    // Nobody is looked up: the route checks its own credentials.
    credentials: {
      anonymous,
      guest: anonymous,
      member: anonymous,
      admin: anonymous,
    },
  };

  for (const access of ROUTE_ACCESS) {
    it(`lets exactly whom '${access}' names into such a page`, async () => {
      for (const [actor, expected] of Object.entries(pages[access])) {
        assert.deepEqual(
          await visit(`/levels/${access}`, actor),
          expected,
          `${actor} on ${access}`,
        );
      }
    });
  }

  it('refuses in API JSON: 401 signed out, 403 coded', async () => {
    const unauthenticated = { status: 401, code: 'UNAUTHENTICATED' };
    const notForGuests = { status: 403, code: 'GUEST_NOT_ALLOWED' };
    const adminOnly = { status: 403, code: 'ADMIN_ONLY' };
    const expected: Record<RouteAccess, object[]> = {
      public: [anonymous, guest, member, admin],
      staff: [unauthenticated, notForGuests, member, admin],
      'signed-in': [unauthenticated, guest, member, admin],
      readers: [unauthenticated, guest, member, admin],
      admin: [unauthenticated, adminOnly, adminOnly, admin],
      credentials: [anonymous, anonymous, anonymous, anonymous],
    };

    for (const access of ROUTE_ACCESS) {
      const seen = [];
      for (const actor of ['anonymous', 'guest', 'member', 'admin']) {
        seen.push(await visit(`/api/v1/levels/${access}`, actor));
      }
      assert.deepEqual(seen, expected[access], access);
    }
  });

  it("ignores personal tokens on 'credentials' routes", async () => {
    const response = await app.inject({
      url: '/api/v1/levels/credentials',
      headers: { authorization: 'Bearer not-a-token' },
    });
    const checked = await app.inject({
      url: '/api/v1/levels/staff',
      headers: { authorization: 'Bearer not-a-token' },
    });

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      actor: 'anonymous',
      publicReading: false,
    });
    assert.equal(checked.statusCode, 401);
    assert.equal(checked.json().error.code, 'INVALID_TOKEN');
  });

  it("wants a CSRF token except on 'credentials' routes", async () => {
    const { db } = database();
    const person = await buildAccount(db, { role: 'admin' });
    const browser = new TestBrowser(app);
    await browser.signIn(person.email);
    const statuses: Record<string, number> = {};

    for (const access of ROUTE_ACCESS) {
      const response = await app.inject({
        method: 'POST',
        url: `/levels/${access}`,
        headers: { cookie: `cm_session=${browser.cookie('cm_session')}` },
      });
      statuses[access] = response.statusCode;
    }

    assert.deepEqual(statuses, {
      public: 403,
      staff: 403,
      'signed-in': 403,
      readers: 403,
      admin: 403,
      credentials: 200,
    });
  });

  describe('with reading opened to signed-out visitors', () => {
    before(async () => {
      await setSetting(database().db, 'publicReading', true, SYSTEM);
    });
    after(async () => {
      await setSetting(database().db, 'publicReading', false, SYSTEM);
    });

    it("lets them into 'readers' routes as public readers", async () => {
      const reader = { status: 200, actor: 'anonymous', publicReading: true };

      assert.deepEqual(await visit('/levels/readers', 'anonymous'), reader);
      assert.deepEqual(
        await visit('/api/v1/levels/readers', 'anonymous'),
        reader,
      );
      assert.deepEqual(await visit('/levels/readers', 'guest'), guest);
      assert.deepEqual(await visit('/levels/readers', 'member'), member);
    });

    it('keeps every other level as it was', async () => {
      assert.deepEqual(await visit('/levels/public', 'anonymous'), anonymous);
      for (const access of ['staff', 'signed-in', 'admin'] as const) {
        assert.deepEqual(
          await visit(`/levels/${access}`, 'anonymous'),
          signIn(access),
        );
      }
    });

    it('closes again on the next request once the setting is off', async () => {
      const { db } = database();
      await setSetting(db, 'publicReading', false, SYSTEM);

      assert.deepEqual(
        await visit('/levels/readers', 'anonymous'),
        signIn('readers'),
      );
      assert.deepEqual(await visit('/api/v1/levels/readers', 'anonymous'), {
        status: 401,
        code: 'UNAUTHENTICATED',
      });

      await setSetting(db, 'publicReading', true, SYSTEM);
      assert.equal((await visit('/levels/readers', 'anonymous')).status, 200);
    });
  });
});

await describeEachDatabase('a route without an access policy', (database) => {
  it('stops the app from starting, naming the route', async () => {
    const app = await buildUnreadyApp(database());
    app.get('/forgotten', async () => 'open by accident');
    app.post('/api/v1/forgotten', async () => 'open by accident');

    await assert.rejects(async () => app.ready(), {
      message:
        'Every route must declare config.access (public, staff, signed-in, ' +
        'readers, admin, credentials); these do not: GET /forgotten, ' +
        'HEAD /forgotten, POST /api/v1/forgotten',
    });
    await app.close().catch(() => undefined);
  });

  it('refuses a level that does not exist', async () => {
    const app = await buildUnreadyApp(database());
    const made = { config: { access: 'everyone' as RouteAccess } };
    app.post('/made-up', made, async () => 'open by accident');

    await assert.rejects(
      async () => app.ready(),
      /these do not: POST \/made-up$/,
    );
    await app.close().catch(() => undefined);
  });

  it("counts a plugin's own default for its routes as declared", async () => {
    const app = await buildUnreadyApp(database());
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'staff' };
      });
      scope.get('/defaulted', async () => 'staff only');
    });

    await app.ready();

    const entries = app.routeTable.filter((r) => r.url === '/defaulted');
    assert.deepEqual(
      entries.map((entry) => [entry.method, entry.config.access]),
      [
        ['GET', 'staff'],
        ['HEAD', 'staff'],
      ],
    );
    await app.close();
  });
});

await describeEachDatabase("the app's routes", (database) => {
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    for (const role of ['guest', 'member'] as const) {
      const person = await buildAccount(db, { role });
      tokens[role] = await bearer(db, person.id);
    }
  });
  after(async () => {
    await app.close();
  });

  /** The routes declaring `access`, as "METHOD /url", HEAD left out. */
  function declaring(access: RouteAccess): string[] {
    return app.routeTable
      .filter((r) => r.config.access === access && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
  }

  it('declares one access level from the closed set for every route', () => {
    const known: readonly string[] = ROUTE_ACCESS;
    const undeclared = app.routeTable.filter(
      (r) => !known.includes(r.config.access ?? ''),
    );

    assert.ok(app.routeTable.length > 100, 'the test sees the routes');
    assert.deepEqual(undeclared, []);
  });

  // A route opened to guests, or to the public, is a decision someone
  // made: adding one means adding it here.
  it('opens to signed-out visitors only signing in, invitation links, health and assets', () => {
    assert.deepEqual(declaring('public'), [
      'GET /assets/*',
      'GET /assets/app.css',
      'GET /assets/govuk-frontend.min.js',
      'GET /assets/talk-unread.js',
      'GET /auth/oidc',
      'GET /auth/oidc/:provider',
      'GET /auth/oidc/:provider/callback',
      'GET /auth/oidc/callback',
      'GET /healthz',
      'GET /invitations/:token',
      'GET /sign-in',
      'POST /invitations/:token',
      'POST /sign-in',
      'POST /sign-out',
    ]);
  });

  it('opens to guests only their account, the home page, profiles and group content routes', () => {
    const open = [...declaring('signed-in'), ...declaring('readers')].sort();

    assert.deepEqual(open, [
      'DELETE /api/v1/account/feed-tokens/:id',
      'DELETE /api/v1/attachments/:kind/:id/:fileId',
      'DELETE /api/v1/blogs/:blog/posts/:post',
      'DELETE /api/v1/blogs/:blog/posts/:post/comments/:comment',
      'DELETE /api/v1/blogs/:blog/watch',
      'DELETE /api/v1/groups/:slug',
      'DELETE /api/v1/groups/:slug/files/:fileId',
      'DELETE /api/v1/groups/:slug/folders/:folderId',
      'DELETE /api/v1/groups/:slug/members/:personId',
      'DELETE /api/v1/groups/:slug/requests/me',
      'DELETE /api/v1/groups/:slug/watch',
      'DELETE /api/v1/people/:id/files/:fileId',
      'DELETE /api/v1/people/:id/folders/:folderId',
      'DELETE /api/v1/talk/categories/:category/moderators/:personId',
      'DELETE /api/v1/talk/categories/:category/watch',
      'DELETE /api/v1/talk/posts/:postId',
      'DELETE /api/v1/talk/posts/:postId/reactions/:kind',
      'DELETE /api/v1/talk/status/:statusId',
      'DELETE /api/v1/talk/status/:statusId/like',
      'DELETE /api/v1/talk/threads/:threadId/watch',
      'DELETE /api/v1/wiki/:space/pages/:title',
      'DELETE /api/v1/wiki/:space/pages/:title/watch',
      'GET /',
      'GET /account',
      'GET /account/email',
      'GET /account/feeds',
      'GET /account/password',
      'GET /api/v1/account/email-preferences',
      'GET /api/v1/account/feed-tokens',
      'GET /api/v1/activity',
      'GET /api/v1/attachments/:kind/:id',
      'GET /api/v1/blogs',
      'GET /api/v1/blogs/:blog/posts',
      'GET /api/v1/blogs/:blog/posts/:post',
      'GET /api/v1/blogs/:blog/posts/:post/comments',
      'GET /api/v1/blogs/tags/:tag',
      'GET /api/v1/groups',
      'GET /api/v1/groups/:slug',
      'GET /api/v1/groups/:slug/activity',
      'GET /api/v1/groups/:slug/files',
      'GET /api/v1/groups/:slug/files/:fileId',
      'GET /api/v1/groups/:slug/files/:fileId/versions',
      'GET /api/v1/groups/:slug/files/:fileId/versions/:number/content',
      'GET /api/v1/groups/:slug/folders',
      'GET /api/v1/groups/:slug/members',
      'GET /api/v1/groups/:slug/requests',
      'GET /api/v1/groups/:slug/status',
      'GET /api/v1/invitations',
      'GET /api/v1/notifications',
      'GET /api/v1/people/:id',
      'GET /api/v1/people/:id/activity',
      'GET /api/v1/people/:id/files',
      'GET /api/v1/people/:id/files/:fileId',
      'GET /api/v1/people/:id/files/:fileId/versions',
      'GET /api/v1/people/:id/files/:fileId/versions/:number/content',
      'GET /api/v1/people/:id/folders',
      'GET /api/v1/people/:id/status',
      'GET /api/v1/search',
      'GET /api/v1/talk/categories',
      'GET /api/v1/talk/categories/:category',
      'GET /api/v1/talk/categories/:category/moderators',
      'GET /api/v1/talk/categories/:category/threads',
      'GET /api/v1/talk/groups/:slug/threads',
      'GET /api/v1/talk/latest',
      'GET /api/v1/talk/mention-candidates',
      'GET /api/v1/talk/moderation',
      'GET /api/v1/talk/posts/:postId',
      'GET /api/v1/talk/posts/:postId/revisions',
      'GET /api/v1/talk/status',
      'GET /api/v1/talk/status/:statusId',
      'GET /api/v1/talk/status/:statusId/replies',
      'GET /api/v1/talk/tags/:tag',
      'GET /api/v1/talk/tags/:tag/threads',
      'GET /api/v1/talk/threads/:threadId',
      'GET /api/v1/talk/threads/:threadId/replies',
      'GET /api/v1/talk/unanswered',
      'GET /api/v1/wiki/:space/pages',
      'GET /api/v1/wiki/:space/pages/:title',
      'GET /api/v1/wiki/:space/pages/:title/backlinks',
      'GET /api/v1/wiki/:space/pages/:title/diff',
      'GET /api/v1/wiki/:space/pages/:title/revisions',
      'GET /api/v1/wiki/:space/recent-changes',
      'GET /api/v1/wiki/:space/revisions/:revision',
      'GET /api/v1/wiki/recent-changes',
      'GET /attachments/:kind/:id',
      'GET /blogs',
      'GET /blogs/:blog',
      'GET /blogs/:blog/:post',
      'GET /blogs/:blog/:post/delete',
      'GET /blogs/:blog/:post/edit',
      'GET /blogs/:blog/:post/history',
      'GET /blogs/:blog/drafts',
      'GET /blogs/:blog/feed.atom',
      'GET /blogs/:blog/new',
      'GET /blogs/:blog/settings',
      'GET /blogs/:blog/watch',
      'GET /blogs/authors/:personId/feed.atom',
      'GET /blogs/feed.atom',
      'GET /blogs/of/groups/:slug',
      'GET /blogs/of/people/:personId',
      'GET /blogs/start',
      'GET /blogs/tags/:tag',
      'GET /blogs/tags/:tag/feed.atom',
      'GET /files/:fileId',
      'GET /files/:fileId/display',
      'GET /files/:fileId/download',
      'GET /files/:fileId/thumbnail',
      'GET /files/:fileId/versions/:number/download',
      'GET /folders/:folderId',
      'GET /groups',
      'GET /groups/:slug',
      'GET /groups/:slug/activity',
      'GET /groups/:slug/delete',
      'GET /groups/:slug/edit',
      'GET /groups/:slug/files',
      'GET /groups/:slug/members',
      'GET /groups/:slug/members/:personId',
      'GET /groups/:slug/requests',
      'GET /groups/invitations',
      'GET /groups/mine',
      'GET /notifications',
      'GET /people/:id',
      'GET /people/:id/activity',
      'GET /people/:id/contact.vcf',
      'GET /people/:id/edit',
      'GET /people/:id/files',
      'GET /search',
      'GET /talk',
      'GET /talk/categories/:category',
      'GET /talk/categories/:category/feed.atom',
      'GET /talk/categories/:category/moderators',
      'GET /talk/groups/:slug',
      'GET /talk/latest',
      'GET /talk/latest.atom',
      'GET /talk/moderation',
      'GET /talk/posts/:postId',
      'GET /talk/posts/:postId/delete',
      'GET /talk/posts/:postId/edit',
      'GET /talk/posts/:postId/flag',
      'GET /talk/posts/:postId/hide',
      'GET /talk/posts/:postId/history',
      'GET /talk/status/:statusId',
      'GET /talk/status/:statusId/delete',
      'GET /talk/tags/:tag',
      'GET /talk/threads/:threadId',
      'GET /talk/threads/:threadId/feed.atom',
      'GET /talk/threads/:threadId/hide',
      'GET /talk/threads/:threadId/move',
      'GET /talk/threads/:threadId/tags',
      'GET /talk/unanswered',
      'GET /wiki',
      'GET /wiki/:space',
      'GET /wiki/:space/:title',
      'GET /wiki/:space/:title/delete',
      'GET /wiki/:space/:title/diff',
      'GET /wiki/:space/:title/edit',
      'GET /wiki/:space/:title/history',
      'GET /wiki/:space/:title/links-here',
      'GET /wiki/:space/:title/move',
      'GET /wiki/:space/:title/restore',
      'GET /wiki/:space/:title/revisions/:revision',
      'GET /wiki/:space/:title/revisions/:revision/revert',
      'PATCH /api/v1/blogs/:blog',
      'PATCH /api/v1/blogs/:blog/posts/:post',
      'PATCH /api/v1/groups/:slug',
      'PATCH /api/v1/groups/:slug/files/:fileId',
      'PATCH /api/v1/groups/:slug/folders/:folderId',
      'PATCH /api/v1/groups/:slug/members/:personId',
      'PATCH /api/v1/people/:id',
      'PATCH /api/v1/people/:id/files/:fileId',
      'PATCH /api/v1/people/:id/folders/:folderId',
      'PATCH /api/v1/talk/posts/:postId',
      'POST /account/email',
      'POST /account/feeds',
      'POST /account/feeds/:id/revoke',
      'POST /account/password',
      'POST /account/tokens',
      'POST /account/tokens/:id/revoke',
      'POST /api/v1/account/feed-tokens',
      'POST /api/v1/attachments/:kind/:id',
      'POST /api/v1/blogs/:blog/posts',
      'POST /api/v1/blogs/:blog/posts/:post/comments',
      'POST /api/v1/blogs/:blog/posts/:post/comments/:comment/approve',
      'POST /api/v1/groups/:slug/files',
      'POST /api/v1/groups/:slug/files/:fileId/restore',
      'POST /api/v1/groups/:slug/files/:fileId/versions',
      'POST /api/v1/groups/:slug/files/:fileId/versions/:number/revert',
      'POST /api/v1/groups/:slug/folders',
      'POST /api/v1/groups/:slug/folders/:folderId/restore',
      'POST /api/v1/groups/:slug/members',
      'POST /api/v1/groups/:slug/owner-transfer',
      'POST /api/v1/groups/:slug/requests/:personId/approve',
      'POST /api/v1/groups/:slug/requests/:personId/decline',
      'POST /api/v1/invitations/:id/accept',
      'POST /api/v1/invitations/:id/decline',
      'POST /api/v1/notifications/:id/read',
      'POST /api/v1/notifications/read',
      'POST /api/v1/people/:id/files',
      'POST /api/v1/people/:id/files/:fileId/restore',
      'POST /api/v1/people/:id/files/:fileId/versions',
      'POST /api/v1/people/:id/files/:fileId/versions/:number/revert',
      'POST /api/v1/people/:id/folders',
      'POST /api/v1/people/:id/folders/:folderId/restore',
      'POST /api/v1/talk/categories',
      'POST /api/v1/talk/categories/:category/threads',
      'POST /api/v1/talk/flags/:flagId/dismiss',
      'POST /api/v1/talk/flags/:flagId/resolve',
      'POST /api/v1/talk/groups/:slug/threads',
      'POST /api/v1/talk/posts/:postId/approve',
      'POST /api/v1/talk/posts/:postId/flags',
      'POST /api/v1/talk/posts/:postId/hide',
      'POST /api/v1/talk/posts/:postId/reject',
      'POST /api/v1/talk/posts/:postId/unhide',
      'POST /api/v1/talk/status',
      'POST /api/v1/talk/status/:statusId/replies',
      'POST /api/v1/talk/threads/:threadId/accept',
      'POST /api/v1/talk/threads/:threadId/hide',
      'POST /api/v1/talk/threads/:threadId/lock',
      'POST /api/v1/talk/threads/:threadId/move',
      'POST /api/v1/talk/threads/:threadId/pin',
      'POST /api/v1/talk/threads/:threadId/read',
      'POST /api/v1/talk/threads/:threadId/replies',
      'POST /api/v1/talk/threads/:threadId/unaccept',
      'POST /api/v1/talk/threads/:threadId/unhide',
      'POST /api/v1/talk/threads/:threadId/unlock',
      'POST /api/v1/talk/threads/:threadId/unpin',
      'POST /api/v1/wiki/:space/pages/:title/move',
      'POST /api/v1/wiki/:space/pages/:title/restore',
      'POST /api/v1/wiki/:space/pages/:title/revert',
      'POST /attachments/:kind/:id',
      'POST /attachments/:kind/:id/:fileId/remove',
      'POST /blogs/:blog/:post/comments',
      'POST /blogs/:blog/:post/comments/:comment/approve',
      'POST /blogs/:blog/:post/comments/:comment/delete',
      'POST /blogs/:blog/:post/delete',
      'POST /blogs/:blog/:post/edit',
      'POST /blogs/:blog/new',
      'POST /blogs/:blog/settings',
      'POST /blogs/:blog/watch',
      'POST /blogs/start',
      'POST /files/:fileId/delete',
      'POST /files/:fileId/edit',
      'POST /files/:fileId/move',
      'POST /files/:fileId/restore',
      'POST /files/:fileId/versions',
      'POST /files/:fileId/versions/:number/revert',
      'POST /folders/:folderId/delete',
      'POST /folders/:folderId/edit',
      'POST /folders/:folderId/restore',
      'POST /groups/:slug/delete',
      'POST /groups/:slug/edit',
      'POST /groups/:slug/files',
      'POST /groups/:slug/folders',
      'POST /groups/:slug/join',
      'POST /groups/:slug/leave',
      'POST /groups/:slug/members/:personId/remove',
      'POST /groups/:slug/members/:personId/role',
      'POST /groups/:slug/members/:personId/transfer',
      'POST /groups/:slug/request',
      'POST /groups/:slug/requests/:personId/approve',
      'POST /groups/:slug/requests/:personId/decline',
      'POST /groups/:slug/watch',
      'POST /groups/:slug/withdraw',
      'POST /groups/invitations/:id/accept',
      'POST /groups/invitations/:id/decline',
      'POST /invitations/:token/accept',
      'POST /notifications/:id/read',
      'POST /notifications/read',
      'POST /people/:id/edit',
      'POST /people/:id/files',
      'POST /people/:id/folders',
      'POST /sign-out/everywhere',
      'POST /talk/categories/:category/approval',
      'POST /talk/categories/:category/moderators',
      'POST /talk/categories/:category/moderators/:personId/remove',
      'POST /talk/categories/:category/read',
      'POST /talk/categories/:category/threads',
      'POST /talk/categories/:category/watch',
      'POST /talk/flags/:flagId/dismiss',
      'POST /talk/flags/:flagId/resolve',
      'POST /talk/groups/:slug/threads',
      'POST /talk/posts/:postId/approve',
      'POST /talk/posts/:postId/delete',
      'POST /talk/posts/:postId/edit',
      'POST /talk/posts/:postId/flag',
      'POST /talk/posts/:postId/hide',
      'POST /talk/posts/:postId/reactions',
      'POST /talk/posts/:postId/reject',
      'POST /talk/posts/:postId/unhide',
      'POST /talk/status',
      'POST /talk/status/:statusId/delete',
      'POST /talk/status/:statusId/like',
      'POST /talk/status/:statusId/replies',
      'POST /talk/threads/:threadId/accept',
      'POST /talk/threads/:threadId/hide',
      'POST /talk/threads/:threadId/lock',
      'POST /talk/threads/:threadId/move',
      'POST /talk/threads/:threadId/pin',
      'POST /talk/threads/:threadId/read',
      'POST /talk/threads/:threadId/replies',
      'POST /talk/threads/:threadId/tags',
      'POST /talk/threads/:threadId/unaccept',
      'POST /talk/threads/:threadId/unhide',
      'POST /talk/threads/:threadId/unlock',
      'POST /talk/threads/:threadId/unpin',
      'POST /talk/threads/:threadId/watch',
      'POST /wiki/:space',
      'POST /wiki/:space/:title/delete',
      'POST /wiki/:space/:title/edit',
      'POST /wiki/:space/:title/move',
      'POST /wiki/:space/:title/restore',
      'POST /wiki/:space/:title/revisions/:revision/revert',
      'POST /wiki/:space/:title/unwatch',
      'POST /wiki/:space/:title/watch',
      'PUT /api/v1/account/email-preferences',
      'PUT /api/v1/blogs/:blog/watch',
      'PUT /api/v1/groups/:slug/watch',
      'PUT /api/v1/talk/categories/:category/approval',
      'PUT /api/v1/talk/categories/:category/moderators/:personId',
      'PUT /api/v1/talk/categories/:category/watch',
      'PUT /api/v1/talk/posts/:postId/reactions/:kind',
      'PUT /api/v1/talk/status/:statusId/like',
      'PUT /api/v1/talk/threads/:threadId/watch',
      'PUT /api/v1/wiki/:space/pages/:title',
      'PUT /api/v1/wiki/:space/pages/:title/watch',
    ]);
  });

  it('keeps admin pages for admins; SCIM, feeds and unsubscribe to their credentials', () => {
    const adminOnly = /^(\/admin(\/|$)|\/api\/v1\/(admin|audit)(\/|$))/;
    for (const route of app.routeTable) {
      assert.equal(
        route.config.access === 'admin',
        adminOnly.test(route.url),
        `${route.method} ${route.url}`,
      );
      assert.equal(
        route.config.access === 'credentials',
        route.url.startsWith('/scim/v2') ||
          route.url.startsWith('/feeds/') ||
          route.url === '/email/unsubscribe',
        `${route.method} ${route.url}`,
      );
    }
  });

  it('gives every HEAD route the access of its GET route', () => {
    const gets = new Map(
      app.routeTable
        .filter((r) => r.method === 'GET')
        .map((r) => [r.url, r.config.access]),
    );
    for (const head of app.routeTable.filter((r) => r.method === 'HEAD')) {
      assert.equal(head.config.access, gets.get(head.url), head.url);
    }
  });

  it('refuses, at the gate, everyone a route does not declare', async () => {
    let refusals = 0;

    for (const route of app.routeTable) {
      const access = route.config.access;
      if (access === 'public' || access === 'credentials') {
        continue;
      }
      const url = route.url.replace(/:\w+/g, '1').replace('*', 'x');
      // Feeds answer like the API: a feed reader cannot sign in on a page.
      const api = url.startsWith('/api/') || url.endsWith('.atom');
      const method = route.method as InjectOptions['method'];
      const name = `${route.method} ${route.url}`;

      const anonymous = await app.inject({ method, url });
      if (!api && method === 'GET') {
        assert.equal(anonymous.statusCode, 303, name);
        assert.equal(
          anonymous.headers.location,
          `/sign-in?returnTo=${encodeURIComponent(url)}`,
          name,
        );
      } else {
        assert.equal(anonymous.statusCode, 401, name);
      }
      refusals += 1;

      for (const role of ['guest', 'member'] as const) {
        const allowed =
          access === 'signed-in' ||
          access === 'readers' ||
          (role === 'member' && access === 'staff');
        if (allowed) {
          continue;
        }
        const response = await app.inject({
          method,
          url,
          headers: { authorization: tokens[role] },
        });
        const expected: string =
          access === 'admin' ? 'ADMIN_ONLY' : 'GUEST_NOT_ALLOWED';
        assert.equal(response.statusCode, 403, `${role} ${name}`);
        if (api && method !== 'HEAD') {
          const body = response.json() as { error: { code: string } };
          assert.equal(body.error.code, expected, `${role} ${name}`);
        }
        refusals += 1;
      }
    }

    assert.ok(refusals > 100, `${refusals} refusals checked`);
  });
});
