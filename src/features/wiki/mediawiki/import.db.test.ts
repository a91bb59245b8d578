import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { buildGroup } from '../../../test-support/groups.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { importMediaWiki, importMediaWikiFile } from './import.ts';

// Each file goes into a group's space of its own, so the counts of one
// file are not mixed with another's. Expected numbers are the files' own,
// as ../shared/data/SOURCES.md gives them.

async function newSpace(db: Kysely<Database>): Promise<string> {
  const owner = await buildPerson(db);
  return (await buildGroup(db, owner)).slug;
}

/** Pages and revisions stored in a space, by the top folder of the title. */
async function storedCounts(db: Kysely<Database>, space: string) {
  const rows = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .leftJoin('wiki_revisions as r', 'r.page_id', 'p.id')
    .select(['p.id', 'p.title', 'r.author_name', 'r.created_at'])
    .where('s.key', '=', space)
    .execute();
  const folders: Record<string, { pages: Set<number>; revisions: number }> = {};
  for (const row of rows) {
    const top = /^(Template|Category|Project|MediaWiki|Module)\//.exec(
      row.title,
    )?.[1];
    const folder = row.title.endsWith('/Talk') ? 'Talk' : (top ?? 'main');
    const entry = (folders[folder] ??= { pages: new Set(), revisions: 0 });
    entry.pages.add(row.id);
    entry.revisions += 1;
  }
  return Object.fromEntries(
    Object.entries(folders).map(([name, entry]) => [
      name,
      { pages: entry.pages.size, revisions: entry.revisions },
    ]),
  );
}

async function redirectOf(db: Kysely<Database>, space: string, title: string) {
  const row = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .select('p.redirect_to_key')
    .where('s.key', '=', space)
    .where('p.title', '=', title)
    .executeTakeFirstOrThrow();
  return row.redirect_to_key;
}

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

const BUG_21 = `<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">
  <siteinfo><sitename>Peer</sitename><dbname>peerwiki</dbname>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="90" case="first-letter">Thread</namespace>
      <namespace key="3000" case="case-sensitive">Proj</namespace>
    </namespaces></siteinfo>
  ${[
    ['Thread:Budget 2020/Proposal', 90],
    ['Proj:Registrations', 3000],
    ['Talk:Main Page', 1],
    ['Main Page', 0],
    ['Unknownprefix:Notes', 0],
  ]
    .map(
      ([title, ns], index) => `<page><title>${title}</title><ns>${ns}</ns>
      <id>${index + 1}</id><revision><id>${index + 101}</id>
      <timestamp>2020-0${index + 1}-01T10:00:00Z</timestamp>
      <contributor><username>Ann</username><id>7</id></contributor>
      <text xml:space="preserve">About ${title}</text></revision></page>`,
    )
    .join('\n')}
</mediawiki>`;

