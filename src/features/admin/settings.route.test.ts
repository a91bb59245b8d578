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

const HINT =
  'Signed-out visitors can read the content of open groups. Closed and ' +
  'secret groups stay members-only.';

await describeEachDatabase('the site settings page', (database) => {
  let app: FastifyInstance;
  let admin: { id: number; email: string };

  before(async () => {
    app = await buildTestApp(database());
    admin = await buildAccount(database().db, {
      role: 'admin',
      displayName: 'Ada Admin',
    });
  });
  after(async () => {
    await app.close();
  });

  /** The audit log's record of setting changes, oldest first. */
  async function settingChanges() {
    const rows = await database()
      .db.selectFrom('audit_events')
      .select(['actor_person_id', 'actor_label', 'subject_type', 'details'])
      .where('action', '=', 'setting.changed')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      ...row,
      details: JSON.parse(row.details) as unknown,
    }));
  }

  function publicReadingBox(body: string): string | undefined {
    return /<input[^>]* name="publicReading"[^>]*>/.exec(body)?.[0];
  }

  it('opens open groups to the public and back, audited', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    const page = await browser.get('/admin/settings');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(HINT), 'the hint is on the page');
    assert.equal(
      publicReadingBox(page.body),
      '<input class="govuk-checkboxes__input" id="publicReading" ' +
        'name="publicReading" type="checkbox" value="on" ' +
        'aria-describedby="publicReading-item-hint">',
    );

    const opened = await browser.post('/admin/settings', {
      localSignIn: 'on',
      publicReading: 'on',
    });

    assert.equal(opened.statusCode, 303);
    assert.equal(opened.headers.location, '/admin/settings?saved=1');
    assert.equal(await getSetting(database().db, 'publicReading'), true);
    const shown = await browser.get('/admin/settings?saved=1');
    assert.match(String(publicReadingBox(shown.body)), / checked/);
    assert.match(shown.body, /Settings saved\./);

    await browser.post('/admin/settings', { localSignIn: 'on' });

    assert.equal(await getSetting(database().db, 'publicReading'), false);
    const actor = {
      actor_person_id: admin.id,
      actor_label: 'Ada Admin',
      subject_type: 'setting',
    };
    assert.deepEqual(await settingChanges(), [
      {
        ...actor,
        details: { key: 'publicReading', before: false, after: true },
      },
      {
        ...actor,
        details: { key: 'publicReading', before: true, after: false },
      },
    ]);
  });

  it('records nothing when the form is saved unchanged', async () => {
    const before = (await settingChanges()).length;
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/admin/settings');

    const saved = await browser.post('/admin/settings', { localSignIn: 'on' });

    assert.equal(saved.statusCode, 303);
    assert.equal((await settingChanges()).length, before);
  });

  it('keeps the box ticked when the form has an error', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/admin/settings');

    const refused = await browser.post('/admin/settings', {
      publicReading: 'on',
    });

    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<title>Error: Site settings/);
    assert.match(String(publicReadingBox(refused.body)), / checked/);
    assert.equal(await getSetting(database().db, 'publicReading'), false);
  });

  it('is not for members', async () => {
    const member = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.signIn(member.email);
    await browser.get('/');

    const response = await browser.post('/admin/settings', {
      localSignIn: 'on',
      publicReading: 'on',
    });

    assert.equal(response.statusCode, 403);
    assert.equal(await getSetting(database().db, 'publicReading'), false);
  });
});
