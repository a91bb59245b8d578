import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createBenchDatabase } from '../../../bench/database.ts';
import { runDigestScenario } from '../../../bench/digest.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import type { TestDatabase } from '../../test-support/databases.ts';

// The digest bench at small scale, untimed: 300 people's digests from a
// worker process (`civilmedia jobs run`), then a second day's with the
// worker killed by its PID halfway and a new run after its lease ends.

const PEOPLE = 300;

/**
 * A database a child process can open: a SQLite file, or a PostgreSQL
 * database of its own (a child cannot be handed the test's schema).
 */
async function sharedUrl(database: TestDatabase) {
  if (database.dialect === 'sqlite') {
    const folder = await mkdtemp(join(tmpdir(), 'civilmedia-digest-'));
    return {
      url: `sqlite:${join(folder, 'digest.db')}`,
      done: () => rm(folder, { recursive: true, force: true }),
    };
  }
  const own = await createBenchDatabase('postgres');
  return { url: own.url, done: () => own.drop() };
}

await describeEachDatabase('digests from worker processes', (database) => {
  test('a killed worker sends no digest twice, and loses none it had not ended', async () => {
    const shared = await sharedUrl(database());
    try {
      const result = await runDigestScenario({
        databaseUrl: shared.url,
        people: PEOPLE,
        processes: 1,
        workersEach: 4,
      });
      assert.equal(result.firstRunSent, PEOPLE);
      assert.ok(result.killedPid !== undefined);
      assert.ok(result.arrivedAtKill < PEOPLE, 'killed before the end');
      assert.equal(result.secondRunDuplicates, 0);
      assert.equal(
        result.secondRunExactlyOnce + result.secondRunMissing,
        PEOPLE,
      );
      // Only a digest whose end of message had gone out when the worker
      // died may be missing (at most once; see deliveries.ts).
      assert.ok(result.secondRunMissing <= result.outcomeUnknown);
    } finally {
      await shared.done();
    }
  });
});
