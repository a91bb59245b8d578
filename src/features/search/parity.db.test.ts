import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import {
  openTestDatabase,
  postgresSkipReason,
} from '../../test-support/databases.ts';
import type { TestDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { sharedDataPath } from '../../test-support/shared-data.ts';
import { importStackExchangeDirectory } from '../talk/stackexchange/import.ts';
import { searchIndex } from './query.ts';

// SQLite's FTS5 and PostgreSQL's full-text search must give the same
// results on the same data: the same rows, in the same order, with the
// same totals. Both databases get the real forum dump (1,651 posts of
// real English) through the importer, so they hold the same ids, and
// then answer the same queries side by side.

const QUERIES = [
  'wikipedia',
  'sources',
  'source',
  'questions answers',
  '"off topic"',
  'off-topic',
  'history of the',
  'the',
  'hitler germany',
  'should we',
  'citations mandatory',
  'https://en.wikipedia.org',
  'en.wikipedia.org/wiki',
  '"academic historical question"',
  'tags',
  'Duplicate Topics on Meta',
];

const skip = await postgresSkipReason();

await describe(
  'search on SQLite and PostgreSQL',
  { skip: skip ?? false },
  () => {
    const databases: TestDatabase[] = [];
    const readers: PersonActor[] = [];

    before(async () => {
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const database = await openTestDatabase(dialect);
        databases.push(database);
        const id = await buildPerson(database.db, {
          displayName: 'Pat Parity',
        });
        readers.push({
          kind: 'person',
          id,
          role: 'member',
          displayName: 'Pat Parity',
          via: 'session',
        });
        await importStackExchangeDirectory(
          database.db,
          sharedDataPath('forum'),
          {
            category: 'history-meta',
          },
        );
      }
    });
    after(async () => {
      await Promise.all(databases.map((database) => database.close()));
    });

    const both = (
      text: string,
      request: { page: number; pageSize: number; offset: number },
      limits?: { cap: number; dense: number; lookupCost: number },
    ) =>
      Promise.all(
        databases.map(async (database, n) => {
          const reader = readers[n] ?? readers[0];
          assert.ok(reader);
          const result = await searchIndex(
            database.db,
            reader,
            { text },
            request,
            '2026-12-04T00:00:00.000Z',
            limits,
          );
          return {
            total: result.total,
            more: result.totalIsLowerBound,
            ids: result.items.map((item) => `${item.kind}:${item.refId}`),
          };
        }),
      );

    it('returns the same rows in the same order for every query', async () => {
      let found = 0;
      for (const text of QUERIES) {
        for (const page of [1, 2]) {
          const request = { page, pageSize: 40, offset: (page - 1) * 40 };
          const [sqlite, postgres] = await both(text, request);
          assert.deepEqual(postgres, sqlite, `${text}, page ${page}`);
          // Walking the newest first finds the very same page, whether
          // SQLite checks each row against a copy of the matches or looks
          // it up in the full-text index.
          for (const lookupCost of [Infinity, 0]) {
            const limits = { cap: 1000, dense: 1, lookupCost };
            const walked = await both(text, request, limits);
            assert.deepEqual(walked, [sqlite, sqlite], `${text}, walked`);
          }
          found += sqlite?.ids.length ?? 0;
        }
      }
      // Not agreement on nothing: the queries find many rows between them.
      assert.ok(found > 400, `found ${found}`);
    });

    it('counts up to the cap and then says there are more', async () => {
      const request = { page: 1, pageSize: 5, offset: 0 };
      const limits = { cap: 50, dense: 2000, lookupCost: 450 };
      const [sqlite, postgres] = await both('the', request, limits);
      assert.equal(sqlite?.total, 50);
      assert.equal(sqlite?.more, true);
      assert.deepEqual(postgres, sqlite);
      // A page across the cap ends at it: one row, not seven.
      const across = { page: 8, pageSize: 7, offset: 49 };
      const last = await both('the', across, limits);
      assert.equal(last[0]?.ids.length, 1);
      assert.deepEqual(last[1], last[0]);
      const past = { page: 11, pageSize: 5, offset: 50 };
      const beyond = await both('the', past, limits);
      assert.deepEqual(beyond[0], { total: 50, more: true, ids: [] });
      assert.deepEqual(beyond[1], beyond[0]);
      const all = await both('the', request);
      assert.deepEqual(sqlite?.ids, all[0]?.ids);
      assert.ok((all[0]?.total ?? 0) > 50, `total ${all[0]?.total}`);
    });
  },
);
