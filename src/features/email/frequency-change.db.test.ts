import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ParsedMail } from 'mailparser';
import type { Database, Db } from '../../database.ts';
import { runJobs } from '../../platform/jobs.ts';
import type { JobHandlers } from '../../platform/jobs.ts';
import { createMailer } from '../../platform/mail.ts';
import type { Mailer } from '../../platform/mail.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { startSmtpSink } from '../../test-support/smtp.ts';
import type { SmtpSink } from '../../test-support/smtp.ts';
import { notifyPeople } from '../notifications/service.ts';
import { queueDueDigests } from './digests.ts';
import { emailJobHandlers } from './handlers.ts';
import { saveEmailFrequencies } from './settings.ts';
import type { DigestFrequency } from './tables.ts';

// Changing how often a kind is e-mailed never sends a notification twice
// and never drops one (the rule is in digest-items.ts).

const site = {
  publicUrl: new URL('https://civilmedia.test'),
  secret: 'a test secret that is long enough to sign with',
};
const MINUTE = 60_000;
const ago = (minutes: number) =>
  new Date(Date.now() - minutes * MINUTE).toISOString();

let sink: SmtpSink;
let mailer: Mailer;
const handlers = (): JobHandlers<Database> =>
  emailJobHandlers({ mailer, site });

async function mailsTo(db: Db, personId: number): Promise<ParsedMail[]> {
  const { email } = await db
    .selectFrom('people')
    .select('email')
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const all = await sink.parsed();
  return all.filter((mail) =>
    mail.to && 'text' in mail.to ? mail.to.text === email : false,
  );
}

async function statusPost(db: Db, authorId: number): Promise<number> {
  const row = await db
    .insertInto('status_posts')
    .values({
      author_id: authorId,
      group_id: null,
      parent_id: null,
      body: 'A status post',
      created_at: ago(60),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A mention of the reader, made `minutes` ago; its e-mail job queued. */
async function mention(db: Db, reader: number, minutes: number, text: string) {
  const author = await buildPerson(db);
  const post = await statusPost(db, author);
  await db.transaction().execute((trx) =>
    notifyPeople(trx, [reader], {
      kind: 'mention',
      actorId: author,
      subject: { type: 'status_post', id: post },
      eventKey: `mention:${post}`,
      summary: text,
      url: `/talk/status/${post}`,
      createdAt: ago(minutes),
    }),
  );
}

/** A digest due now, covering from `fromMinutes` ago to a second ago. */
async function dueDigest(
  db: Db,
  personId: number,
  frequency: DigestFrequency,
  fromMinutes: number,
) {
  await db
    .insertInto('email_schedules')
    .values({
      person_id: personId,
      frequency,
      last_at: ago(fromMinutes),
      next_at: new Date(Date.now() - 1000).toISOString(),
    })
    .onConflict((oc) =>
      oc.columns(['person_id', 'frequency']).doUpdateSet({
        last_at: ago(fromMinutes),
        next_at: new Date(Date.now() - 1000).toISOString(),
      }),
    )
    .execute();
}

await describeEachDatabase('changing an e-mail frequency', (database) => {
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

  test('a notification e-mailed at once is not in the digest after a switch to daily', async () => {
    const { db } = database();
    const reader = await buildPerson(db);
    await mention(db, reader, 5, 'Sent at once');
    await runJobs(db, handlers(), { workerId: 'test' });
    assert.equal((await mailsTo(db, reader)).length, 1);

    await saveEmailFrequencies(db, reader, { mention: 'daily' });
    await dueDigest(db, reader, 'daily', 24 * 60);
    await mention(db, reader, 2, 'Made after the switch');
    await queueDueDigests(db);
    await runJobs(db, handlers(), { workerId: 'test' });

    const mails = await mailsTo(db, reader);
    assert.deepEqual(
      mails.map((mail) => mail.subject),
      ['Sent at once', 'Your daily CivilMedia digest: 1 new notification'],
    );
    assert.doesNotMatch(mails[1]?.text ?? '', /Sent at once/);
    assert.match(mails[1]?.text ?? '', /Made after the switch/);
  });

  test('a notification switched to daily before its e-mail went is digested', async () => {
    const { db } = database();
    const reader = await buildPerson(db);
    await mention(db, reader, 10, 'Switched before sending');
    await saveEmailFrequencies(db, reader, { mention: 'daily' });
    // The last digest ended after the notification was made.
    await dueDigest(db, reader, 'daily', 5);
    await runJobs(db, handlers(), { workerId: 'test' });
    assert.equal((await mailsTo(db, reader)).length, 0);

    await queueDueDigests(db);
    await runJobs(db, handlers(), { workerId: 'test' });
    const mails = await mailsTo(db, reader);
    assert.deepEqual(
      mails.map((mail) => mail.subject),
      ['Your daily CivilMedia digest: 1 new notification'],
    );
    assert.match(mails[0]?.text ?? '', /Switched before sending/);
  });

  test('a notification in a daily digest is not in the weekly one after a switch', async () => {
    const { db } = database();
    const reader = await buildPerson(db);
    await saveEmailFrequencies(db, reader, { mention: 'daily' });
    await mention(db, reader, 30, 'Digested daily');
    await dueDigest(db, reader, 'daily', 60);
    await queueDueDigests(db);
    await runJobs(db, handlers(), { workerId: 'test' });
    assert.equal((await mailsTo(db, reader)).length, 1);

    await saveEmailFrequencies(db, reader, { mention: 'weekly' });
    await dueDigest(db, reader, 'weekly', 7 * 24 * 60);
    await queueDueDigests(db);
    await runJobs(db, handlers(), { workerId: 'test' });
    assert.equal((await mailsTo(db, reader)).length, 1);
  });
});
