import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { ensureSiteCategory } from '../talk/categories.ts';
import { appendPost } from '../talk/posts.ts';
import { createThread } from '../talk/threads.ts';
import { searchIndex } from './query.ts';

// BUG-24: a URL is found by itself and by its address without the
// scheme, ordinary words by their stem; a whole word never matches the
// start of a longer one; and a title that repeats a word ranks no
// higher than one that says it once, so recency decides between them.

await describeEachDatabase('search ranking (BUG-24)', (database) => {
  let reader: PersonActor;
  const ids: Record<string, number> = {};

  const titlesFor = async (
    q: string,
    limits?: Parameters<typeof searchIndex>[5],
  ) => {
    const { db } = database();
    const page = { page: 1, pageSize: 25, offset: 0 };
    const now = new Date().toISOString();
    const result = await searchIndex(
      db,
      reader,
      { text: q },
      page,
      now,
      limits,
    );
    return result.items.map((item) => item.title || item.body);
  };

  before(async () => {
    const { db } = database();
    const authorId = await buildPerson(db, { displayName: 'Robin Ranker' });
    reader = {
      kind: 'person',
      id: await buildPerson(db, { displayName: 'Sam Seeker' }),
      role: 'member',
      displayName: 'Sam Seeker',
      via: 'session',
    };
    const { id: categoryId } = await ensureSiteCategory(db, 'rank', 'Rank');
    const threads: [string, string, string, string][] = [
      ['A', 'The sum of us', 'Opening words', '2024-06-01T09:00:00.000Z'],
      ['B', 'Summer in spring', 'Warm days', '2026-11-01T09:00:00.000Z'],
      ['C', 'invite invited invites invitation', 'x', '2026-10-01T09:00:00Z'],
      ['D', 'Invite colleagues to groups', 'y', '2026-10-02T09:00:00.000Z'],
      [
        'E',
        'Travel rules',
        'Policy at https://intranet.example.org/travel-policy applies',
        '2026-09-01T09:00:00.000Z',
      ],
      ['F', 'Newest news', 'Please invite me', '2026-11-20T09:00:00.000Z'],
      ['G', 'Invite', 'The shortest title', '2025-01-01T09:00:00.000Z'],
    ];
    for (const [name, title, body, createdAt] of threads) {
      const { threadId } = await createThread(db, {
        categoryId,
        title,
        body,
        authorId,
        authorName: 'Robin Ranker',
        createdAt,
      });
      ids[name] = threadId;
    }
    await appendPost(db, ids.A ?? 0, {
      body: 'A reply',
      authorId,
      authorName: 'Robin Ranker',
      createdAt: '2024-06-02T09:00:00.000Z',
    });
    for (let n = 0; n < 40; n += 1) {
      await appendPost(db, ids.B ?? 0, {
        body: `Reply ${n}`,
        authorId,
        authorName: 'Robin Ranker',
        createdAt: '2026-11-02T09:00:00.000Z',
      });
    }
  });

  it('finds "The sum of us" for sum, and not "Summer in spring"', async () => {
    assert.deepEqual(await titlesFor('sum'), ['The sum of us']);
    assert.deepEqual(await titlesFor('summer'), ['Summer in spring']);
  });

  it('ranks a stuffed title no higher than one saying the word once', async () => {
    assert.deepEqual(await titlesFor('invite'), [
      'Invite',
      'Invite colleagues to groups',
      'invite invited invites invitation',
      'Newest news',
    ]);
  });

  it('puts an exact title before newer titles holding the words', async () => {
    assert.deepEqual(await titlesFor('invite colleagues to groups'), [
      'Invite colleagues to groups',
    ]);
    assert.deepEqual(await titlesFor('sum of us the'), ['The sum of us']);
  });

  it('ranks the same when the titles and bodies are walked newest first', async () => {
    // As for a word in thousands of titles: exact titles first, then the
    // other titles and then the bodies newest first, each row checked
    // against a copy of the matches or looked up in the index.
    for (const lookupCost of [Infinity, 0]) {
      const walked = { cap: 1000, dense: 1, lookupCost };
      for (const q of ['invite', 'sum of us the', 'policies', 'reply']) {
        assert.deepEqual(
          await titlesFor(q, walked),
          await titlesFor(q),
          `${q}, ${lookupCost}`,
        );
      }
    }
    assert.equal((await titlesFor('reply')).length, 25);
  });

  it('finds a URL in a post with and without its scheme', async () => {
    const url = 'https://intranet.example.org/travel-policy';
    assert.deepEqual(await titlesFor(url), ['Travel rules']);
    assert.deepEqual(await titlesFor('intranet.example.org/travel-policy'), [
      'Travel rules',
    ]);
    assert.deepEqual(await titlesFor('example.org/policy-travel'), []);
  });

  it('finds policy through the stem of policies', async () => {
    assert.deepEqual(await titlesFor('policies'), ['Travel rules']);
  });
});
