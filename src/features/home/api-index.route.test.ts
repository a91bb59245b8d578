import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';

await describeEachDatabase('the API index', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('lists every API route but the administrators’ ones', async () => {
    const member = await buildAccount(database().db);

    const response = await app.inject({
      url: '/api/v1',
      headers: { authorization: await bearer(database().db, member.id) },
    });

    const endpoints: string[] = response.json().endpoints;
    const expected = app.routeTable
      .filter(
        (route) =>
          route.url.startsWith('/api/v1/') &&
          route.method !== 'HEAD' &&
          !route.url.startsWith('/api/v1/admin/') &&
          route.url !== '/api/v1/audit',
      )
      .map((route) => `${route.method} ${route.url}`);
    assert.deepEqual(endpoints, expected);
    assert.ok(endpoints.includes('GET /api/v1/groups/:slug/members'));
    assert.ok(endpoints.includes('PATCH /api/v1/people/:id'));
  });
});
