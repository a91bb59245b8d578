import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { ValidationError } from '../../platform/errors.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { savePage } from './editing.ts';
import { spaceFor } from './spaces.ts';

// What an editor or an import could send that the wiki must refuse or
// survive, on both databases.

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
});
