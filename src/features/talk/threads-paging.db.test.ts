import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { ensureSiteCategory } from './categories.ts';
import { createThread, listThreads, setThreadPinned } from './threads.ts';

// Pages past the middle of a thread list are read from its other end
// (see listThreads); whichever end a page is read from, it must hold
// exactly the threads the whole list has there.

await describeEachDatabase('pages of a thread list', (database) => {
  let reader: PersonActor;
  let categoryId: number;
  const titles: string[] = [];

  before(async () => {
    const { db } = database();
    const id = await buildPerson(db, { displayName: 'Pat Pager' });
    reader = {
      kind: 'person',
      id,
      role: 'member',
      displayName: 'Pat Pager',
      via: 'token',
    };
    categoryId = (await ensureSiteCategory(db, 'paging', 'Paging')).id;
    for (let n = 1; n <= 8; n += 1) {
      const title = `Thread ${n}`;
      const { threadId } = await createThread(db, {
        categoryId,
        title,
        body: 'Opening',
        authorId: id,
        authorName: 'Pat Pager',
        // Two share a time, so the id decides between them.
        createdAt: `2026-03-0${n === 5 ? 4 : n}T09:00:00.000Z`,
      });
      if (n === 2) {
        await setThreadPinned(db, threadId, true);
      }
      titles.push(title);
    }
  });

  async function titlesOf(page: number, pageSize: number) {
    const offset = (page - 1) * pageSize;
    const result = await listThreads(
      database().db,
      reader,
      { categoryId },
      { pageSize, offset },
    );
    return { titles: result.items.map((t) => t.title), total: result.total };
  }

  it('gives every page, from either end, the threads the whole list has there', async () => {
    const whole = await titlesOf(1, 100);
    const pages = [];
    for (let page = 1; page <= 3; page += 1) {
      pages.push(...(await titlesOf(page, 3)).titles);
    }

    assert.deepEqual(whole.titles, [
      'Thread 2',
      'Thread 8',
      'Thread 7',
      'Thread 6',
      'Thread 5',
      'Thread 4',
      'Thread 3',
      'Thread 1',
    ]);
    assert.deepEqual(pages, whole.titles);
    assert.equal(whole.total, 8);
  });

  it('fills a short last page read from the end with the list’s last threads', async () => {
    assert.deepEqual(await titlesOf(3, 3), {
      titles: ['Thread 3', 'Thread 1'],
      total: 8,
    });
    assert.deepEqual(await titlesOf(8, 1), { titles: ['Thread 1'], total: 8 });
  });

  it('answers a page past the last with no threads', async () => {
    assert.deepEqual(await titlesOf(4, 3), { titles: [], total: 8 });
  });
});
