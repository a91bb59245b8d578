import assert from 'node:assert/strict';
import { it } from 'node:test';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildGroup } from '../../test-support/groups.ts';
import { ensureGroupCategory } from '../talk/categories.ts';
import { setWatch } from '../talk/reading.ts';
import { fanOut } from './fanout.ts';
import type { FanOut } from './fanout.ts';
import { buildMember, startGroupThread } from './testing.ts';

/** Counts the inserts into `notifications` that pass through it. */
class NotificationInserts implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (
      node.kind === 'InsertQueryNode' &&
      node.into?.table.identifier.name === 'notifications'
    ) {
      this.count += 1;
    }
    return node;
  }

  async transformResult(
    args: PluginTransformResultArgs,
  ): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

async function watchersOfCategory(db: Db, categoryId: number, n: number) {
  const at = '2026-12-01T09:00:00.000Z';
  const rows = Array.from({ length: n }, (_, i) => ({
    display_name: `Watcher ${i}`,
    sort_name: `watcher ${i}`,
    email: `watcher${categoryId}x${i}@example.gov.uk`,
    email_key: `watcher${categoryId}x${i}@example.gov.uk`,
    role: 'member' as const,
    status: 'active' as const,
    source: 'test',
    created_at: at,
    updated_at: at,
  }));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const made = await db
      .insertInto('people')
      .values(rows.slice(i, i + 200))
      .returning('id')
      .execute();
    ids.push(...made.map((row) => row.id));
  }
  await db
    .insertInto('talk_watches')
    .values(
      ids.map((id) => ({
        person_id: id,
        thread_id: null,
        category_id: categoryId,
        level: 'watch' as const,
        created_at: at,
      })),
    )
    .execute();
  return ids;
}

await describeEachDatabase('telling watchers', (database) => {
  it('tells 1,000 category watchers in batches, once each, not one who muted', async (t) => {
    const { db } = database();
    const author = await buildMember(db, 'Ann');
    const group = await buildGroup(db, author.id);
    const category = await ensureGroupCategory(db, group);
    const watchers = await watchersOfCategory(db, category.id, 1000);
    const { threadId } = await startGroupThread(db, author, group, 'T', 'x');
    const muted = watchers[0] ?? 0;
    await setWatch(db, muted, { threadId }, 'mute');
    const job = await db
      .selectFrom('jobs')
      .select('payload')
      .where('type', '=', 'activity.fanout')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const payload = JSON.parse(job.payload) as FanOut;
    const counter = new NotificationInserts();

    const started = performance.now();
    const told = await fanOut(db.withPlugin(counter), payload);
    const took = performance.now() - started;
    const again = await fanOut(db, payload);

    const rows = await db
      .selectFrom('notifications')
      .select(['person_id'])
      .where('event_key', '=', payload.notification.eventKey)
      .execute();
    assert.equal(told, 999);
    assert.equal(again, 0);
    assert.equal(rows.length, 999);
    assert.ok(!rows.some((row) => row.person_id === muted));
    assert.equal(counter.count, 2, 'two inserts of at most 500 rows');
    t.diagnostic(`fan-out of 1,000 watchers: ${took.toFixed(0)} ms`);
  });

  it('tells a category watcher of a new thread but not of one they cannot read', async () => {
    const { db } = database();
    const author = await buildMember(db, 'Ben');
    const outsider = await buildMember(db, 'Oz');
    const group = await buildGroup(db, author.id, { visibility: 'closed' });
    const category = await ensureGroupCategory(db, group);
    await setWatch(db, outsider.id, { categoryId: category.id }, 'watch');
    await setWatch(db, author.id, { categoryId: category.id }, 'watch');

    const { threadId } = await startGroupThread(db, author, group, 'T', 'x');
    const job = await db
      .selectFrom('jobs')
      .select('payload')
      .where('type', '=', 'activity.fanout')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const told = await fanOut(db, JSON.parse(job.payload) as FanOut);

    assert.equal(told, 0);
    assert.ok(threadId > 0);
  });
});
