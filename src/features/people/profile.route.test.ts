import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildDepartment } from '../../test-support/factories.ts';
import { getPersonProfile } from './people.ts';

await describeEachDatabase('editing a profile', (database) => {
  let app: FastifyInstance;
  let admin: { id: number; email: string };

  before(async () => {
    app = await buildTestApp(database());
    admin = await buildAccount(database().db, {
      displayName: 'Ada Admin',
      role: 'admin',
    });
  });
  after(async () => {
    await app.close();
  });

  async function editForm(browser: TestBrowser, personId: number) {
    const page = await browser.get(`/people/${personId}/edit`);
    assert.equal(page.statusCode, 200);
    const field = (name: string) =>
      new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page.body)?.[1] ??
      '';
    return {
      displayName: field('displayName'),
      jobTitle: field('jobTitle'),
      grade: field('grade'),
      department: /<option value="([^"]*)" selected/.exec(page.body)?.[1] ?? '',
      unit: field('unit'),
      location: field('location'),
      phone: field('phone'),
      email: field('email'),
      updatedAt: field('updatedAt'),
      about: '',
      skills: '',
      interests: '',
      projects: '',
    };
  }

  it('saves your own profile and shows it', async () => {
    const { db } = database();
    const department = await buildDepartment(db, 'Office for Fair Weather');
    const me = await buildAccount(db, { displayName: 'Bea Member' });
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    const form = await editForm(browser, me.id);

    const response = await browser.post(`/people/${me.id}/edit`, {
      ...form,
      jobTitle: 'Senior Forecaster',
      department: department.slug,
      location: 'Exeter',
      skills: 'Meteorology\nStatistics\nmeteorology',
      about: 'I forecast **storms**.',
    });

    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/people/${me.id}?updated=1`);
    const profile = await getPersonProfile(db, me.id);
    assert.equal(profile?.jobTitle, 'Senior Forecaster');
    assert.equal(profile?.department?.name, 'Office for Fair Weather');
    assert.deepEqual(profile?.skills, ['Meteorology', 'Statistics']);
    const page = await browser.get(`/people/${me.id}`);
    assert.match(page.body, /I forecast <strong>storms<\/strong>\./);
  });

  it('refuses bad values with a message per field and changes nothing', async () => {
    const { db } = database();
    const me = await buildAccount(db, {
      displayName: 'Cy Careful',
      jobTitle: 'Analyst',
      location: 'Leeds',
    });
    const before = await getPersonProfile(db, me.id);
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    const form = await editForm(browser, me.id);

    const response = await browser.post(`/people/${me.id}/edit`, {
      ...form,
      jobTitle: 'x'.repeat(10_000),
      email: 'not an address',
      department: 'department-of-nowhere',
      location: 'York',
    });

    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<title>Error: Edit profile/);
    assert.match(response.body, /Job title must be 255 characters or fewer/);
    assert.match(response.body, /Enter e-mail address in the correct format/);
    assert.match(response.body, /Choose a department from the list/);
    assert.match(response.body, /href="#jobTitle"/);
    assert.match(response.body, /name="location"[^>]*value="York"/);
    assert.deepEqual(await getPersonProfile(db, me.id), before);
  });

  it('keeps a script in "about me" from ever running', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Di Danger' });
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    const form = await editForm(browser, me.id);

    await browser.post(`/people/${me.id}/edit`, {
      ...form,
      about:
        '<script>alert(1)</script> <img src=x onerror=alert(1)> ' +
        '[site](javascript:alert(1)) [ok](https://example.org/" onmouseover="x)',
    });
    const page = await browser.get(`/people/${me.id}`);

    const about =
      /<div class="app-prose">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    assert.doesNotMatch(about, /<(script|img|iframe)/i);
    assert.doesNotMatch(
      about,
      /<[^>]*\son\w+\s*=/i,
      'no element has an on* attribute',
    );
    assert.doesNotMatch(about, /href="\s*javascript:/i);
    assert.match(about, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(
      about,
      /<a href="https:\/\/example.org\/" rel="noopener noreferrer">/,
    );
    assert.equal(
      (await getPersonProfile(db, me.id))?.about.startsWith('<script>'),
      true,
    );
  });

  it('lets nobody but the person or an administrator edit a profile', async () => {
    const { db } = database();
    const owner = await buildAccount(db);
    const other = await buildAccount(db);
    const browser = new TestBrowser(app);
    await browser.signIn(other.email);

    assert.equal(
      (await browser.get(`/people/${owner.id}/edit`)).statusCode,
      403,
    );
    const post = await browser.post(`/people/${owner.id}/edit`, {
      displayName: 'Hijacked',
    });
    assert.equal(post.statusCode, 403);
    const api = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${owner.id}`,
      headers: { authorization: await bearer(db, other.id) },
      payload: { displayName: 'Hijacked' },
    });
    assert.equal(api.statusCode, 403);
    assert.equal(api.json().error.code, 'PROFILE_EDIT_FORBIDDEN');
    assert.notEqual((await getPersonProfile(db, owner.id))?.name, 'Hijacked');
  });

  it('keeps a member from changing their own e-mail address', async () => {
    const { db } = database();
    const me = await buildAccount(db);
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${me.id}`,
      headers: { authorization: await bearer(db, me.id) },
      payload: { email: 'someone.else@example.gov.uk' },
    });

    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().error.fields, {
      email: 'Only an administrator can change an e-mail address',
    });
  });

  it('does not save over a change someone made after the form opened', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Ed Editor' });
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    const form = await editForm(browser, me.id);
    const authorization = await bearer(db, me.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${me.id}`,
      headers: { authorization },
      payload: { location: 'Cardiff' },
    });

    const response = await browser.post(`/people/${me.id}/edit`, {
      ...form,
      location: 'Belfast',
    });

    assert.equal(response.statusCode, 409);
    assert.match(response.body, /Someone else changed this profile/);
    assert.match(response.body, /name="location"[^>]*value="Belfast"/);
    assert.match(
      response.body,
      new RegExp(
        '<dt class="govuk-summary-list__key">Location</dt>\\s*' +
          '<dd[^>]*>Saved: Cardiff<br>Yours: Belfast</dd>',
      ),
    );
    assert.equal((await getPersonProfile(db, me.id))?.location, 'Cardiff');

    const again = await browser.post(`/people/${me.id}/edit`, {
      ...form,
      updatedAt:
        /name="updatedAt" value="([^"]+)"/.exec(response.body)?.[1] ?? '',
      location: 'Belfast',
    });
    assert.equal(
      again.statusCode,
      303,
      'saving again replaces theirs, knowingly',
    );
    assert.equal((await getPersonProfile(db, me.id))?.location, 'Belfast');
  });

  it('refuses over-long values sent straight to the API (BUG-28)', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Fi Fields' });
    const authorization = await bearer(db, me.id);
    const patch = (payload: object) =>
      app.inject({
        method: 'PATCH',
        url: `/api/v1/people/${me.id}`,
        headers: { authorization },
        payload,
      });

    const name = await patch({ displayName: '名'.repeat(10_000) });
    assert.equal(name.statusCode, 422);
    assert.deepEqual(name.json().error.fields, {
      displayName: 'Full name must be 128 characters or fewer',
    });
    const invisible = await patch({ displayName: '\u200B\u200B\u200B' });
    assert.deepEqual(invisible.json().error.fields, {
      displayName: 'Enter full name',
    });
    const skill = await patch({ skills: ['y'.repeat(500)] });
    assert.deepEqual(skill.json().error.fields, {
      skills: 'Each skill must be 100 characters or fewer',
    });
    const huge = await patch({ about: 'z'.repeat(2 * 1024 * 1024) });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error.code, 'PAYLOAD_TOO_LARGE');
    const trimmed = await patch({ displayName: '  Fi   Fields  ' });
    assert.equal(trimmed.json().name, 'Fi Fields');
    assert.equal((await getPersonProfile(db, me.id))?.name, 'Fi Fields');
  });

  it('takes a cookie-authenticated API change only with the CSRF header', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Hal Header' });
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    await browser.get('/');

    const forged = await browser.patchJson(
      `/api/v1/people/${me.id}`,
      { location: 'Forged' },
      false,
    );
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json().error.code, 'CSRF_TOKEN_INVALID');

    const sent = await browser.patchJson(`/api/v1/people/${me.id}`, {
      location: 'Hull',
    });
    assert.equal(sent.statusCode, 200);
    assert.equal((await getPersonProfile(db, me.id))?.location, 'Hull');
  });

  it('keeps the e-mail address of an account that signs in with it', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Ivy Inbox' });
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${me.id}`,
      headers: { authorization: await bearer(db, admin.id) },
      payload: { email: '' },
    });

    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().error.fields, {
      email:
        'Enter an e-mail address: this account signs in with it and a password',
    });
  });

  it('shows who is an administrator only to administrators and themselves', async () => {
    const { db } = database();
    const member = await buildAccount(db);
    const asMember = await app.inject({
      url: `/api/v1/people/${admin.id}`,
      headers: { authorization: await bearer(db, member.id) },
    });
    assert.equal(asMember.json().role, undefined);

    const asSelf = await app.inject({
      url: `/api/v1/people/${admin.id}`,
      headers: { authorization: await bearer(db, admin.id) },
    });
    assert.equal(asSelf.json().role, 'admin');
  });

  it('refuses a form posted without its CSRF token', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Gil Guarded' });
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    const form = await editForm(browser, me.id);

    const response = await browser.post(`/people/${me.id}/edit`, {
      ...form,
      _csrf: 'forged',
      displayName: 'Forged',
    });

    assert.equal(response.statusCode, 403);
    assert.match(
      response.body,
      /<h1 class="govuk-heading-l">Your form has expired<\/h1>/,
    );
    assert.equal((await getPersonProfile(db, me.id))?.name, 'Gil Guarded');
  });
});
