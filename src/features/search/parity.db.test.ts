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

    it('returns the same rows in the same order for every query', async () => {
      let found = 0;
      for (const text of QUERIES) {
        for (const page of [1, 2]) {
          const request = { page, pageSize: 40, offset: (page - 1) * 40 };
          const [sqlite, postgres] = await Promise.all(
            databases.map(async (database, n) => {
              const reader = readers[n] ?? readers[0];
              assert.ok(reader);
              const result = await searchIndex(
                database.db,
                reader,
                { text },
                request,
                '2026-12-04T00:00:00.000Z',
              );
              return {
                total: result.total,
                ids: result.items.map((item) => `${item.kind}:${item.refId}`),
              };
            }),
          );
          assert.deepEqual(postgres, sqlite, `${text}, page ${page}`);
          found += sqlite?.ids.length ?? 0;
        }
      }
      // Not agreement on nothing: the queries find many rows between them.
      assert.ok(found > 400, `found ${found}`);
    });
  },
);
