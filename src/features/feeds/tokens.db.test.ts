import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { buildPerson } from '../../test-support/factories.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  countLiveFeedTokens,
  createFeedToken,
  findFeedTokenPerson,
  listFeedTokens,
  revokeFeedToken,
  revokeFeedTokensOf,
} from './tokens.ts';

// Feed tokens on both databases: what is kept, what a lookup answers, and
// who may revoke which.

const T0 = new Date('2026-12-04T09:00:00.000Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FIRST_PAGE = { page: 1, pageSize: 25, offset: 0 };

await describeEachDatabase('feed tokens', (database) => {
  it('keeps only the SHA-256 of a 43-character base64url token', async () => {
    const { db } = database();
    const person = await buildPerson(db);

    const made = await createFeedToken(db, person, T0);

    assert.match(made.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(made.token, 'base64url').length, 32);
    const row = await db
      .selectFrom('feed_tokens')
      .selectAll()
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.equal(
      row.token_hash,
      createHash('sha256').update(made.token).digest('hex'),
    );
    assert.equal(JSON.stringify(row).includes(made.token), false);
    assert.equal(made.createdAt, T0.toISOString());
  });

  it('finds the owner of a live token and nobody for another string', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    const { token } = await createFeedToken(db, person, T0);

    assert.equal(await findFeedTokenPerson(db, token, T0), person);
    assert.equal(await findFeedTokenPerson(db, `${token.slice(1)}A`), null);
    assert.equal(await findFeedTokenPerson(db, token.slice(1)), null);
    assert.equal(await findFeedTokenPerson(db, `${token}/x`), null);
    assert.equal(await findFeedTokenPerson(db, ''), null);
  });

  it('finds nobody for a revoked token', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    const { id, token } = await createFeedToken(db, person, T0);

    assert.equal(await revokeFeedToken(db, person, id, later(1)), true);

    assert.equal(await findFeedTokenPerson(db, token, later(2)), null);
    assert.equal(await revokeFeedToken(db, person, id, later(3)), false);
  });

  it('notes a token’s use at most once an hour', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    const { id, token } = await createFeedToken(db, person, T0);
    const lastUsed = async () =>
      (
        await db
          .selectFrom('feed_tokens')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).last_used_at;

    await findFeedTokenPerson(db, token, later(1));
    await findFeedTokenPerson(db, token, later(30));
    const first = await lastUsed();
    await findFeedTokenPerson(db, token, later(62));

    assert.equal(
      first === null ? null : new Date(first).toISOString(),
      later(1).toISOString(),
    );
    const second = await lastUsed();
    assert.equal(
      second === null ? null : new Date(second).toISOString(),
      later(62).toISOString(),
    );
  });

  it('lets nobody but the owner revoke a token', async () => {
    const { db } = database();
    const owner = await buildPerson(db);
    const other = await buildPerson(db);
    const { id, token } = await createFeedToken(db, owner, T0);

    assert.equal(await revokeFeedToken(db, other, id, later(1)), false);

    assert.equal(await findFeedTokenPerson(db, token, later(2)), owner);
  });

  it('lists a person’s own tokens a page at a time, newest first', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    const other = await buildPerson(db);
    const ids: number[] = [];
    for (let minute = 0; minute < 3; minute += 1) {
      ids.push((await createFeedToken(db, person, later(minute))).id);
    }
    await createFeedToken(db, other, T0);
    await revokeFeedToken(db, person, ids[0] ?? 0, later(5));

    const page = await listFeedTokens(db, person, {
      page: 2,
      pageSize: 2,
      offset: 2,
    });
    const all = await listFeedTokens(db, person, FIRST_PAGE);

    assert.equal(page.total, 3);
    assert.deepEqual(
      page.items.map((token) => token.id),
      [ids[0]],
    );
    assert.deepEqual(
      all.items.map((token) => [token.id, token.revokedAt !== null]),
      [
        [ids[2], false],
        [ids[1], false],
        [ids[0], true],
      ],
    );
    assert.equal(await countLiveFeedTokens(db, person), 2);
  });

  it('revokes every live token of a person and no one else’s', async () => {
    const { db } = database();
    const person = await buildPerson(db);
    const other = await buildPerson(db);
    const mine = await createFeedToken(db, person, T0);
    await createFeedToken(db, person, T0);
    const theirs = await createFeedToken(db, other, T0);

    assert.equal(await revokeFeedTokensOf(db, person, later(1)), 2);

    assert.equal(await findFeedTokenPerson(db, mine.token), null);
    assert.equal(await findFeedTokenPerson(db, theirs.token), other);
    assert.equal(await countLiveFeedTokens(db, person), 0);
  });
});
