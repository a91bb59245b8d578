import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';

function lines(change: Record<number, string> = {}): string {
  const result: string[] = [];
  for (let n = 1; n <= 10; n += 1) {
    result.push(change[n] ?? `line ${n}`);
  }
  return result.join('\n') + '\n';
}

function path(space: string, title: string, rest = ''): string {
  return `/api/v1/wiki/${space}/pages/${encodeURIComponent(title)}${rest}`;
}

await describeEachDatabase('the wiki API', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let admin: ApiCaller;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    alice = await buildCaller(db, { displayName: 'Alice' });
    bob = await buildCaller(db, { displayName: 'Bob' });
    admin = await buildCaller(db, { displayName: 'Ada', role: 'admin' });
  });
  after(async () => {
    await app.close();
  });

  function call(
    caller: ApiCaller | null,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      headers: caller ? { authorization: caller.authorization } : {},
      ...(payload === undefined ? {} : { payload }),
    });
  }

  async function create(
    caller: ApiCaller,
    space: string,
    title: string,
    body: string,
  ): Promise<number> {
    const response = await call(caller, 'PUT', path(space, title), { body });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ revision: number }>().revision;
  }

  it('keeps both editors’ changes to different lines and says it merged (BUG-13)', async () => {
    const base = await create(alice, 'site', 'Onboarding', lines());

    const first = await call(alice, 'PUT', path('site', 'Onboarding'), {
      body: lines({ 3: 'line 3 (alice)' }),
      baseRevision: base,
    });
    const second = await call(bob, 'PUT', path('site', 'Onboarding'), {
      body: lines({ 10: 'line 10 (bob)' }),
      baseRevision: base,
      summary: 'bob’s edit',
    });

    assert.equal(first.statusCode, 200);
    assert.equal(first.json().merged, false);
    assert.equal(second.statusCode, 200);
    const saved = second.json();
    assert.equal(saved.merged, true);
    assert.equal(
      saved.body,
      lines({ 3: 'line 3 (alice)', 10: 'line 10 (bob)' }),
    );
    const page = await call(bob, 'GET', path('site', 'Onboarding'));
    assert.equal(page.json().body, saved.body);
    assert.equal(page.json().revision, saved.revision);
  });

  it('answers 409 with both texts for the same line (BUG-13)', async () => {
    const base = await create(alice, 'site', 'Same line', lines());
    const first = await call(alice, 'PUT', path('site', 'Same line'), {
      body: lines({ 3: 'line 3 (alice)' }),
      baseRevision: base,
    });

    const second = await call(bob, 'PUT', path('site', 'Same line'), {
      body: lines({ 3: 'line 3 (bob)' }),
      baseRevision: base,
    });

    assert.equal(second.statusCode, 409);
    const answer = second.json();
    assert.equal(answer.error.code, 'EDIT_CONFLICT');
    assert.match(answer.error.message, /revision 2 by Alice/);
    assert.equal(answer.merge.yours, lines({ 3: 'line 3 (bob)' }));
    assert.equal(answer.merge.theirs.body, lines({ 3: 'line 3 (alice)' }));
    assert.equal(answer.merge.theirs.revision, first.json().revision);
    assert.deepEqual(answer.merge.conflicts, [
      {
        line: 3,
        base: 'line 3',
        theirs: 'line 3 (alice)',
        yours: 'line 3 (bob)',
      },
    ]);
    const page = await call(alice, 'GET', path('site', 'Same line'));
    assert.equal(page.json().body, lines({ 3: 'line 3 (alice)' }));
    assert.equal(page.json().revision, first.json().revision);
  });

  it('refuses a missing body, a base from another page and an over-large body', async () => {
    const other = await create(alice, 'site', 'Other base', 'x\n');
    await create(alice, 'site', 'Checked', 'y\n');

    const missing = await call(alice, 'PUT', path('site', 'Checked'), {});
    const foreign = await call(alice, 'PUT', path('site', 'Checked'), {
      body: 'z\n',
      baseRevision: other,
    });
    const large = await call(alice, 'PUT', path('site', 'Checked'), {
      body: 'a'.repeat(1_000_001),
      baseRevision: other,
    });

    assert.equal(missing.statusCode, 422);
    assert.deepEqual(Object.keys(missing.json().error.fields), ['body']);
    assert.equal(foreign.statusCode, 422);
    assert.match(foreign.json().error.fields.baseRevision, /not a revision/);
    assert.equal(large.statusCode, 413);
    assert.match(large.json().error.fields.body, /1 MB/);
  });

  it('reverts to an old revision as a new revision', async () => {
    const first = await create(alice, 'site', 'Revert me', 'first\n');
    await call(alice, 'PUT', path('site', 'Revert me'), {
      body: 'second\n',
      baseRevision: first,
    });

    const reverted = await call(
      bob,
      'POST',
      path('site', 'Revert me', '/revert'),
      {
        revision: first,
      },
    );
    const history = await call(
      bob,
      'GET',
      path('site', 'Revert me', '/revisions'),
    );

    assert.equal(reverted.statusCode, 200);
    assert.equal(reverted.json().body, 'first\n');
    assert.equal(history.json().total, 3);
    assert.deepEqual(
      history.json().items.map((r: { kind: string }) => r.kind),
      ['revert', 'edit', 'create'],
    );
  });

  it('keeps links to a renamed page working through its redirect, with backlinks', async () => {
    await create(alice, 'site', 'Old name', 'the page\n');
    await create(alice, 'site', 'Linker', 'See [[Old name]].\n');

    const moved = await call(alice, 'POST', path('site', 'Old name', '/move'), {
      title: 'New name',
    });
    const viaOld = await call(bob, 'GET', path('site', 'Old name'));
    const links = await call(
      bob,
      'GET',
      path('site', 'New name', '/backlinks'),
    );
    const linker = await call(bob, 'GET', path('site', 'Linker'));

    assert.equal(moved.statusCode, 200);
    assert.equal(moved.json().title, 'New name');
    assert.equal(viaOld.statusCode, 200);
    assert.equal(viaOld.json().title, 'New name');
    assert.equal(viaOld.json().redirectedFrom, 'Old name');
    assert.ok(
      links
        .json()
        .items.map((p: { title: string }) => p.title)
        .includes('Linker'),
    );
    assert.doesNotMatch(linker.json().html, /app-wikilink--missing/);
  });

  it('lets a site administrator delete and restore a site page, and nobody else', async () => {
    await create(alice, 'site', 'Doomed', 'text\n');

    const refused = await call(bob, 'DELETE', path('site', 'Doomed'));
    const deleted = await call(admin, 'DELETE', path('site', 'Doomed'));
    const hidden = await call(bob, 'GET', path('site', 'Doomed'));
    const managerSees = await call(admin, 'GET', path('site', 'Doomed'));
    const restored = await call(
      admin,
      'POST',
      path('site', 'Doomed', '/restore'),
    );
    const back = await call(bob, 'GET', path('site', 'Doomed'));

    assert.equal(refused.statusCode, 403);
    assert.equal(deleted.statusCode, 204);
    assert.equal(hidden.statusCode, 404);
    assert.equal(managerSees.statusCode, 200);
    assert.equal(managerSees.json().deleted, true);
    assert.equal(restored.statusCode, 200);
    assert.equal(back.statusCode, 200);
  });

  it('keeps a closed group’s page from a non-member everywhere', async () => {
    const { db } = database();
    const owner = await buildCaller(db, { displayName: 'Olive Owner' });
    const outsider = await buildCaller(db, { displayName: 'Otto Outsider' });
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await create(owner, group.slug, 'Plans', 'CLOSEDWIKI-42 [[Plans]]\n');

    const list = await call(
      outsider,
      'GET',
      `/api/v1/wiki/${group.slug}/pages`,
    );
    const page = await call(outsider, 'GET', path(group.slug, 'Plans'));
    const backlinksOf = await call(
      outsider,
      'GET',
      path(group.slug, 'Plans', '/backlinks'),
    );
    const recent = await call(outsider, 'GET', '/api/v1/wiki/recent-changes');
    const ownRecent = await call(owner, 'GET', '/api/v1/wiki/recent-changes');

    assert.equal(list.statusCode, 403);
    assert.equal(page.statusCode, 403);
    assert.equal(backlinksOf.statusCode, 403);
    for (const response of [list, page, backlinksOf, recent]) {
      assert.doesNotMatch(response.body, /CLOSEDWIKI-42|Plans/);
    }
    const titles = (response: LightMyRequestResponse) =>
      response.json().items.map((c: { title: string }) => c.title);
    assert.ok(titles(ownRecent).includes('Plans'));
    assert.equal(
      recent.json().total,
      ownRecent.json().total - 1,
      'the outsider’s total lacks exactly the closed group’s revision',
    );
  });

  it('lets a guest member edit their group’s wiki and not read the site wiki', async () => {
    const { db } = database();
    const owner = await buildCaller(db);
    const guest = await buildCaller(db, { role: 'guest', displayName: 'Gil' });
    const group = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, group, guest.id);

    const edited = await call(guest, 'PUT', path(group.slug, 'Partner notes'), {
      body: 'from a partner\n',
    });
    const site = await call(guest, 'GET', '/api/v1/wiki/site/pages');
    const sitePage = await call(guest, 'GET', path('site', 'Onboarding'));

    assert.equal(edited.statusCode, 201);
    assert.equal(edited.json().lastRevision.author.name, 'Gil');
    assert.equal(site.statusCode, 403);
    assert.equal(sitePage.statusCode, 403);
  });

  it('lists one level of the page tree under ?parent=', async () => {
    const { db } = database();
    const owner = await buildCaller(db);
    const group = await buildGroup(db, owner.id);
    for (const title of ['Guide', 'Guide/One', 'Guide/Two', 'Guide/One/Deep']) {
      await create(owner, group.slug, title, `${title}\n`);
    }

    const top = await call(
      owner,
      'GET',
      `/api/v1/wiki/${group.slug}/pages?parent=`,
    );
    const under = await call(
      owner,
      'GET',
      `/api/v1/wiki/${group.slug}/pages?parent=guide&pageSize=1`,
    );

    assert.deepEqual(
      top.json().items.map((p: { title: string }) => p.title),
      ['Guide'],
    );
    assert.equal(top.json().items[0].hasChildren, true);
    assert.equal(under.json().total, 2);
    assert.deepEqual(
      under.json().items.map((p: { title: string }) => p.title),
      ['Guide/One'],
    );
  });

  it('diffs two revisions with the changed words marked', async () => {
    const first = await create(
      alice,
      'site',
      'Diffed',
      'keep\nold words here\n',
    );
    const second = await call(alice, 'PUT', path('site', 'Diffed'), {
      body: 'keep\nnew words here\n',
      baseRevision: first,
    });

    const diff = await call(
      bob,
      'GET',
      path(
        'site',
        'Diffed',
        `/diff?from=${first}&to=${second.json().revision}`,
      ),
    );

    assert.equal(diff.statusCode, 200);
    const { lines: diffLines, added, removed } = diff.json();
    assert.equal(added, 1);
    assert.equal(removed, 1);
    assert.deepEqual(diffLines[1].segments, [
      { text: 'old', changed: true },
      { text: ' words here', changed: false },
    ]);
    assert.deepEqual(diffLines[2].segments, [
      { text: 'new', changed: true },
      { text: ' words here', changed: false },
    ]);
  });

  it('watches a page and stops watching it, and 404s for a missing one', async () => {
    const { db } = database();
    await create(alice, 'site', 'Lamp rota', 'Who lights the lamps\n');
    const watched = () =>
      db
        .selectFrom('wiki_watches as w')
        .innerJoin('wiki_pages as p', 'p.id', 'w.page_id')
        .select('p.title')
        .where('w.person_id', '=', bob.id)
        .execute();

    const on = await call(bob, 'PUT', path('site', 'Lamp rota', '/watch'));
    const again = await call(bob, 'PUT', path('site', 'Lamp rota', '/watch'));
    assert.equal(on.statusCode, 204);
    assert.equal(again.statusCode, 204);
    assert.deepEqual(await watched(), [{ title: 'Lamp rota' }]);

    const off = await call(bob, 'DELETE', path('site', 'Lamp rota', '/watch'));
    assert.equal(off.statusCode, 204);
    assert.deepEqual(await watched(), []);

    const missing = await call(bob, 'PUT', path('site', 'No such', '/watch'));
    assert.equal(missing.statusCode, 404);
  });
});
