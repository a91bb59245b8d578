import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { before, it } from 'node:test';
import type { Actor, PersonActor } from '../../access/actor.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { buildGroup } from '../../test-support/groups.ts';
import { ensureGroupCategory, ensureSiteCategory } from '../talk/categories.ts';
import { deletePost, editPost, replyToThread } from '../talk/discussions.ts';
import { appendPost, findPost, reshowPost } from '../talk/posts.ts';
import { createThread, setThreadCategory } from '../talk/threads.ts';
import { setThreadHidden } from '../talk/threads.ts';
import {
  createStatus,
  deleteStatus,
  replyToStatus,
} from '../talk/status/posts.ts';
import { savePage } from '../wiki/editing.ts';
import { renamePage } from '../wiki/history.ts';
import { importRevision } from '../wiki/import.ts';
import { spaceFor } from '../wiki/spaces.ts';
import { migrateDown, migrateToLatest } from '../../platform/db/migrate.ts';
import { searchIndex } from './query.ts';
import { indexThings } from './sources.ts';
import type { SearchRequest } from './query.ts';

// The index moves with the content in every write path, and a search
// counts only what the reader may see: a hidden, deleted or moved thread
// leaves totals and pages at once.

const TITLE_INDEX = '2026-12-05T1910_search_title_index';

