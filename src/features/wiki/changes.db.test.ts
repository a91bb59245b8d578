import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { newestChanges } from './listing.ts';
import {
  appendRevision,
  currentRevision,
  findPageById,
  insertPage,
} from './pages.ts';
import type { WikiPage } from './pages.ts';
import { spaceFor } from './spaces.ts';

// A space's newest changes are looked for only in its pages changed last
// (listing.ts). These revisions interleave across pages, share an
// instant, and one is appended after a newer one: the list must still
// be every revision, newest first, on any page of it.

const at = (second: number) =>
  `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;

await describeEachDatabase('a wiki space’s newest changes', (database) => {
  it('are the newest revisions of the space on every page of the list', async () => {
    const { db } = database();
    const { id } = await buildAccount(db);
    const actor: PersonActor = {
      kind: 'person',
      id,
      role: 'member',
      displayName: 'Ann',
      via: 'session',
    };
    const space = await spaceFor(db, actor, 'site');
    const revision = (second: number) => ({
      body: `At ${second}`,
      summary: '',
      kind: 'edit' as const,
      authorId: id,
      authorName: 'Ann',
      createdAt: at(second),
    });
    const pages = new Map<string, WikiPage>();
    const create = async (title: string, second: number) => {
      const { page } = await insertPage(db, space, title, revision(second));
      pages.set(title, page);
    };
    const edit = async (title: string, second: number) => {
      const page = await findPageById(db, pages.get(title)?.id ?? 0);
      const previous = await currentRevision(db, page);
      await appendRevision(db, page, previous, revision(second));
    };
    await create('A', 1);
    await create('B', 2);
    await create('C', 3);
    await create('D', 4);
    await edit('A', 5);
    await edit('B', 6);
    await create('E', 7);
    await edit('A', 9);
    await edit('C', 9);
    // Older than D's first revision, appended after it.
    await edit('D', 0);

    const list = async (offset: number, pageSize: number) =>
      (
        await newestChanges(
          db,
          actor,
          { spaceKey: space.key },
          { page: 1, pageSize, offset },
        )
      ).map((change) => `${change.title}#${change.number}`);

    const all = [
      'C#2',
      'A#3',
      'E#1',
      'B#2',
      'A#2',
      'D#1',
      'C#1',
      'B#1',
      'A#1',
      'D#2',
    ];
    assert.deepEqual(await list(0, 50), all);
    assert.deepEqual(await list(0, 1), ['C#2']);
    assert.deepEqual(await list(1, 1), ['A#3']);
    assert.deepEqual(await list(0, 4), ['C#2', 'A#3', 'E#1', 'B#2']);
    assert.deepEqual(await list(2, 3), ['E#1', 'B#2', 'A#2']);
    assert.deepEqual(await list(8, 5), ['A#1', 'D#2']);
    assert.deepEqual(await list(10, 5), []);
    const d = await findPageById(db, pages.get('D')?.id ?? 0);
    assert.equal(new Date(d.updatedAt).toISOString(), at(4));
  });
});
