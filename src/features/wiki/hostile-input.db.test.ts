import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { ValidationError } from '../../platform/errors.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { getPage, savePage } from './editing.ts';
import { listRevisions, renamePage } from './history.ts';
import { importRevision } from './import.ts';
import { spaceFor } from './spaces.ts';

// What an editor or an import could send that the wiki must refuse or
// survive, on both databases.

const PAGE = { page: 1, pageSize: 25, offset: 0 };

async function staffAdmin(
  db: Parameters<typeof buildAccount>[0],
): Promise<PersonActor> {
  const { id } = await buildAccount(db, { role: 'admin' });
  return {
    kind: 'person',
    id,
    role: 'admin',
    displayName: 'Ann',
    via: 'token',
  };
}

await describeEachDatabase('hostile wiki input', (database) => {
  it('refuses a body with NUL or other control characters', async () => {
    const { db } = database();
    const actor = await staffAdmin(db);
    const space = await spaceFor(db, actor, 'site');
    for (const body of ['a\u0000b', 'bell\u0007', 'esc \u001b[31m red']) {
      await assert.rejects(
        savePage(db, actor, space, {
          title: 'Controls',
          body,
          baseRevision: null,
        }),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.fields?.body === 'The text must not contain control characters',
      );
    }
    await assert.rejects(
      savePage(db, actor, space, {
        title: 'Controls',
        body: 'fine',
        summary: 'a\u0000b',
        baseRevision: null,
      }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.fields?.summary ===
          'The summary must not contain control characters',
    );
    const saved = await savePage(db, actor, space, {
      title: 'Controls',
      body: 'tab\there\nnew line\n',
      baseRevision: null,
    });
    assert.equal(saved.revision.body, 'tab\there\nnew line\n');
  });

  it('refuses titles with . or .. as a part', async () => {
    const { db } = database();
    const actor = await staffAdmin(db);
    const space = await spaceFor(db, actor, 'site');
    for (const title of ['.', '..', 'a/../b', 'a/.', './a', 'a/..']) {
      await assert.rejects(
        savePage(db, actor, space, { title, body: 'x', baseRevision: null }),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.fields?.title === 'A part of the title cannot be . or ..',
        title,
      );
    }
    const saved = await savePage(db, actor, space, {
      title: 'a..b/...',
      body: 'x',
      baseRevision: null,
    });
    assert.equal(saved.page.title, 'a..b/...');
  });

  it('moves a page over a redirect only when the redirect has no history', async () => {
    const { db } = database();
    const actor = await staffAdmin(db);
    const space = await spaceFor(db, actor, 'site');
    const base = {
      space,
      title: 'Pyrus',
      summary: '',
      authorId: null,
      authorName: 'Old Hand',
    };
    await importRevision(db, {
      ...base,
      body: 'A disambiguation page\n',
      createdAt: '2008-01-01T00:00:00.000Z',
      importKey: 'test:pyrus:1',
    });
    await importRevision(db, {
      ...base,
      body: 'Redirect to [[Pear]]\n',
      createdAt: '2008-02-01T00:00:00.000Z',
      importKey: 'test:pyrus:2',
      redirectTo: 'Pear',
    });
    await savePage(db, actor, space, {
      title: 'Pear',
      body: 'pears\n',
      baseRevision: null,
    });

    await assert.rejects(
      renamePage(db, actor, space, 'Pear', 'Pyrus'),
      (error: unknown) =>
        error instanceof Error &&
        'code' in error &&
        error.code === 'PAGE_EXISTS',
    );

    const pyrus = await getPage(db, space, 'Pyrus', { follow: false });
    const history = await listRevisions(db, pyrus.page, PAGE);
    assert.deepEqual(
      history.items.map((revision) => revision.number),
      [2, 1],
    );
    // A redirect left by a move has one revision and may be moved over.
    await renamePage(db, actor, space, 'Pear', 'Pear tree');
    const back = await renamePage(db, actor, space, 'Pear tree', 'Pear');
    assert.equal(back.page.title, 'Pear');
  });
});