await describeEachDatabase('importing MediaWiki exports', (database) => {
  it('ldnont-full.xml: every page and revision, per namespace, twice adds nothing', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const file = sharedDataPath('mediawiki', 'ldnont-full.xml');
    const report = await importMediaWikiFile(db, file, { space });
    assert.equal(report.pagesRead, 112);
    assert.equal(report.revisionsAdded, 268);
    assert.equal(report.redirects, 5);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(await storedCounts(db, space), {
      main: { pages: 32, revisions: 93 },
      Category: { pages: 73, revisions: 94 },
      Template: { pages: 4, revisions: 48 },
      Project: { pages: 2, revisions: 22 },
      MediaWiki: { pages: 1, revisions: 11 },
    });
    const minor = await db
      .selectFrom('wiki_revisions as r')
      .innerJoin('wiki_pages as p', 'p.id', 'r.page_id')
      .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('s.key', '=', space)
      .where('r.minor', '=', 1)
      .executeTakeFirstOrThrow();
    assert.equal(Number(minor.n), 13);
    assert.equal(
      await redirectOf(db, space, 'Contribution Guidelines'),
      'project/about',
    );
    assert.equal(
      await redirectOf(db, space, 'Category/Bakery'),
      'store:bakery',
    );

    const again = await importMediaWikiFile(db, file, { space });
    assert.equal(again.revisionsAdded, 0);
    assert.ok(again.pages.every((page) => page.outcome === 'unchanged'));
  });

  it('pair-0.10.xml: the Talk page lands beside its article', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const file = sharedDataPath('mediawiki', 'pair-0.10.xml');
    await importMediaWikiFile(db, file, { space });
    assert.deepEqual(await storedCounts(db, space), {
      main: { pages: 1, revisions: 2 },
      Talk: { pages: 1, revisions: 2 },
    });
    // Revision 1 of each was a redirect left by a move; revision 2 is not.
    assert.equal(await redirectOf(db, space, 'Çullu, Agdam'), null);
    assert.equal(await redirectOf(db, space, 'Çullu, Agdam/Talk'), null);
  });

  it('article-pyrus-utf16.xml: UTF-16 reads, six authors and times kept', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const file = sharedDataPath('mediawiki', 'article-pyrus-utf16.xml');
    await importMediaWikiFile(db, file, { space });
    const revisions = await db
      .selectFrom('wiki_revisions as r')
      .innerJoin('wiki_pages as p', 'p.id', 'r.page_id')
      .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
      .select(['r.author_name', 'r.created_at', 'r.number'])
      .where('s.key', '=', space)
      .orderBy('r.number')
      .execute();
    assert.equal(revisions.length, 6);
    assert.equal(new Set(revisions.map((r) => r.author_name)).size, 5);
    assert.equal(
      new Date(revisions[0]?.created_at ?? '').toISOString().slice(0, 7),
      '2007-02',
    );
    assert.equal(await redirectOf(db, space, 'Pyrus'), 'pear');
  });

  it('BUG-21: pages of unknown namespaces keep their prefix and stay reachable', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const report = await importMediaWiki(db, bytesOf(BUG_21), 'bug-21.xml', {
      space,
    });
    assert.deepEqual(
      report.pages.map((page) => [page.source, page.title, page.outcome]),
      [
        [
          'Thread:Budget 2020/Proposal',
          'Thread:Budget 2020/Proposal',
          'imported',
        ],
        ['Proj:Registrations', 'Proj:Registrations', 'imported'],
        ['Talk:Main Page', 'Main Page/Talk', 'imported'],
        ['Main Page', 'Main Page', 'imported'],
        ['Unknownprefix:Notes', 'Unknownprefix:Notes', 'imported'],
      ],
    );
    const titles = await db
      .selectFrom('wiki_pages as p')
      .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
      .select('p.title')
      .where('s.key', '=', space)
      .orderBy('p.title')
      .execute();
    assert.deepEqual(
      titles.map((row) => row.title),
      [
        'Main Page',
        'Main Page/Talk',
        'Proj:Registrations',
        'Thread:Budget 2020/Proposal',
        'Unknownprefix:Notes',
      ],
    );
  });

  it('an author mapped by e-mail is credited to that person', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const ann = await buildPerson(db, {
      displayName: 'Ann Example',
      email: 'ann@example.gov.uk',
    });
    const report = await importMediaWiki(db, bytesOf(BUG_21), 'bug-21.xml', {
      space,
      authors: 'wiki username,e-mail\nAnn,ANN@example.gov.uk\n',
    });
    assert.deepEqual(report.authors, { matched: ['Ann'], unmatched: 0 });
    const authors = await db
      .selectFrom('wiki_revisions as r')
      .innerJoin('wiki_pages as p', 'p.id', 'r.page_id')
      .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
      .select(['r.author_id', 'r.author_name'])
      .where('s.key', '=', space)
      .distinct()
      .execute();
    assert.deepEqual(authors, [{ author_id: ann, author_name: 'Ann Example' }]);
  });

  it('a page without a title is skipped with its reason, the rest kept', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const xml = BUG_21.replace('<title>Proj:Registrations</title>', '');
    const report = await importMediaWiki(db, bytesOf(xml), 'no-title.xml', {
      space,
    });
    assert.equal(report.revisionsAdded, 4);
    assert.deepEqual(report.skipped, [
      { where: '(no title, line 14)', reason: 'the page has no title' },
    ]);
  });

  it('refuses a missing export or author mapping in one line, importing nothing', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const file = sharedDataPath('mediawiki', 'pair-0.10.xml');
    const pagesBefore = await db
      .selectFrom('wiki_pages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    await assert.rejects(
      importMediaWikiFile(db, '/nonexistent/export.xml', { space }),
      {
        code: 'VALIDATION_FAILED',
        message: '/nonexistent/export.xml does not exist',
      },
    );
    await assert.rejects(
      importMediaWikiFile(db, file, {
        space,
        authorsFile: '/nonexistent/authors.csv',
      }),
      {
        code: 'VALIDATION_FAILED',
        message: '/nonexistent/authors.csv does not exist',
      },
    );
    const pagesAfter = await db
      .selectFrom('wiki_pages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(pagesAfter.n), Number(pagesBefore.n));
  });

  it('refuses a file that is not a MediaWiki export, making no space', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const refusals: [string, () => Promise<unknown>][] = [
      [
        'it starts with <rss>, not <mediawiki>',
        () =>
          importMediaWikiFile(db, sharedDataPath('wxr', 'small-export.xml'), {
            space,
          }),
      ],
      [
        'it does not begin with an XML element',
        () =>
          importMediaWikiFile(db, sharedDataPath('directory', 'Example.ldif'), {
            space,
          }),
      ],
      [
        'it does not begin with an XML element',
        () =>
          importMediaWikiFile(
            db,
            sharedDataPath('directory', 'cabinet_office-2011-09-30-senior.csv'),
            { space },
          ),
      ],
      [
        'it holds no XML element',
        () => importMediaWiki(db, bytesOf(''), 'empty.xml', { space }),
      ],
      [
        'it holds no XML element',
        () =>
          importMediaWiki(
            db,
            bytesOf('<?xml version="1.0"?>\n<!-- -->\n'),
            'x',
            {
              space,
            },
          ),
      ],
    ];
    for (const [why, attempt] of refusals) {
      await assert.rejects(attempt(), {
        code: 'VALIDATION_FAILED',
        message: `This is not a MediaWiki export: ${why}`,
      });
    }
    const spaces = await db
      .selectFrom('wiki_spaces')
      .select('key')
      .where('key', '=', space)
      .execute();
    assert.deepEqual(spaces, []);
  });

  it('a page whose only revision is broken XML is reported skipped, not unchanged', async () => {
    const { db } = database();
    const space = await newSpace(db);
    const xml = BUG_21.replace(
      '<timestamp>2020-02-01T10:00:00Z</timestamp>',
      '<timestamp>2020-02-01T10:00:00Z</timestam>',
    );
    const report = await importMediaWiki(db, bytesOf(xml), 'broken.xml', {
      space,
    });
    assert.equal(report.revisionsAdded, 4);
    const page = report.pages.find(
      (outcome) => outcome.source === 'Proj:Registrations',
    );
    assert.equal(page?.outcome, 'skipped');
    assert.equal(
      page?.reason,
      'a revision was skipped: line 16: Unexpected close tag',
    );
  });
});

await describeEachDatabase(
  'importing the Latgalian Wikipedia sample',
  (database) => {
    it('smallwiki: 2,004 pages in their namespaces, case twins kept apart', async () => {
      const { db } = database();
      const space = await newSpace(db);
      const file = sharedDataPath(
        'mediawiki',
        'smallwiki-latest-pages-articles.xml',
      );
      const report = await importMediaWikiFile(db, file, { space });
      assert.equal(report.revisionsAdded, 2004);
      assert.equal(report.redirects, 195);
      assert.equal(report.sha1Mismatches, 655);
      assert.deepEqual(await storedCounts(db, space), {
        main: { pages: 1050, revisions: 1050 },
        Project: { pages: 28, revisions: 28 },
        Template: { pages: 347, revisions: 347 },
        Category: { pages: 539, revisions: 539 },
        MediaWiki: { pages: 12, revisions: 12 },
        Module: { pages: 28, revisions: 28 },
      });
      assert.equal(
        report.pages.filter((page) => page.title?.endsWith(' (2)')).length,
        3,
      );
    });
  },
);
