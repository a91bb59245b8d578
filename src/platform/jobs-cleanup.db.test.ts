import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../test-support/databases.ts';
import { deleteDoneJobs } from './jobs.ts';
import type { JobState } from './jobs.ts';

// Done jobs older than a month are deleted; newer ones, and failed or
// waiting ones of any age, stay.

await describeEachDatabase('deleting old jobs', (database) => {
  test('deletes done jobs older than 30 days and keeps every other job', async () => {
    const { db } = database();
    const now = new Date('2026-12-05T00:00:00.000Z');
    const daysAgo = (days: number) =>
      new Date(now.getTime() - days * 86_400_000).toISOString();
    const job = (key: string, state: JobState, days: number) => ({
      type: 'cleanup.test',
      payload: '{}',
      key,
      state,
      attempts: 1,
      max_attempts: 8,
      available_at: daysAgo(days),
      created_at: daysAgo(days),
      finished_at: state === 'queued' ? null : daysAgo(days),
    });
    await db
      .insertInto('jobs')
      .values([
        job('cleanup:old-done-1', 'done', 31),
        job('cleanup:old-done-2', 'done', 400),
        job('cleanup:new-done', 'done', 29),
        job('cleanup:old-failed', 'failed', 60),
        job('cleanup:old-queued', 'queued', 60),
      ])
      .execute();
    const deleted = await deleteDoneJobs(db, now);
    const left = await db
      .selectFrom('jobs')
      .select('key')
      .where('type', '=', 'cleanup.test')
      .orderBy('key')
      .execute();
    assert.equal(deleted, 2);
    assert.deepEqual(
      left.map((row) => row.key),
      ['cleanup:new-done', 'cleanup:old-failed', 'cleanup:old-queued'],
    );
  });
});
