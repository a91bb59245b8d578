import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { migrateDown, migrateToLatest } from './migrate.ts';

await describeEachDatabase('migrations', (database) => {
  it('go all the way down and back up again', async () => {
    const { db } = database();
    const downs: string[] = [];
    for (;;) {
      const reverted = await migrateDown(db);
      if (reverted.length === 0) {
        break;
      }
      downs.push(...reverted);
    }
    const ups = await migrateToLatest(db);

    assert.ok(ups.length > 0);
    assert.deepEqual([...downs].reverse(), ups);
    assert.deepEqual(await migrateToLatest(db), []);
  });
});
