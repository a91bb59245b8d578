import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import type { Database, Db } from '../../database.ts';
import { claimJobs, runJobs } from '../../platform/jobs.ts';
import type { JobHandlers } from '../../platform/jobs.ts';
import { createMailer } from '../../platform/mail.ts';
import type { Mailer } from '../../platform/mail.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { startSmtpSink } from '../../test-support/smtp.ts';
import type { SmtpSink } from '../../test-support/smtp.ts';
import { notifyPeople } from '../notifications/service.ts';
import { queueDueDigests } from './digests.ts';
import { emailJobHandlers } from './handlers.ts';
import { getEmailChoices } from './preferences.ts';
import { saveEmailFrequencies } from './settings.ts';
import { unsubscribe, verifyUnsubscribe } from './unsubscribe.ts';
import type { UnsubscribeScope } from './unsubscribe.ts';

const SECRET = 'a test secret that is long enough to sign with';
const site = { publicUrl: new URL('https://civilmedia.test'), secret: SECRET };
const SINCE = '2026-12-03T08:00:00.000Z';
const UNTIL = '2026-12-04T08:00:00.000Z';
const AFTER = new Date('2026-12-04T08:01:00.000Z');

let sink: SmtpSink;
let mailer: Mailer;

const handlers = (through: Mailer = mailer): JobHandlers<Database> =>
  emailJobHandlers({ mailer: through, site });

async function to(address: string): Promise<ParsedMail[]> {
  const all = await sink.parsed();
  return all.filter((mail) =>
    mail.to && 'text' in mail.to ? mail.to.text === address : false,
  );
}

async function emailOf(db: Db, personId: number): Promise<string> {
  const row = await db
    .selectFrom('people')
    .select('email')
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  return row.email ?? '';
}

/** A daily digest due for the person covering SINCE to UNTIL. */
async function dueDaily(db: Db, personId: number) {
  await db
    .insertInto('email_schedules')
    .values([
      {
        person_id: personId,
        frequency: 'daily',
        last_at: SINCE,
        next_at: UNTIL,
      },
      {
        person_id: personId,
        frequency: 'weekly',
        last_at: SINCE,
        next_at: '2026-12-07T08:00:00.000Z',
      },
    ])
    .execute();
}

async function notification(
  db: Db,
  personId: number,
  values: { kind: string; type: string; id: number; summary: string },
) {
  await db
    .insertInto('notifications')
    .values({
      person_id: personId,
      kind: values.kind,
      actor_id: null,
      subject_type: values.type,
      subject_id: values.id,
      event_key: `test:${values.type}:${values.id}:${values.summary}`,
      summary: values.summary,
      url: `/talk/status/${values.id}`,
      created_at: '2026-12-03T12:00:00.000Z',
    })
    .execute();
}

