import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { getSetting } from './settings.ts';

await describeEachDatabase('the site time zone setting', (database) => {
  let app: FastifyInstance;
  let browser: TestBrowser;

  before(async () => {
    app = await buildTestApp(database());
    const admin = await buildAccount(database().db, { role: 'admin' });
    browser = new TestBrowser(app);
    await browser.signIn(admin.email);
  });
  after(async () => {
    await app.close();
  });

  function zoneField(body: string): string | undefined {
    return /<input[^>]* name="timeZone"[^>]*>/.exec(body)?.[0];
  }

  it('is Europe/London until an administrator changes it', async () => {
    const page = await browser.get('/admin/settings');

    assert.equal(page.statusCode, 200);
    assert.match(String(zoneField(page.body)), / value="Europe\/London"/);
    assert.equal(await getSetting(database().db, 'timeZone'), 'Europe/London');
  });

  it('takes a zone Intl knows, and audits the change', async () => {
    const saved = await browser.post('/admin/settings', {
      localSignIn: 'on',
      timeZone: ' Pacific/Auckland ',
    });

    assert.equal(saved.statusCode, 303);
    assert.equal(
      await getSetting(database().db, 'timeZone'),
      'Pacific/Auckland',
    );
    const change = await database()
      .db.selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'setting.changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(change.details), {
      key: 'timeZone',
      before: 'Europe/London',
      after: 'Pacific/Auckland',
    });
  });

  it('refuses a zone that does not exist, keeping what was typed', async () => {
    const refused = await browser.post('/admin/settings', {
      localSignIn: 'on',
      timeZone: 'Europe/Atlantis',
    });

    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<title>Error: Site settings/);
    assert.match(refused.body, /Enter a time zone by its IANA name/);
    assert.match(String(zoneField(refused.body)), / value="Europe\/Atlantis"/);
    assert.equal(
      await getSetting(database().db, 'timeZone'),
      'Pacific/Auckland',
    );
  });
});
