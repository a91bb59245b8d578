import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { queueDueDigests } from '../../features/email/digests.ts';
import { emailJobHandlers } from '../../features/email/handlers.ts';
import { runJobs } from '../../platform/jobs.ts';
import { createMailer } from '../../platform/mail.ts';
import { startSmtpSink } from '../../test-support/smtp.ts';
import type { MatrixActor } from './actors.ts';
import type { Marker } from './content.ts';
import type { Outcome } from './requests.ts';

// The daily digest every person on the matrix's site is sent for the day
// its notifications were made, through a real SMTP server, as outcomes
// the checks read like a route's: a digest is a page nobody requests.

const DAY = {
  since: '2026-12-01T00:00:00.000Z',
  until: '2026-12-02T00:00:00.000Z',
};

const DIGEST = {
  route: { method: 'MAIL', url: 'daily digest', config: {} },
  url: 'daily digest e-mail',
};

/** Sends everyone's digest; one outcome per actor who is a person. */
export async function digestOutcomes(
  db: Kysely<Database>,
  actors: readonly MatrixActor[],
  markers: readonly Marker[],
): Promise<Outcome[]> {
  const sink = await startSmtpSink();
  const mailer = createMailer({
    smtpUrl: sink.url,
    from: 'matrix@civilmedia.test',
  });
  try {
    const people = await db
      .selectFrom('people')
      .select(['id', 'email'])
      .execute();
    await db.deleteFrom('email_schedules').execute();
    await db
      .insertInto('email_schedules')
      .values(
        people.map((person) => ({
          person_id: person.id,
          frequency: 'daily' as const,
          last_at: DAY.since,
          next_at: DAY.until,
        })),
      )
      .execute();
    await queueDueDigests(db, new Date(Date.parse(DAY.until) + 60_000));
    const site = {
      publicUrl: new URL('https://civilmedia.test'),
      secret: 'a matrix secret long enough to sign links with',
    };
    await runJobs(db, emailJobHandlers({ mailer, site }), {
      workerId: 'matrix',
    });
    const mails = await sink.parsed();
    return actors.flatMap((actor) => {
      const rule = actor.rule;
      const email = people.find(
        (person) => rule.kind === 'person' && person.id === rule.id,
      )?.email;
      if (!email) {
        return [];
      }
      const text = mails
        .filter((mail) => JSON.stringify(mail.to ?? '').includes(email))
        .map((mail) => `${mail.subject}\n${mail.text}\n${String(mail.html)}`)
        .join('\n');
      const found = markers.filter((marker) => text.includes(marker.text));
      return [
        { target: DIGEST, actor, status: 250, location: undefined, found },
      ];
    });
  } finally {
    mailer.close();
    await sink.close();
  }
}
