import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { ensureSiteCategory } from '../talk/categories.ts';
import { createThread } from '../talk/threads.ts';
import {
  mergeSearchIndex,
  queueSearchIndexMerge,
  rebuildFullText,
  runSearchIndexMerge,
  SEARCH_MERGE_JOB,
} from './merge.ts';
import { searchIndex } from './query.ts';

// SQLite's full-text indexes are merged into one segment each at night
// (./merge.ts); PostgreSQL has nothing to merge and queues no such job.

await describeEachDatabase('merging the search index', (database) => {
  let reader: PersonActor;

  const found = async (text: string) => {
    const { db } = database();
    const page = { page: 1, pageSize: 50, offset: 0 };
    const result = await searchIndex(db, reader, { text }, page);
    return result.items.map((item) => item.title);
  };

  /** Segments of each full-text index; PostgreSQL has none. */
  const segments = async () => {
    const { db, dialect } = database();
    if (dialect !== 'sqlite') {
      return null;
    }
    const count = async (table: string) =>
      (
        await sql<{ n: number }>`select count(distinct segid) as n
          from ${sql.table(`${table}_idx`)}`.execute(db)
      ).rows[0]?.n;
    return [await count('search_fts'), await count('search_title_fts')];
  };

  const mergeJobs = () =>
    database()
      .db.selectFrom('jobs')
      .select(['available_at', 'key'])
      .where('type', '=', SEARCH_MERGE_JOB)
      .orderBy('available_at')
      .execute();

  before(async () => {
    const { db } = database();
    const id = await buildPerson(db, { displayName: 'Rae Reader' });
    reader = {
      kind: 'person',
      id,
      role: 'member',
      displayName: 'Rae Reader',
      via: 'session',
    };
    const { id: categoryId } = await ensureSiteCategory(db, 'm', 'Merge');
    // Each thread is written on its own, so SQLite adds a segment for it.
    for (const [n, word] of ['heron', 'otter', 'heron', 'badger'].entries()) {
      await createThread(db, {
        categoryId,
        title: `${word} sighting ${n}`,
        body: `A ${word} by the river`,
        authorId: id,
        authorName: 'Rae Reader',
        createdAt: `2026-06-0${n + 1}T00:00:00Z`,
      });
    }
  });

  it('leaves one segment in each index, finding what it found before', async () => {
    const { db, dialect } = database();
    const words = ['heron', 'otter', 'river', 'sighting'];
    const before = await Promise.all(words.map(found));
    assert.deepEqual(before[0], ['heron sighting 2', 'heron sighting 0']);
    if (dialect === 'sqlite') {
      const [body = 0, titles = 0] = (await segments()) ?? [];
      assert.ok(body >= 4 && titles >= 4, `${body} and ${titles} segments`);
    }

    const report = await mergeSearchIndex(db);
    assert.equal(report.finished, true);
    assert.equal(report.steps > 0, dialect === 'sqlite');
    assert.deepEqual(await segments(), dialect === 'sqlite' ? [1, 1] : null);
    assert.deepEqual(await Promise.all(words.map(found)), before);
    // Merged, there is nothing more to do.
    assert.deepEqual(await mergeSearchIndex(db), {
      steps: 0,
      finished: true,
    });
  });

  it('stops when its time is up, to go on later', async () => {
    const { db, dialect } = database();
    assert.deepEqual(await mergeSearchIndex(db, { budgetMs: 0 }), {
      steps: 0,
      finished: dialect !== 'sqlite',
    });
  });

  it('queues itself for 02:00 UTC once, on SQLite alone', async () => {
    const { db, dialect } = database();
    await db.deleteFrom('jobs').execute();
    await queueSearchIndexMerge(db, new Date('2026-12-06T14:00:00Z'));
    await queueSearchIndexMerge(db, new Date('2026-12-06T14:30:00Z'));
    await queueSearchIndexMerge(db, new Date('2026-12-07T01:59:59Z'));
    await queueSearchIndexMerge(db, new Date('2026-12-07T02:00:00Z'));
    const ranOutAt = new Date('2026-12-07T02:05:00Z');
    await queueSearchIndexMerge(db, new Date(), ranOutAt);
    const night = (day: string) => ({
      available_at: `2026-12-${day}T02:00:00.000Z`,
      key: `${SEARCH_MERGE_JOB}:2026-12-${day}T02:00:00.000Z`,
    });
    assert.deepEqual(
      await mergeJobs(),
      dialect === 'sqlite'
        ? [
            night('07'),
            {
              available_at: '2026-12-07T02:05:00.000Z',
              key: `${SEARCH_MERGE_JOB}:2026-12-07T02:05:00.000Z`,
            },
            night('08'),
          ]
        : [],
    );
  });

  it('queues the next night before it merges, after its own if early', async () => {
    const { db, dialect } = database();
    await db.deleteFrom('jobs').execute();
    // On time, then run by hand the afternoon before its night.
    await runSearchIndexMerge(
      db,
      { at: '2026-12-06T02:00:00.000Z' },
      new Date('2026-12-06T02:00:03Z'),
    );
    await runSearchIndexMerge(
      db,
      { at: '2026-12-08T02:00:00.000Z' },
      new Date('2026-12-07T15:00:00Z'),
    );
    const night = (day: string) => ({
      available_at: `2026-12-${day}T02:00:00.000Z`,
      key: `${SEARCH_MERGE_JOB}:2026-12-${day}T02:00:00.000Z`,
    });
    assert.deepEqual(
      await mergeJobs(),
      dialect === 'sqlite' ? [night('07'), night('09')] : [],
    );
  });

  it('builds the full-text index again from the words beside it', async () => {
    const { db, dialect } = database();
    const { document_id: id } = await db
      .selectFrom('search_texts')
      .select('document_id')
      .where('title', '=', 'badger sighting 3')
      .executeTakeFirstOrThrow();
    if (dialect === 'sqlite') {
      // Both indexes lose the row, as damaged ones might, while its words
      // stay in search_texts.
      await sql`insert into search_fts (search_fts, rowid, title_terms,
          body_terms)
        select 'delete', document_id, title_terms, body_terms
        from search_texts where document_id = ${id}`.execute(db);
      await sql`insert into search_title_fts (search_title_fts, rowid,
          title_terms)
        select 'delete', document_id, title_terms
        from search_texts where document_id = ${id}`.execute(db);
      assert.deepEqual(await found('badger'), []);
    }
    assert.equal(await rebuildFullText(db), dialect === 'sqlite');
    assert.deepEqual(await found('badger'), ['badger sighting 3']);
    assert.deepEqual(await segments(), dialect === 'sqlite' ? [1, 1] : null);
  });
});