async function statusPost(db: Db, authorId: number, groupId: number | null) {
  const row = await db
    .insertInto('status_posts')
    .values({
      author_id: authorId,
      group_id: groupId,
      parent_id: null,
      body: 'A status post',
      created_at: '2026-12-03T11:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

await describeEachDatabase('e-mail digests and deliveries', (database) => {
  before(async () => {
    sink = await startSmtpSink();
    mailer = createMailer({
      smtpUrl: sink.url,
      from: 'no-reply@civilmedia.test',
    });
  });
  after(async () => {
    mailer.close();
    await sink.close();
  });

  test('a digest carries only what its reader may see, and no group marker', async () => {
    const { db } = database();
    const owner = await buildPerson(db);
    const outsider = await buildPerson(db);
    const insider = await buildPerson(db);
    const closed = await buildGroup(db, owner, {
      name: 'CLOSED-MARKER group',
      visibility: 'closed',
    });
    const secret = await buildGroup(db, owner, {
      name: 'SECRET-MARKER group',
      visibility: 'secret',
    });
    await addGroupMember(db, closed, insider);
    await addGroupMember(db, secret, insider);
    const open = await statusPost(db, owner, null);
    const inClosed = await statusPost(db, owner, closed.id);
    for (const person of [outsider, insider]) {
      await dueDaily(db, person);
      await notification(db, person, {
        kind: 'reply',
        type: 'status_post',
        id: open,
        summary: 'A reply <b>in the open</b>',
      });
      await notification(db, person, {
        kind: 'reply',
        type: 'status_post',
        id: inClosed,
        summary: 'A reply in CLOSED-MARKER group',
      });
      await notification(db, person, {
        kind: 'watched',
        type: 'group',
        id: secret.id,
        summary: 'News in SECRET-MARKER group',
      });
    }

    await queueDueDigests(db, AFTER);
    await runJobs(db, handlers(), { workerId: 'test' });

    const [outsiderMail, ...more] = await to(await emailOf(db, outsider));
    assert.equal(more.length, 0);
    assert.equal(
      outsiderMail?.subject,
      'Your daily CivilMedia digest: 1 new notification',
    );
    const raw = sink.raw.find((r) =>
      r.includes(outsiderMail?.messageId ?? '-'),
    );
    assert.doesNotMatch(raw ?? '', /MARKER/);
    assert.match(outsiderMail?.text ?? '', /- A reply <b>in the open<\/b>/);
    assert.match(
      String(outsiderMail?.html),
      /A reply &lt;b&gt;in the open&lt;\/b&gt;/,
    );
    const [insiderMail] = await to(await emailOf(db, insider));
    assert.equal(
      insiderMail?.subject,
      'Your daily CivilMedia digest: 3 new notifications',
    );
    assert.match(insiderMail?.text ?? '', /CLOSED-MARKER[\s\S]*SECRET-MARKER/);
  });

  test('an empty digest is not sent', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    await dueDaily(db, person);
    await queueDueDigests(db, AFTER);
    await runJobs(db, handlers(), { workerId: 'test' });
    const job = await db
      .selectFrom('jobs')
      .select('state')
      .where('type', '=', 'email.digest-batch')
      .where('payload', 'like', `%"personId":${person},%`)
      .executeTakeFirstOrThrow();
    const deliveries = await db
      .selectFrom('email_deliveries')
      .select('id')
      .where('person_id', '=', person)
      .execute();
    assert.equal(job.state, 'done');
    assert.deepEqual(deliveries, []);
    assert.deepEqual(await to(await emailOf(db, person)), []);
  });

  test('every e-mail has a signed one-click unsubscribe that works', async () => {
    const { db } = database();
    const author = await buildPerson(db);
    const reader = await buildPerson(db);
    const post = await statusPost(db, author, null);
    await db.transaction().execute((trx) =>
      notifyPeople(trx, [reader], {
        kind: 'mention',
        actorId: author,
        subject: { type: 'status_post', id: post },
        eventKey: `mention:${post}`,
        summary: 'You were mentioned',
        url: `/talk/status/${post}`,
        createdAt: new Date().toISOString(),
      }),
    );
    await runJobs(db, handlers(), { workerId: 'test' });

    const [mail] = await to(await emailOf(db, reader));
    const header = mail?.headerLines.find(
      (h) => h.key === 'list-unsubscribe',
    )?.line;
    const link = /<(https:\/\/civilmedia\.test\/[^>]+)>/.exec(
      header ?? '',
    )?.[1];
    const url = new URL(link ?? 'https://x.invalid/');
    assert.equal(mail?.subject, 'You were mentioned');
    assert.equal(
      mail?.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line,
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    assert.equal(url.pathname, '/email/unsubscribe');
    assert.equal(url.searchParams.get('person'), String(reader));
    assert.equal(url.searchParams.get('scope'), 'mention');
    const scope = url.searchParams.get('scope') as UnsubscribeScope;
    const sig = url.searchParams.get('sig') ?? '';
    assert.ok(verifyUnsubscribe(SECRET, reader, scope, sig));
    assert.ok(!verifyUnsubscribe(SECRET, author, scope, sig));
    assert.ok(!verifyUnsubscribe(SECRET, reader, 'all', sig));
    await unsubscribe(db, reader, scope);
    const choices = await getEmailChoices(db, reader);
    assert.equal(choices.frequencies.mention, 'never');
    assert.equal(choices.frequencies.invitation, 'immediately');
  });

  test('a kind set to never is not e-mailed', async () => {
    const { db } = database();
    const author = await buildPerson(db);
    const reader = await buildPerson(db);
    await saveEmailFrequencies(db, reader, { mention: 'never' });
    const post = await statusPost(db, author, null);
    await notifyPeople(db, [reader], {
      kind: 'mention',
      actorId: author,
      subject: { type: 'status_post', id: post },
      eventKey: `mention:${post}`,
      summary: 'Mentioned again',
      url: `/talk/status/${post}`,
      createdAt: new Date().toISOString(),
    });
    const jobs = await db
      .selectFrom('jobs')
      .select('id')
      .where('type', '=', 'email.notification')
      .where('payload', 'like', `%"personId":${reader},%`)
      .execute();
    assert.deepEqual(jobs, []);
  });

  test('a crash after the server took a message does not send it again', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    await dueDaily(db, person);
    const post = await statusPost(db, person, null);
    await notification(db, person, {
      kind: 'reply',
      type: 'status_post',
      id: post,
      summary: 'Sent once after a crash',
    });
    await queueDueDigests(db, AFTER);
    // The worker "dies" once the server has the message, before recording.
    const crashing: Mailer = {
      configured: true,
      close() {},
      async send(email, options) {
        await mailer.send(email, options);
        throw new Error('killed');
      },
    };
    await runJobs(db, handlers(crashing), { workerId: 'dying' });
    await db
      .updateTable('jobs')
      .set({ available_at: new Date(0).toISOString() })
      .where('state', '=', 'queued')
      .execute();
    await runJobs(db, handlers(), { workerId: 'next' });
    const mails = await to(await emailOf(db, person));
    const delivery = await db
      .selectFrom('email_deliveries')
      .select('state')
      .where('person_id', '=', person)
      .where('key', 'like', 'digest:%')
      .executeTakeFirstOrThrow();
    assert.equal(mails.length, 1);
    assert.equal(delivery.state, 'sending');
  });

  test('a crash before the end of the message sends it on the next try', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    await dueDaily(db, person);
    const post = await statusPost(db, person, null);
    await notification(db, person, {
      kind: 'reply',
      type: 'status_post',
      id: post,
      summary: 'Sent after an early crash',
    });
    await queueDueDigests(db, AFTER);
    const [job] = await claimJobs(db, 'dying', 1, 1);
    const crashing: Mailer = {
      configured: true,
      close() {},
      send: () => Promise.reject(new Error('killed before the end')),
    };
    await assert.rejects(
      handlers(crashing)['email.digest-batch']?.(db, job?.payload) ??
        Promise.resolve(),
      /killed before the end/,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const pending = await db
      .selectFrom('email_deliveries')
      .select('state')
      .where('person_id', '=', person)
      .where('key', 'like', 'digest:%')
      .executeTakeFirstOrThrow();
    await runJobs(db, handlers(), { workerId: 'next' });
    const sent = await db
      .selectFrom('email_deliveries')
      .select('state')
      .where('person_id', '=', person)
      .where('key', 'like', 'digest:%')
      .executeTakeFirstOrThrow();
    assert.equal(pending.state, 'pending');
    assert.equal(sent.state, 'sent');
    assert.equal((await to(await emailOf(db, person))).length, 1);
  });
});
