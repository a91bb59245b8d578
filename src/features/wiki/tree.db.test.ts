import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { savePage } from './editing.ts';
import { spaceFor } from './spaces.ts';
import type { Space } from './spaces.ts';
import { treeLevel } from './tree.ts';

// The page tree as the space index and a page's "pages under this one"
// show it. An import brings Category/Farm without a page Category, and
// anyone may create Onboarding/First week before Onboarding: the tree
// must still lead to those pages.

async function staffMember(db: Db): Promise<PersonActor> {
  const { id } = await buildAccount(db);
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: 'Ann',
    via: 'session',
  };
}

async function spaceWith(db: Db, titles: string[]): Promise<Space> {
  const actor = await staffMember(db);
  const space = await spaceFor(db, actor, 'site');
  for (const title of titles) {
    await savePage(db, actor, space, { title, body: 'x', baseRevision: null });
  }
  return space;
}

function shown(nodes: Awaited<ReturnType<typeof treeLevel>>['items']) {
  return nodes.map((node) => [
    node.title,
    node.page !== null,
    node.hasChildren,
  ]);
}

const FIRST_50 = { page: 1, pageSize: 50, offset: 0 };

await describeEachDatabase('the wiki page tree', (database) => {
  it('leads to pages under a title that has no page of its own', async () => {
    const { db } = database();
    const space = await spaceWith(db, [
      'Zeta',
      'Category/Farm',
      'Category/Bakery',
      'Plans/2027/Q1',
      'Alpha',
      'Alpha/Notes/Deep',
    ]);

    const top = await treeLevel(db, space, '', FIRST_50);
    assert.deepEqual(shown(top.items), [
      ['Alpha', true, true],
      ['Category', false, true],
      ['Plans', false, true],
      ['Zeta', true, false],
    ]);
    assert.equal(top.total, 4);

    const category = await treeLevel(db, space, 'category', FIRST_50);
    assert.deepEqual(shown(category.items), [
      ['Category/Bakery', true, false],
      ['Category/Farm', true, false],
    ]);
    const plans = await treeLevel(db, space, 'plans', FIRST_50);
    assert.deepEqual(shown(plans.items), [['Plans/2027', false, true]]);
    const alpha = await treeLevel(db, space, 'alpha', FIRST_50);
    assert.deepEqual(shown(alpha.items), [['Alpha/Notes', false, true]]);
  });

  it('pages through titles without pages in title order', async () => {
    const { db } = database();
    const space = await spaceWith(db, [
      'Zeta',
      'Category/Farm',
      'Plans/2027/Q1',
      'Alpha',
      'Beta',
    ]);
    const pages = [];
    for (const page of [1, 2, 3]) {
      const level = await treeLevel(db, space, '', {
        page,
        pageSize: 2,
        offset: (page - 1) * 2,
      });
      assert.equal(level.total, 5);
      pages.push(level.items.map((node) => node.title));
    }
    assert.deepEqual(pages, [
      ['Alpha', 'Beta'],
      ['Category', 'Plans'],
      ['Zeta'],
    ]);
  });

  it('finds titles without pages under a level, not under one that starts alike', async () => {
    const { db } = database();
    const space = await spaceWith(db, [
      'Alpha',
      'Alpha/Notes/Deep',
      'Alphabet/Soup/Deep',
      'Ålborg/Hamn/Kaj',
    ]);

    const alpha = await treeLevel(db, space, 'alpha', FIRST_50);
    assert.deepEqual(shown(alpha.items), [['Alpha/Notes', false, true]]);
    const alphabet = await treeLevel(db, space, 'alphabet', FIRST_50);
    assert.deepEqual(shown(alphabet.items), [['Alphabet/Soup', false, true]]);
    const harbour = await treeLevel(db, space, 'ålborg/hamn', FIRST_50);
    assert.deepEqual(shown(harbour.items), [['Ålborg/Hamn/Kaj', true, false]]);
    const alborg = await treeLevel(db, space, 'ålborg', FIRST_50);
    assert.deepEqual(shown(alborg.items), [['Ålborg/Hamn', false, true]]);
  });
});
