import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember } from '../../test-support/groups.ts';
import {
  baseRevisionOf,
  escaped,
  fieldValue,
  numberedLines,
  wikiFixtures,
  wikiPath,
} from './pages-testing.ts';

await describeEachDatabase('the wiki pages', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  const { person, group, write } = wikiFixtures(() => app, database);

  async function bodyOf(space: string, title: string): Promise<string> {
    const row = await database()
      .db.selectFrom('wiki_pages as p')
      .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
      .innerJoin('wiki_revisions as r', 'r.id', 'p.current_revision_id')
      .select('r.body')
      .where('s.key', '=', space)
      .where('p.title', '=', title)
      .executeTakeFirstOrThrow();
    return row.body;
  }

  it('shows a page with its links resolved, its author and its actions', async () => {
    const ada = await person('member', 'Ada Lovelace');
    await write(ada.browser, 'site', 'Kiln', 'About kilns.\n');
    const saved = await write(
      ada.browser,
      'site',
      'Pottery',
      'See [[Kiln]] and [[Glazes|the glazes]].\n',
      'First draft',
    );
    assert.equal(saved.headers.location, '/wiki/site/Pottery?done=created');

    const page = await ada.browser.get('/wiki/site/Pottery?done=created');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /The page has been created\./);
    assert.match(page.body, /<a href="\/wiki\/site\/Kiln"[^>]*>Kiln<\/a>/);
    assert.match(
      page.body,
      /<a href="\/wiki\/site\/Glazes\/edit" class="app-wikilink app-wikilink--missing"[^>]*>the glazes/,
    );
    assert.match(
      page.body,
      new RegExp(
        `Last edited by <a class="govuk-link" href="/people/${ada.id}">Ada Lovelace</a> on `,
      ),
    );
    for (const action of ['edit', 'history', 'links-here', 'move']) {
      assert.ok(
        page.body.includes(`href="/wiki/site/Pottery/${action}"`),
        action,
      );
    }
    assert.ok(!page.body.includes('/wiki/site/Pottery/delete'));
    assert.match(page.body, /Watch this page/);
  });

  it('leads from the space index to pages whose parent has no page', async () => {
    const ada = await person();
    await write(ada.browser, 'site', 'Handbook/Leave', 'Leave.\n');
    await write(ada.browser, 'site', 'Handbook/Pay', 'Pay.\n');

    const index = await ada.browser.get('/wiki/site');
    assert.match(
      index.body,
      /<a class="govuk-link app-break-words" href="\/wiki\/site\?parent=Handbook">Handbook<\/a>\s*<span class="govuk-body-s"> \(no page of its own: pages under it\)<\/span>/,
    );
    const under = await ada.browser.get('/wiki/site?parent=Handbook');
    assert.equal(under.statusCode, 200);
    assert.match(under.body, /href="\/wiki\/site\/Handbook%2FLeave">Leave</);
    assert.match(under.body, /href="\/wiki\/site\/Handbook%2FPay">Pay</);
  });

  it('previews an edit without saving it and keeps the text in the form', async () => {
    const ada = await person();
    await write(ada.browser, 'site', 'Preview me', 'Old text\n');
    const form = await ada.browser.get(wikiPath('site', 'Preview me', '/edit'));
    const text = 'New **bold** text & <more>\n';

    const preview = await ada.browser.post(
      wikiPath('site', 'Preview me', '/edit'),
      {
        body: text,
        summary: 'Trying',
        baseRevision: baseRevisionOf(form.body),
        action: 'preview',
      },
    );

    assert.equal(preview.statusCode, 200);
    assert.match(
      preview.body,
      /<h2 class="govuk-heading-m" id="preview-heading">Preview<\/h2>/,
    );
    assert.match(
      preview.body,
      /New <strong>bold<\/strong> text &amp; &lt;more&gt;/,
    );
    assert.equal(fieldValue(preview.body, 'body')?.trim(), text.trim());
    assert.equal(fieldValue(preview.body, 'summary'), 'Trying');
    assert.equal(baseRevisionOf(preview.body), baseRevisionOf(form.body));
    assert.equal(await bodyOf('site', 'Preview me'), 'Old text\n');
  });

  it('merges two editors’ changes to different lines and tells the second (BUG-13)', async () => {
    const one = await person('member', 'One Editor');
    const two = await person('member', 'Two Editor');
    await write(one.browser, 'site', 'Ten lines', numberedLines(10));
    const editPath = wikiPath('site', 'Ten lines', '/edit');
    const formOne = await one.browser.get(editPath);
    const formTwo = await two.browser.get(editPath);

    const first = await one.browser.post(editPath, {
      body: numberedLines(10, { 3: 'line 3 by one' }),
      baseRevision: baseRevisionOf(formOne.body),
      action: 'save',
    });
    const second = await two.browser.post(editPath, {
      body: numberedLines(10, { 10: 'line 10 by two' }),
      baseRevision: baseRevisionOf(formTwo.body),
      action: 'save',
    });

    assert.equal(first.headers.location, '/wiki/site/Ten%20lines?done=saved');
    assert.equal(second.headers.location, '/wiki/site/Ten%20lines?done=merged');
    assert.equal(
      await bodyOf('site', 'Ten lines'),
      numberedLines(10, { 3: 'line 3 by one', 10: 'line 10 by two' }),
    );
    const shown = await two.browser.get(second.headers.location);
    assert.match(
      shown.body,
      /Someone else changed this page while you were editing; your changes were merged with theirs\./,
    );
  });

  it('shows a conflict with both texts, keeping the editor’s (BUG-13)', async () => {
    const one = await person('member', 'Una First');
    const two = await person('member', 'Tom Second');
    await write(one.browser, 'site', 'Clash', numberedLines(10));
    const editPath = wikiPath('site', 'Clash', '/edit');
    const formOne = await one.browser.get(editPath);
    const formTwo = await two.browser.get(editPath);
    await one.browser.post(editPath, {
      body: numberedLines(10, { 3: 'line three by Una' }),
      baseRevision: baseRevisionOf(formOne.body),
      action: 'save',
    });
    const saved = await bodyOf('site', 'Clash');
    const mine = numberedLines(10, { 3: 'line three by Tom' });

    const conflict = await two.browser.post(editPath, {
      body: mine,
      summary: 'My wording',
      baseRevision: baseRevisionOf(formTwo.body),
      action: 'save',
    });

    assert.equal(conflict.statusCode, 409);
    assert.match(conflict.body, /<title>Error: Edit Clash/);
    assert.match(
      conflict.body,
      /Una First changed the same lines while you were editing/,
    );
    assert.match(conflict.body, /Una First saved revision 2 on /);
    assert.match(
      conflict.body,
      /id="theirs-1" name="theirs-1" rows="2"[^>]*readonly[^>]*>line three by Una<\/textarea>/,
    );
    assert.match(
      conflict.body,
      /id="yours-1" name="yours-1" rows="2"[^>]*readonly[^>]*>line three by Tom<\/textarea>/,
    );
    assert.equal(fieldValue(conflict.body, 'body')?.trim(), mine.trim());
    assert.equal(fieldValue(conflict.body, 'summary'), 'My wording');
    assert.equal(await bodyOf('site', 'Clash'), saved);

    // The form now builds on Una's revision: saving it again is a choice.
    const latest = await database()
      .db.selectFrom('wiki_pages')
      .select('current_revision_id')
      .where('title', '=', 'Clash')
      .executeTakeFirstOrThrow();
    assert.equal(
      baseRevisionOf(conflict.body),
      String(latest.current_revision_id),
    );
    const again = await two.browser.post(editPath, {
      body: mine,
      baseRevision: baseRevisionOf(conflict.body),
      action: 'save',
    });
    assert.equal(again.headers.location, '/wiki/site/Clash?done=saved');
    assert.equal(await bodyOf('site', 'Clash'), mine);
  });

  it('lists the history, compares two revisions word by word and reverts', async () => {
    const ada = await person('member', 'Ada Historian');
    await write(ada.browser, 'site', 'Tides', 'The tide is high.\n', 'Start');
    await write(ada.browser, 'site', 'Tides', 'The tide is low.\n', 'Ebb');
    const revisions = await database()
      .db.selectFrom('wiki_revisions as r')
      .innerJoin('wiki_pages as p', 'p.id', 'r.page_id')
      .select(['r.id', 'r.number'])
      .where('p.title', '=', 'Tides')
      .orderBy('r.number')
      .execute();
    const [first, second] = revisions.map((r) => r.id);

    const history = await ada.browser.get('/wiki/site/Tides/history');
    assert.equal(history.statusCode, 200);
    assert.match(history.body, /2 revisions, newest first/);
    assert.match(
      history.body,
      /<form method="get" action="\/wiki\/site\/Tides\/diff">/,
    );
    assert.match(
      history.body,
      new RegExp(`id="from-${first}" name="from" value="${first}" checked`),
    );
    assert.match(
      history.body,
      new RegExp(`id="to-${second}" name="to" value="${second}" checked`),
    );
    assert.match(history.body, /Edited: Ebb/);
    assert.match(history.body, /Created: Start/);
    assert.match(
      history.body,
      />\+18<span class="govuk-visually-hidden"> bytes added/,
    );

    const diff = await ada.browser.get(
      `/wiki/site/Tides/diff?from=${first}&to=${second}`,
    );
    assert.equal(diff.statusCode, 200);
    assert.match(diff.body, /1 line added, 1 line removed/);
    assert.match(
      diff.body,
      /<del><span class="govuk-visually-hidden">\[removed: <\/span>high<span class="govuk-visually-hidden">\]<\/span><\/del>\./,
    );
    assert.match(
      diff.body,
      /<ins><span class="govuk-visually-hidden">\[added: <\/span>low<span class="govuk-visually-hidden">\]<\/span><\/ins>\./,
    );
    assert.match(diff.body, /govuk-tag--red">Removed</);

    const old = await ada.browser.get(`/wiki/site/Tides/revisions/${first}`);
    assert.equal(old.statusCode, 200);
    assert.match(old.body, /This is an old revision/);
    assert.match(old.body, /The tide is high\./);

    const confirm = await ada.browser.get(
      `/wiki/site/Tides/revisions/${first}/revert`,
    );
    assert.match(confirm.body, /Revert the page to revision 1\?/);
    const reverted = await ada.browser.post(
      `/wiki/site/Tides/revisions/${first}/revert`,
      {},
    );
    assert.equal(reverted.headers.location, '/wiki/site/Tides?done=reverted');
    assert.equal(await bodyOf('site', 'Tides'), 'The tide is high.\n');
    const after = await ada.browser.get('/wiki/site/Tides/history');
    assert.match(after.body, /3 revisions/);
    assert.match(after.body, /Reverted: Reverted to revision 1/);
  });

  it('moves a page; its old title redirects there and says so', async () => {
    const ada = await person();
    await write(ada.browser, 'site', 'Old name', 'Moving text\n');
    await write(ada.browser, 'site', 'Linker', 'See [[Old name]].\n');

    const moved = await ada.browser.post('/wiki/site/Old%20name/move', {
      title: 'Guides/New name',
    });
    assert.equal(
      moved.headers.location,
      '/wiki/site/Guides%2FNew%20name?done=moved',
    );

    const old = await ada.browser.get('/wiki/site/Old%20name');
    assert.equal(old.statusCode, 303);
    assert.equal(
      old.headers.location,
      '/wiki/site/Guides%2FNew%20name?from=Old+name',
    );
    const landed = await ada.browser.get(String(old.headers.location));
    assert.match(
      landed.body,
      /\(Redirected from <a class="govuk-link app-break-words" href="\/wiki\/site\/Old%20name\?redirect=no">Old name<\/a>\)/,
    );
    assert.match(landed.body, /Moving text/);
    const itself = await ada.browser.get('/wiki/site/Old%20name?redirect=no');
    assert.equal(itself.statusCode, 200);
    assert.match(itself.body, /This page is a redirect/);
    const links = await ada.browser.get(
      '/wiki/site/Guides%2FNew%20name/links-here',
    );
    assert.match(links.body, /href="\/wiki\/site\/Linker">Linker</);

    const taken = await ada.browser.post('/wiki/site/Linker/move', {
      title: 'Guides/New name',
    });
    assert.equal(taken.statusCode, 400);
    assert.match(
      taken.body,
      /There is already a page called “Guides\/New name”/,
    );
  });

  it('lets only the wiki’s managers delete and restore a page, after asking', async () => {
    const owner = await person();
    const member = await person();
    const team = await group(owner.id, 'open');
    await addGroupMember(database().db, team, member.id);
    await write(member.browser, team.slug, 'Rota', 'Mondays\n');
    const path = wikiPath(team.slug, 'Rota');

    assert.equal((await member.browser.get(`${path}/delete`)).statusCode, 403);
    assert.equal(
      (await member.browser.post(`${path}/delete`, {})).statusCode,
      403,
    );
    const ask = await owner.browser.get(`${path}/delete`);
    assert.match(ask.body, /Are you sure you want to delete this page\?/);
    const deleted = await owner.browser.post(`${path}/delete`, {});
    assert.equal(deleted.headers.location, `/wiki/${team.slug}?done=deleted`);
    const gone = await member.browser.get(path);
    assert.equal(gone.statusCode, 404);
    assert.ok(!gone.body.includes('Mondays'));
    const seen = await owner.browser.get(path);
    assert.match(seen.body, /This page was deleted on /);

    assert.equal(
      (await member.browser.post(`${path}/restore`, {})).statusCode,
      403,
    );
    const restored = await owner.browser.post(`${path}/restore`, {});
    assert.equal(restored.headers.location, `${path}?done=restored`);
    assert.match((await member.browser.get(path)).body, /Mondays/);
  });

  it('round-trips titles with slashes, spaces, punctuation, Arabic and emoji', async () => {
    const ada = await person();
    const titles = [
      'Onboarding/First week',
      'Q&A: costs, 50% off (2026)?',
      'دليل/الأسبوع الأول',
      'Rockets 🚀/Launch day',
    ];
    for (const title of titles) {
      const saved = await write(ada.browser, 'site', title, `About ${title}\n`);
      assert.equal(
        saved.headers.location,
        `${wikiPath('site', title)}?done=created`,
        title,
      );
      const page = await ada.browser.get(wikiPath('site', title));
      assert.equal(page.statusCode, 200, title);
      assert.ok(page.body.includes(`About ${escaped(title)}`), title);
      const history = await ada.browser.get(
        wikiPath('site', title, '/history'),
      );
      assert.equal(history.statusCode, 200, title);
    }
    const first = await ada.browser.get(
      wikiPath('site', 'Onboarding/First week'),
    );
    assert.match(
      first.body,
      /<a class="govuk-breadcrumbs__link" href="\/wiki\/site\/Onboarding">Onboarding<\/a>/,
    );
    const parent = await ada.browser.get('/wiki/site?parent=Onboarding');
    assert.match(
      parent.body,
      /href="\/wiki\/site\/Onboarding%2FFirst%20week">First week</,
    );
  });

  it('answers 404 on every page of a closed group’s wiki to a non-member', async () => {
    const owner = await person();
    const stranger = await person();
    const closed = await group(owner.id, 'closed');
    await write(owner.browser, closed.slug, 'Plans', 'CLOSEDPLANS-9\n');
    const revision = await database()
      .db.selectFrom('wiki_pages')
      .select('current_revision_id')
      .where('title', '=', 'Plans')
      .executeTakeFirstOrThrow();
    const page = wikiPath(closed.slug, 'Plans');
    const gets = [
      `/wiki/${closed.slug}`,
      `/wiki/${closed.slug}?view=changes`,
      page,
      `${page}/edit`,
      `${page}/history`,
      `${page}/revisions/${revision.current_revision_id}`,
      `${page}/revisions/${revision.current_revision_id}/revert`,
      `${page}/diff`,
      `${page}/links-here`,
      `${page}/move`,
      `${page}/delete`,
      `${page}/restore`,
    ];
    for (const path of gets) {
      const response = await stranger.browser.get(path);
      assert.equal(response.statusCode, 404, path);
      assert.ok(!response.body.includes('CLOSEDPLANS-9'), path);
    }
    for (const action of ['edit', 'move', 'delete', 'watch']) {
      const response = await stranger.browser.post(`${page}/${action}`, {
        body: 'x',
        title: 'Taken over',
      });
      assert.equal(response.statusCode, 404, action);
    }
    assert.equal(await bodyOf(closed.slug, 'Plans'), 'CLOSEDPLANS-9\n');
    const home = await stranger.browser.get('/wiki');
    assert.ok(!home.body.includes('Plans'));
    assert.ok(!home.body.includes(closed.slug));
  });

  it('lists the reader’s wikis and only the changes they may read', async () => {
    const owner = await person();
    const reader = await person();
    const secret = await group(owner.id, 'secret');
    const mine = await group(owner.id, 'closed');
    await addGroupMember(database().db, mine, reader.id);
    await write(owner.browser, secret.slug, 'Hidden', 'x\n', 'SECRETSUMMARY');
    await write(owner.browser, mine.slug, 'Shared', 'y\n', 'SHAREDSUMMARY');

    const home = await reader.browser.get('/wiki');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /href="\/wiki\/site">Site wiki</);
    assert.ok(
      home.body.includes(`href="/wiki/${mine.slug}">${mine.name} wiki<`),
    );
    assert.ok(home.body.includes('SHAREDSUMMARY'));
    assert.ok(
      home.body.includes(
        ` in <a class="govuk-link" href="/wiki/${mine.slug}">${mine.name} wiki</a>`,
      ),
    );
    assert.ok(!home.body.includes('SECRETSUMMARY'));
    assert.ok(!home.body.includes(secret.slug));
    const ownerHome = await owner.browser.get('/wiki');
    assert.ok(ownerHome.body.includes('SECRETSUMMARY'));
  });

  it('sends a new title from the space index to its editor, and refuses a bad one', async () => {
    const ada = await person();
    const go = await ada.browser.get('/wiki/site?newTitle=Fresh+start');
    assert.equal(go.statusCode, 303);
    assert.equal(go.headers.location, '/wiki/site/Fresh%20start/edit');
    const editor = await ada.browser.get(go.headers.location);
    assert.equal(fieldValue(editor.body, 'title'), 'Fresh start');
    assert.equal(baseRevisionOf(editor.body), '');

    const bad = await ada.browser.get('/wiki/site?newTitle=a%7Cb');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<title>Error: /);
    assert.match(
      bad.body,
      /href="#newTitle">The title must not contain any of/,
    );
  });

  it('puts bad input next to its field and saves nothing', async () => {
    const ada = await person();
    const path = wikiPath('site', 'Blank', '/edit');
    await ada.browser.get(path);
    const blank = await ada.browser.post(path, {
      title: '  ',
      body: 'Text',
      baseRevision: '',
      action: 'save',
    });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /href="#title">Enter a title</);
    assert.equal(fieldValue(blank.body, 'body'), 'Text');

    const badChars = await ada.browser.post(path, {
      title: 'A <b> title',
      body: 'Text',
      baseRevision: '',
      action: 'save',
    });
    assert.equal(badChars.statusCode, 400);
    assert.match(
      badChars.body,
      /href="#title">The title must not contain any of/,
    );

    const long = await ada.browser.post(path, {
      title: 'Blank',
      body: 'x'.repeat(1_000_001),
      baseRevision: '',
      action: 'save',
    });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /href="#body">The page must be 1 MB or smaller/);
    const count = await database()
      .db.selectFrom('wiki_pages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('title', 'in', ['Blank', 'A <b> title', ''])
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  it('answers a missing page with 404 and a way to create it for editors only', async () => {
    const member = await person();
    const guest = await person('guest');
    const editor = await member.browser.get('/wiki/site/Not%20yet');
    assert.equal(editor.statusCode, 404);
    assert.match(
      editor.body,
      /This page does not exist yet\. <a class="govuk-link" href="\/wiki\/site\/Not%20yet\/edit">Create it<\/a>/,
    );
    const owner = await person();
    const open = await group(owner.id, 'open');
    const reader = await member.browser.get(wikiPath(open.slug, 'Nothing'));
    assert.equal(reader.statusCode, 404);
    assert.match(reader.body, /This page does not exist\./);
    assert.ok(!reader.body.includes('Create it'));
    assert.equal((await guest.browser.get('/wiki/site')).statusCode, 403);
  });
});
