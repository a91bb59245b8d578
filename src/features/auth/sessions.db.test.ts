import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import {
  createSession,
  deleteSessionsOf,
  findSessionAccount,
} from './sessions.ts';

const HOUR = 3_600_000;
const timeouts = { idleMs: 8 * HOUR, absoluteMs: 7 * 24 * HOUR };
const start = new Date('2026-12-01T09:00:00Z');
const later = (ms: number) => new Date(start.getTime() + ms);

/** The id of the account a live session belongs to, or null. */
async function findSessionPerson(
  ...args: Parameters<typeof findSessionAccount>
): Promise<number | null> {
  return (await findSessionAccount(...args))?.id ?? null;
}

await describeEachDatabase('sessions', (database) => {
  it('finds the person while the session is in use', async () => {
    const { db } = database();
    const personId = await buildPerson(db);
    const secret = await createSession(db, personId, 'test', timeouts, start);

    assert.equal(
      await findSessionPerson(db, secret, timeouts, later(HOUR)),
      personId,
    );
    assert.equal(
      await findSessionPerson(db, secret, timeouts, later(8.5 * HOUR)),
      personId,
      'the request an hour in reset the idle clock',
    );
  });

  it("gives the session's account as it stands, active or not", async () => {
    const { db } = database();
    const personId = await buildPerson(db, {
      displayName: 'Rhian Pugh',
      email: 'rhian.pugh@example.gov.uk',
      role: 'guest',
    });
    const secret = await createSession(db, personId, 'test', timeouts, start);
    assert.deepEqual(
      await findSessionAccount(db, secret, timeouts, later(HOUR)),
      {
        id: personId,
        displayName: 'Rhian Pugh',
        email: 'rhian.pugh@example.gov.uk',
        role: 'guest',
        active: true,
        passwordHash: null,
      },
    );

    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', personId)
      .execute();
    const account = await findSessionAccount(db, secret, timeouts, later(HOUR));
    assert.equal(account?.active, false);
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const { db } = database();
    const personId = await buildPerson(db);
    const secret = await createSession(db, personId, 'test', timeouts, start);

    assert.equal(
      await findSessionPerson(db, secret, timeouts, later(8 * HOUR + 1)),
      null,
    );
    assert.equal(
      await findSessionPerson(db, secret, timeouts, later(HOUR)),
      null,
      'and it stays ended',
    );
  });

  it('ends a busy session at its absolute timeout', async () => {
    const { db } = database();
    const personId = await buildPerson(db);
    const secret = await createSession(db, personId, 'test', timeouts, start);
    for (let hours = 6; hours < 7 * 24; hours += 6) {
      assert.equal(
        await findSessionPerson(db, secret, timeouts, later(hours * HOUR)),
        personId,
      );
    }

    assert.equal(
      await findSessionPerson(db, secret, timeouts, later(7 * 24 * HOUR)),
      null,
    );
  });

  it('signs a person out of every device at once', async () => {
    const { db } = database();
    const personId = await buildPerson(db);
    const laptop = await createSession(db, personId, 'laptop', timeouts, start);
    const phone = await createSession(db, personId, 'phone', timeouts, start);

    assert.equal(await deleteSessionsOf(db, personId), 2);
    assert.equal(await findSessionPerson(db, laptop, timeouts, later(1)), null);
    assert.equal(await findSessionPerson(db, phone, timeouts, later(1)), null);
  });

  it('keeps no session secret in the database', async () => {
    const { db } = database();
    const personId = await buildPerson(db);
    const secret = await createSession(db, personId, 'test', timeouts, start);

    const rows = await db
      .selectFrom('sessions')
      .selectAll()
      .where('person_id', '=', personId)
      .execute();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]?.id_hash, secret);
    assert.match(rows[0]?.id_hash ?? '', /^[0-9a-f]{64}$/);
  });

  it('keeps a session in use alive under a short idle timeout', async () => {
    const { db } = database();
    const personId = await buildPerson(db);
    const short = { idleMs: 60_000, absoluteMs: HOUR };
    const secret = await createSession(db, personId, 'test', short, start);
    for (let seconds = 15; seconds <= 180; seconds += 15) {
      assert.equal(
        await findSessionPerson(db, secret, short, later(seconds * 1000)),
        personId,
        `at ${seconds} s`,
      );
    }
  });
});
