import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { bearer, buildAccount } from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { loadConfig } from './config.ts';

await describeEachDatabase('errors and logs', (database) => {
  let app: FastifyInstance;
  let authorization: string;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database().url,
      COOKIE_SECRET: 'test-secret-that-is-at-least-32-characters',
    });
    app = await buildApp({
      config,
      db: database().db,
      logger: pino({ level: 'info' }, sink),
    });
    const staff = { config: { access: 'staff' } } as const;
    app.get('/boom', staff, async () => {
      throw new Error('secret internals');
    });
    app.get('/api/v1/boom', staff, async () => {
      throw new Error('secret internals');
    });
    // Two rows with one unique key, as two racing requests would write.
    app.post('/api/v1/twice', staff, async () => {
      const row = {
        name: 'Twice Trust',
        name_key: 'twice trust',
        created_at: '2026-12-04T10:00:00.000Z',
        updated_at: '2026-12-04T10:00:00.000Z',
      };
      await database()
        .db.transaction()
        .execute(async (trx) => {
          await trx.insertInto('partner_organisations').values(row).execute();
          await trx.insertInto('partner_organisations').values(row).execute();
        });
    });
    await app.ready();
    const { id } = await buildAccount(database().db);
    authorization = await bearer(database().db, id);
  });
  after(async () => {
    await app.close();
  });

  it('shows a plain GOV.UK 500 page and logs the stack', async () => {
    const response = await app.inject({
      url: '/boom',
      headers: { authorization },
    });

    assert.equal(response.statusCode, 500);
    assert.match(
      response.body,
      /<h1 class="govuk-heading-l">Sorry, there is a problem with the service<\/h1>/,
    );
    assert.doesNotMatch(response.body, /secret internals/);
    const logged = lines.find((line) => line.msg === 'request failed');
    assert.match(
      String((logged?.err as { stack?: string })?.stack),
      /secret internals/,
    );
  });

  it('answers an API failure with JSON and a stable code', async () => {
    const response = await app.inject({
      url: '/api/v1/boom',
      headers: { authorization },
    });

    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), {
      error: {
        code: 'INTERNAL_ERROR',
        message: 'Sorry, there is a problem with the service',
      },
    });
  });

  it('answers a write that lost a race to a unique key with 409, saving nothing', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/twice',
      headers: { authorization },
    });

    assert.equal(response.statusCode, 409);
    assert.deepEqual(response.json(), {
      error: {
        code: 'CONFLICT',
        message:
          'Someone else saved the same thing at the same moment. Try again.',
      },
    });
    const saved = await database()
      .db.selectFrom('partner_organisations')
      .select('id')
      .where('name_key', '=', 'twice trust')
      .execute();
    assert.deepEqual(saved, []);
  });

  it('shows a GOV.UK 404 page, and JSON 404 under /api/', async () => {
    const page = await app.inject({
      url: '/no/such/page',
      headers: { authorization },
    });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /<title>Page not found – CivilMedia<\/title>/);

    const api = await app.inject({
      url: '/api/v1/nothing',
      headers: { authorization },
    });
    assert.deepEqual(api.json(), {
      error: { code: 'NOT_FOUND', message: 'Page not found' },
    });
  });

  it('answers an address with broken encoding with 400 and our headers', async () => {
    const api = await app.inject({
      url: '/api/v1/people/%ff',
      headers: { authorization },
    });
    assert.equal(api.statusCode, 400);
    assert.deepEqual(api.json(), {
      error: { code: 'BAD_REQUEST', message: 'The address is not valid' },
    });
    assert.equal(api.headers['x-content-type-options'], 'nosniff');
    assert.equal(api.headers['content-security-policy'], "default-src 'none'");

    const page = await app.inject({
      url: '/people/departments/%ff',
      headers: { authorization },
    });
    assert.equal(page.statusCode, 400);
  });

  it('puts the request id on every log line of a request', async () => {
    lines.length = 0;
    await app.inject({
      url: '/boom',
      headers: { authorization, 'x-request-id': 'lb-1234' },
    });

    assert.ok(lines.length >= 2);
    for (const line of lines) {
      assert.equal(line.reqId, 'lb-1234', JSON.stringify(line));
    }
    assert.doesNotMatch(JSON.stringify(lines), /cm_pat_/);
  });
});
