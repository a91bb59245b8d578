import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSmtpSink } from '../test-support/smtp.ts';
import type { SmtpSink } from '../test-support/smtp.ts';
import { SendAbandonedError, SendFailedError, createMailer } from './mail.ts';
import type { OutgoingEmail } from './mail.ts';

let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink({ refuse: (raw) => raw.includes('REFUSE ME') });
});
after(() => sink.close());

const email = (subject: string): OutgoingEmail => ({
  to: 'ada@example.gov.uk',
  subject,
  text: 'Plain words',
  html: '<p>Plain words</p>',
  messageId: `<${subject.replace(/\W/g, '')}@civilmedia.test>`,
  headers: { 'List-Unsubscribe': '<https://civilmedia.test/u>' },
});

test('a message sent over SMTP arrives with both parts and its headers', async () => {
  const mailer = createMailer({
    smtpUrl: sink.url,
    from: 'CivilMedia <no-reply@civilmedia.test>',
  });
  const result = await mailer.send(email('First message'));
  mailer.close();
  const [parsed] = (await sink.parsed()).filter(
    (m) => m.subject === 'First message',
  );
  assert.equal(result.status, 'sent');
  assert.equal(parsed?.text?.trim(), 'Plain words');
  assert.equal(parsed?.html, '<p>Plain words</p>');
  assert.equal(parsed?.messageId, '<Firstmessage@civilmedia.test>');
  assert.deepEqual(parsed?.from?.value, [
    { name: 'CivilMedia', address: 'no-reply@civilmedia.test' },
  ]);
  assert.equal(
    parsed?.headerLines.find((h) => h.key === 'list-unsubscribe')?.line,
    'List-Unsubscribe: <https://civilmedia.test/u>',
  );
});

test('beforeEnd is asked once the message is with the server, before it is taken', async () => {
  const mailer = createMailer({ smtpUrl: sink.url, from: 'a@civilmedia.test' });
  const arrivedBefore: number[] = [];
  await mailer.send(email('Asked first'), {
    beforeEnd: () => {
      arrivedBefore.push(
        sink.raw.filter((raw) => raw.includes('Asked first')).length,
      );
      return Promise.resolve(true);
    },
  });
  mailer.close();
  assert.deepEqual(arrivedBefore, [0]);
  assert.equal(sink.raw.filter((r) => r.includes('Asked first')).length, 1);
});

test('a message abandoned at beforeEnd never reaches the server', async () => {
  const mailer = createMailer({ smtpUrl: sink.url, from: 'a@civilmedia.test' });
  await assert.rejects(
    mailer.send(email('Abandoned'), {
      beforeEnd: () => Promise.resolve(false),
    }),
    SendAbandonedError,
  );
  // The pool goes on working after an abandoned message.
  await mailer.send(email('After abandoned'));
  mailer.close();
  assert.equal(sink.raw.filter((r) => r.includes('Abandoned')).length, 0);
  assert.equal(sink.raw.filter((r) => r.includes('After abandoned')).length, 1);
});

test('a refusal after the end of the message is a rejected failure', async () => {
  const mailer = createMailer({ smtpUrl: sink.url, from: 'a@civilmedia.test' });
  const error = await mailer.send(email('REFUSE ME')).then(
    () => undefined,
    (e: unknown) => e,
  );
  mailer.close();
  assert.ok(error instanceof SendFailedError);
  assert.deepEqual([error.afterEnd, error.rejected], [true, true]);
});

test('a server that cannot be reached fails before the end', async () => {
  const mailer = createMailer({
    smtpUrl: new URL('smtp://127.0.0.1:1'),
    from: 'a@civilmedia.test',
  });
  const error = await mailer.send(email('Nowhere')).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof SendFailedError);
  assert.deepEqual([error.afterEnd, error.rejected], [false, false]);
});

test('with no server configured nothing is sent and nothing fails', async () => {
  const mailer = createMailer({
    smtpUrl: undefined,
    from: 'a@civilmedia.test',
  });
  const result = await mailer.send(email('Unsent'));
  assert.deepEqual(result, {
    status: 'not-sent',
    reason: 'no mail server configured',
  });
  assert.equal(mailer.configured, false);
});