await describeEachDatabase('searching everything', (database) => {
  let author: PersonActor;
  let reader: PersonActor;
  let siteCategory: number;
  let closedCategory: number;

  const find = async (
    request: SearchRequest,
    actor: Actor = reader,
    page = { page: 1, pageSize: 25, offset: 0 },
  ) => {
    const { db } = database();
    const result = await searchIndex(db, actor, request, page);
    return {
      total: result.total,
      titles: result.items.map((item) => item.title || item.body),
    };
  };

  const person = async (name: string): Promise<PersonActor> => {
    const { db } = database();
    const id = await buildPerson(db, { displayName: name });
    return {
      kind: 'person',
      id,
      role: 'member',
      displayName: name,
      via: 'session',
    };
  };

  const thread = async (title: string, body: string, at: string) => {
    const { db } = database();
    return createThread(db, {
      categoryId: siteCategory,
      title,
      body,
      authorId: author.id,
      authorName: author.displayName,
      createdAt: at,
    });
  };

  before(async () => {
    const { db } = database();
    author = await person('Ada Author');
    reader = await person('Rae Reader');
    siteCategory = (await ensureSiteCategory(db, 'find', 'Find')).id;
    const closed = await buildGroup(db, author.id, { visibility: 'closed' });
    closedCategory = (await ensureGroupCategory(db, closed)).id;
  });

  it('finds Chinese, Japanese and Korean words without quotes', async () => {
    await thread('東京都の予算', '会議は来週です', '2026-01-01T00:00:00Z');
    await thread('한국어 안내', '서울 사무소 이전', '2026-01-02T00:00:00Z');

    assert.deepEqual((await find({ text: '予算' })).titles, ['東京都の予算']);
    assert.deepEqual((await find({ text: '東京' })).titles, ['東京都の予算']);
    assert.deepEqual((await find({ text: '来週' })).titles, ['東京都の予算']);
    assert.deepEqual((await find({ text: '사무소' })).titles, ['한국어 안내']);
    assert.deepEqual((await find({ text: '京大' })).titles, []);
  });

  it('keeps the words of a quoted phrase together and in order', async () => {
    await thread(
      'Phrases one',
      'the annual leave policy',
      '2026-01-03T00:00:00Z',
    );
    await thread(
      'Phrases two',
      'leave the annual policy',
      '2026-01-04T00:00:00Z',
    );

    assert.deepEqual((await find({ text: '"annual leave"' })).titles, [
      'Phrases one',
    ]);
    assert.deepEqual((await find({ text: 'annual leave' })).titles, [
      'Phrases two',
      'Phrases one',
    ]);
  });

  it('filters by kind, author and date', async () => {
    const { db } = database();
    const other = await person('Otto Other');
    await createStatus(db, other, 'Quarterly bicycle audit done', null);
    await thread('Bicycle scheme', 'Ride', '2025-06-01T00:00:00.000Z');

    assert.equal((await find({ text: 'bicycle' })).total, 2);
    assert.deepEqual(
      (await find({ text: 'bicycle', kinds: ['status'] })).titles,
      ['Quarterly bicycle audit done'],
    );
    assert.deepEqual(
      (await find({ text: 'bicycle', authorId: author.id })).titles,
      ['Bicycle scheme'],
    );
    const june = {
      from: '2025-06-01T00:00:00.000Z',
      to: '2025-06-02T00:00:00.000Z',
    };
    assert.deepEqual((await find({ text: 'bicycle', ...june })).titles, [
      'Bicycle scheme',
    ]);
  });

  it('counts and pages only what the reader may see', async () => {
    const { db } = database();
    const ids: number[] = [];
    for (let n = 1; n <= 5; n += 1) {
      const day = String(n).padStart(2, '0');
      const made = await thread(
        `Kayak ${n}`,
        'River',
        `2026-02-${day}T00:00:00Z`,
      );
      ids.push(made.threadId);
    }
    await setThreadHidden(db, ids[1] ?? 0, { reason: 'spam' });
    const secondPage = { page: 2, pageSize: 2, offset: 2 };

    const result = await find({ text: 'kayak' }, reader, secondPage);

    assert.deepEqual(result, { total: 4, titles: ['Kayak 3', 'Kayak 1'] });
  });

  it('keeps the index in step with edits, deletes and moves', async () => {
    const { db } = database();
    const made = await thread('Canoe club', 'Paddles', '2026-03-01T00:00:00Z');
    const replyId = await replyToThread(db, author, made.threadId, {
      body: 'Bring a lifejacket',
      quoteOf: null,
    });

    await editPost(db, author, made.postId, {
      title: 'Rowing club',
      body: 'Oars',
      tags: null,
    });
    assert.deepEqual((await find({ text: 'canoe' })).titles, []);
    assert.deepEqual((await find({ text: 'rowing oars' })).titles, [
      'Rowing club',
    ]);
    assert.deepEqual((await find({ text: 'lifejacket' })).titles, [
      'Bring a lifejacket',
    ]);

    await setThreadCategory(db, made.threadId, closedCategory);
    assert.deepEqual((await find({ text: 'rowing' })).titles, []);
    assert.deepEqual((await find({ text: 'lifejacket' }, author)).titles, [
      'Bring a lifejacket',
    ]);

    await setThreadCategory(db, made.threadId, siteCategory);
    await deletePost(db, author, replyId);
    assert.deepEqual((await find({ text: 'lifejacket' })).titles, []);
    await deletePost(db, author, made.postId);
    assert.deepEqual((await find({ text: 'rowing' })).titles, []);
  });

  it('indexes a thing again without rewriting words that did not change', async () => {
    const { db } = database();
    const made = await thread(
      'Kayak club',
      'Spray deck',
      '2026-05-01T00:00:00Z',
    );
    const document = db
      .selectFrom('search_documents')
      .where('kind', '=', 'thread')
      .where('ref_id', '=', made.threadId);
    const { id } = await document.select('id').executeTakeFirstOrThrow();
    // Which version of the words the index holds: on SQLite the blocks of
    // the full-text index, which a rewrite adds to; on PostgreSQL the
    // transaction that last wrote the thread's row.
    const version = async () =>
      (database().dialect === 'sqlite'
        ? await sql<{ v: string }>`select group_concat(id) as v
            from (select id from search_fts_data order by id)`.execute(db)
        : await sql<{ v: string }>`select xmin::text as v from search_texts
            where document_id = ${id}`.execute(db)
      ).rows[0]?.v;

    // A reply moves the thread's last activity, which ranks it.
    await replyToThread(
      db,
      author,
      made.threadId,
      { body: 'Bring a paddle', quoteOf: null },
      '2026-05-02T00:00:00.000Z',
    );
    assert.deepEqual(await document.select('updated_at').execute(), [
      { updated_at: '2026-05-02T00:00:00.000Z' },
    ]);
    const unchanged = await version();
    await indexThings(db, 'thread', [made.threadId]);
    assert.equal(await version(), unchanged);

    await editPost(db, author, made.postId, {
      title: 'Kayak club',
      body: 'Buoyancy aid',
      tags: null,
    });
    const newBody = await version();
    assert.notEqual(newBody, unchanged);
    assert.deepEqual((await find({ text: 'buoyancy' })).titles, ['Kayak club']);
    assert.deepEqual((await find({ text: 'spray' })).titles, []);

    await editPost(db, author, made.postId, {
      title: 'Canoe and kayak club',
      body: 'Buoyancy aid',
      tags: null,
    });
    assert.notEqual(await version(), newBody);
    assert.deepEqual((await find({ text: 'canoe' })).titles, [
      'Canoe and kayak club',
    ]);
  });

  it('ranks a thread by an approved reply, from when it was approved', async () => {
    const { db } = database();
    const held = await thread('Pangolin walk', 'Dawn', '2026-07-01T00:00:00Z');
    await thread('Pangolin talk', 'Dusk', '2026-07-02T00:00:00Z');
    const replyId = await appendPost(db, held.threadId, {
      body: 'Count me in',
      authorId: reader.id,
      authorName: reader.displayName,
      createdAt: '2026-07-03T00:00:00.000Z',
      awaitingApproval: true,
    });
    // Held, the reply is news to no one: the newer thread comes first.
    assert.deepEqual((await find({ text: 'pangolin' })).titles, [
      'Pangolin talk',
      'Pangolin walk',
    ]);

    const reply = await findPost(db, replyId);
    assert.ok(reply);
    await reshowPost(db, reply, '2026-07-04T00:00:00.000Z');
    assert.deepEqual((await find({ text: 'pangolin' })).titles, [
      'Pangolin walk',
      'Pangolin talk',
    ]);
  });

  it('ranks titles written before SQLite had its index of titles', async () => {
    const { db } = database();
    await thread('Kestrel survey', 'Nesting birds', '2026-04-01T00:00:00Z');
    await thread('Field notes', 'A kestrel hovered', '2026-04-02T00:00:00Z');
    // Back to before the index of titles, and up again: the migration
    // fills it from the titles already there.
    let reverted: string[] = [];
    while (!reverted.includes(TITLE_INDEX)) {
      reverted = await migrateDown(db);
      assert.notDeepEqual(reverted, [], 'no migration left to revert');
    }
    await migrateToLatest(db);

    assert.deepEqual(await find({ text: 'kestrel' }), {
      total: 2,
      titles: ['Kestrel survey', 'Field notes'],
    });
  });

  it('leaves wiki redirects out, and drops a page that becomes one', async () => {
    const { db } = database();
    const editor: PersonActor = { ...author, role: 'admin' };
    const space = await spaceFor(db, editor, 'site');
    await savePage(db, editor, space, {
      title: 'Heron',
      body: 'A wading egret.\n',
      baseRevision: null,
    });
    await renamePage(db, editor, space, 'Heron', 'Egret');
    // "Heron" is now "Moved to [[Egret]]": only the page itself is found.
    assert.deepEqual((await find({ text: 'egret' })).titles, ['Egret']);

    const base = { space, title: 'Ardea', summary: '', authorId: null };
    await importRevision(db, {
      ...base,
      authorName: 'Old Hand',
      body: 'Herons and egrets\n',
      createdAt: '2008-01-01T00:00:00.000Z',
      importKey: 'test:ardea:1',
    });
    assert.deepEqual((await find({ text: 'ardea' })).titles, ['Ardea']);
    await importRevision(db, {
      ...base,
      authorName: 'Old Hand',
      body: 'Redirect to [[Egret]]\n',
      createdAt: '2008-02-01T00:00:00.000Z',
      importKey: 'test:ardea:2',
      redirectTo: 'Egret',
    });
    assert.deepEqual((await find({ text: 'ardea' })).titles, []);
    assert.deepEqual((await find({ text: 'egret' })).titles, ['Egret']);
  });

  it('drops the replies of a deleted status post from the index', async () => {
    const { db } = database();
    const post = await createStatus(db, author, 'Heron survey today', null);
    await replyToStatus(db, reader, post, 'Count the heronries too');
    assert.equal((await find({ text: 'heronries' })).total, 1);

    await deleteStatus(db, author, post);
    assert.equal((await find({ text: 'heronries' })).total, 0);
    const left = await db
      .selectFrom('search_documents')
      .select('id')
      .where('kind', '=', 'status')
      .where('ref_id', '>=', post)
      .execute();
    assert.deepEqual(left, []);
  });
});
