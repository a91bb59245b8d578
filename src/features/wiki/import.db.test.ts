import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildGroup } from '../../test-support/groups.ts';
import { importRevision } from './import.ts';
import { listRevisions } from './history.ts';
import { getPage } from './editing.ts';
import { ensureSpace, spaceFor } from './spaces.ts';
import type { PersonActor } from '../../access/actor.ts';

const PAGE = { page: 1, pageSize: 25, offset: 0 };

await describeEachDatabase('importing wiki revisions', (database) => {
  it('adds nothing when the same revision is imported again', async () => {
    const { db } = database();
    const space = await ensureSpace(db, 'site');
    const revision = {
      space,
      title: 'Imported once',
      body: 'text\n',
      summary: 'first',
      authorId: null,
      authorName: 'Former Contributor',
      createdAt: '2010-01-01T00:00:00.000Z',
      importKey: 'test:once:1',
    };

    const first = await importRevision(db, revision);
    const second = await importRevision(db, revision);

    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.revisionId, first.revisionId);
    const count = await db
      .selectFrom('wiki_revisions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('page_id', '=', first.pageId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });

  it('keeps revisions in time order when an older one arrives later', async () => {
    const { db } = database();
    const ownerId = (await buildAccount(db)).id;
    const group = await buildGroup(db, ownerId);
    const row = await ensureSpace(db, group.slug);
    const base = {
      space: row,
      title: 'Out of order',
      summary: '',
      authorId: null,
      authorName: 'Old Hand',
    };
    await importRevision(db, {
      ...base,
      body: 'one\n',
      createdAt: '2011-01-01T00:00:00.000Z',
      importKey: 'test:order:1',
    });
    await importRevision(db, {
      ...base,
      body: 'three\n',
      createdAt: '2013-01-01T00:00:00.000Z',
      importKey: 'test:order:3',
    });
    await importRevision(db, {
      ...base,
      body: 'two\n',
      createdAt: '2012-01-01T00:00:00.000Z',
      importKey: 'test:order:2',
      redirectTo: null,
    });

    const owner: PersonActor = {
      kind: 'person',
      id: ownerId,
      role: 'member',
      displayName: 'Owner',
      via: 'token',
    };
    const space = await spaceFor(db, owner, group.slug);
    const opened = await getPage(db, space, 'out of order');
    const history = await listRevisions(db, opened.page, PAGE);

    assert.equal(opened.revision.body, 'three\n');
    assert.deepEqual(
      history.items.map((r) => [r.number, r.createdAt.slice(0, 4), r.size]),
      [
        [3, '2013', 6],
        [2, '2012', 4],
        [1, '2011', 4],
      ],
    );
    assert.deepEqual(
      history.items.map((r) => r.sizeDelta),
      [2, 0, 4],
    );
  });

  it('makes an imported redirect lead to its target', async () => {
    const { db } = database();
    const space = await ensureSpace(db, 'site');
    const common = {
      space,
      summary: '',
      authorId: null,
      authorName: 'Importer',
      createdAt: '2015-05-05T00:00:00.000Z',
    };
    await importRevision(db, {
      ...common,
      title: 'Target page',
      body: 'here\n',
      importKey: 'test:redirect:target',
    });
    await importRevision(db, {
      ...common,
      title: 'Old_alias',
      body: '#REDIRECT [[Target page]]\n',
      importKey: 'test:redirect:alias',
      redirectTo: 'Target_page',
    });

    const staff: PersonActor = {
      kind: 'person',
      id: (await buildAccount(db)).id,
      role: 'member',
      displayName: 'Reader',
      via: 'token',
    };
    const opened = await getPage(
      db,
      await spaceFor(db, staff, 'site'),
      'Old alias',
    );

    assert.equal(opened.page.title, 'Target page');
    assert.equal(opened.redirectedFrom?.title, 'Old alias');
  });
});
