import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller } from '../../test-support/groups.ts';
import { getEmailChoices } from './preferences.ts';
import { unsubscribeUrl } from './unsubscribe.ts';

// The e-mail choices page and API, and the one-click unsubscribe.

const PUBLIC_URL = 'https://intranet.example.gov.uk';
// The secret buildTestApp gives the app, which signs unsubscribe links.
const SECRET = 'test-secret-that-is-at-least-32-characters';

await describeEachDatabase('e-mail choices and unsubscribe', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), { PUBLIC_URL });
  });
  after(async () => {
    await app.close();
  });

  const linkPath = (personId: number, scope: 'mention' | 'daily' | 'all') =>
    unsubscribeUrl(new URL(PUBLIC_URL), SECRET, personId, scope).slice(
      PUBLIC_URL.length,
    );

  it('shows the defaults and saves choices from the form', async () => {
    const account = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    const page = await browser.get('/account/email');
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /name="kind-mention" type="radio" value="immediately" checked/,
    );
    assert.match(
      page.body,
      /name="kind-reply" type="radio" value="daily" checked/,
    );
    assert.match(page.body, /value="Europe\/London"/);

    const saved = await browser.post('/account/email', {
      'kind-mention': 'never',
      'kind-reply': 'weekly',
      digestHour: '17',
      timeZone: 'Asia/Kolkata',
      weeklyDay: '5',
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/account/email?saved=1');
    const choices = await getEmailChoices(database().db, account.id);
    assert.deepEqual(
      [choices.frequencies.mention, choices.frequencies.reply],
      ['never', 'weekly'],
    );
    assert.deepEqual(
      [choices.digestHour, choices.timeZone, choices.weeklyDay],
      [17, 'Asia/Kolkata', 5],
    );
  });

  it('answers a bad form with 400, an error summary and the values kept', async () => {
    const account = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    const answer = await browser.post('/account/email', {
      'kind-mention': 'hourly',
      digestHour: '25',
      timeZone: 'Mars/Olympus',
      weeklyDay: '3',
    });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.body, /<title>Error: E-mail from CivilMedia/);
    assert.match(answer.body, /href="#kind-mention"/);
    assert.match(answer.body, /href="#digestHour"/);
    assert.match(answer.body, /href="#timeZone"/);
    assert.match(answer.body, /value="Mars\/Olympus"/);
    const choices = await getEmailChoices(database().db, account.id);
    assert.equal(choices.timeZone, 'Europe/London');
  });

  it('reads and replaces choices through the API', async () => {
    const caller = await buildCaller(database().db);
    const headers = { authorization: caller.authorization };
    const url = '/api/v1/account/email-preferences';
    const before = await app.inject({ url, headers });
    assert.equal(before.statusCode, 200);
    assert.deepEqual(before.json(), {
      frequencies: {
        mention: 'immediately',
        reply: 'daily',
        watched: 'daily',
        invitation: 'immediately',
        request: 'immediately',
        accepted_answer: 'daily',
        page_changed: 'daily',
      },
      digestHour: 8,
      timeZone: 'Europe/London',
      weeklyDay: 1,
    });
    const put = await app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { frequencies: { watched: 'never' }, digestHour: 6 },
    });
    assert.equal(put.statusCode, 200);
    assert.equal(put.json().frequencies.watched, 'never');
    assert.equal(put.json().digestHour, 6);
    const bad = await app.inject({
      method: 'PUT',
      url,
      headers,
      payload: { frequencies: { watched: 'sometimes' }, timeZone: 'Nowhere' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
    assert.deepEqual(Object.keys(bad.json().error.fields), [
      'frequencies.watched',
      'timeZone',
    ]);
  });

  it('the API refuses a string hour, an unknown kind and null frequencies', async () => {
    const caller = await buildCaller(database().db);
    const headers = { authorization: caller.authorization };
    const url = '/api/v1/account/email-preferences';
    const cases: [object, string[]][] = [
      [{ digestHour: '8' }, ['digestHour']],
      [{ weeklyDay: '2' }, ['weeklyDay']],
      [{ frequencies: { bogus: 'daily' } }, ['frequencies.bogus']],
      [{ frequencies: null }, ['frequencies']],
      [{ frequencies: ['daily'] }, ['frequencies']],
    ];
    for (const [payload, fields] of cases) {
      const answer = await app.inject({ method: 'PUT', url, headers, payload });
      assert.equal(answer.statusCode, 400, JSON.stringify(payload));
      assert.equal(answer.json().error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(answer.json().error.fields), fields);
    }
    const choices = await getEmailChoices(database().db, caller.id);
    assert.equal(choices.digestHour, 8);
    assert.equal(choices.weeklyDay, 1);
  });

  it('the API stores a time zone by its canonical name', async () => {
    const caller = await buildCaller(database().db);
    const headers = { authorization: caller.authorization };
    const url = '/api/v1/account/email-preferences';
    const stored: string[] = [];
    for (const timeZone of ['etc/utc', 'europe/london', 'Asia/Kolkata']) {
      const answer = await app.inject({
        method: 'PUT',
        url,
        headers,
        payload: { timeZone },
      });
      assert.equal(answer.statusCode, 200);
      stored.push((await getEmailChoices(database().db, caller.id)).timeZone);
    }
    assert.deepEqual(stored, ['UTC', 'Europe/London', 'Asia/Kolkata']);
  });

  it("lists a bad form's errors in the order of the fields on the page", async () => {
    const account = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    await browser.get('/account/email');
    const answer = await browser.post('/account/email', {
      'kind-mention': 'hourly',
      digestHour: '25',
      timeZone: 'Mars/Olympus',
      weeklyDay: '9',
    });
    assert.equal(answer.statusCode, 400);
    const summary = answer.body.slice(
      answer.body.indexOf('govuk-error-summary__list'),
    );
    const links = [...summary.matchAll(/href="#([\w-]+)"/g)]
      .map((match) => match[1])
      .slice(0, 4);
    assert.deepEqual(links, [
      'kind-mention',
      'digestHour',
      'timeZone',
      'weeklyDay',
    ]);
  });

  it('the API refuses a signed-out caller', async () => {
    const answer = await app.inject({
      url: '/api/v1/account/email-preferences',
    });
    assert.equal(answer.statusCode, 401);
  });

  it('a GET of the unsubscribe link changes nothing and offers a button', async () => {
    const account = await buildAccount(database().db);
    const path = linkPath(account.id, 'mention');
    const page = await app.inject({ url: path });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Unsubscribe from e-mails about mentions of you\?/);
    assert.match(
      page.body,
      /<form method="post" action="\/email\/unsubscribe\?/,
    );
    const choices = await getEmailChoices(database().db, account.id);
    assert.equal(choices.frequencies.mention, 'immediately');
  });

  it('a one-click POST unsubscribes with no session and no CSRF token', async () => {
    const account = await buildAccount(database().db);
    const answer = await app.inject({
      method: 'POST',
      url: linkPath(account.id, 'daily'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    assert.equal(answer.statusCode, 200);
    assert.match(answer.body, /You are unsubscribed/);
    const choices = await getEmailChoices(database().db, account.id);
    assert.deepEqual(choices.frequencies, {
      mention: 'immediately',
      reply: 'never',
      watched: 'never',
      invitation: 'immediately',
      request: 'immediately',
      accepted_answer: 'never',
      page_changed: 'never',
    });
  });

  it('a one-click POST sent as multipart/form-data unsubscribes', async () => {
    const account = await buildAccount(database().db);
    const boundary = '----civilmedia-test-boundary';
    const payload = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const answer = await app.inject({
      method: 'POST',
      url: linkPath(account.id, 'all'),
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload,
    });
    assert.equal(answer.statusCode, 200);
    assert.match(answer.body, /You are unsubscribed/);
    const choices = await getEmailChoices(database().db, account.id);
    assert.equal(choices.frequencies.mention, 'never');
    assert.equal(choices.frequencies.invitation, 'never');
  });

  it('a multipart body over 4 KiB is refused and unsubscribes no one', async () => {
    const account = await buildAccount(database().db);
    const answer = await app.inject({
      method: 'POST',
      url: linkPath(account.id, 'all'),
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: `--x\r\n${'a'.repeat(5000)}\r\n--x--\r\n`,
    });
    assert.equal(answer.statusCode, 413);
    const choices = await getEmailChoices(database().db, account.id);
    assert.equal(choices.frequencies.mention, 'immediately');
  });

  it('only the unsubscribe route takes multipart bodies', async () => {
    const answer = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
    });
    assert.equal(answer.statusCode, 415);
  });

  it('a link whose person number has a leading zero does nothing', async () => {
    const account = await buildAccount(database().db);
    const padded = linkPath(account.id, 'all').replace(
      `person=${account.id}`,
      `person=0${account.id}`,
    );
    const answer = await app.inject({ method: 'POST', url: padded });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.body, /This unsubscribe link does not work/);
    const choices = await getEmailChoices(database().db, account.id);
    assert.equal(choices.frequencies.mention, 'immediately');
  });

  it('a link signed for someone else, or altered, does nothing', async () => {
    const victim = await buildAccount(database().db);
    const other = await buildAccount(database().db);
    const forged = linkPath(other.id, 'all').replace(
      `person=${other.id}`,
      `person=${victim.id}`,
    );
    const answer = await app.inject({ method: 'POST', url: forged });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.body, /This unsubscribe link does not work/);
    const choices = await getEmailChoices(database().db, victim.id);
    assert.equal(choices.frequencies.mention, 'immediately');
  });
});
