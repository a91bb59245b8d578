import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dirname, join } from 'node:path';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { importOrganogramFiles } from './import.ts';
import {
  SENIOR_COLUMNS,
  csvText,
  findPost,
  importOne,
  seniorFile,
  seniorRow,
  tableCounts,
  writeScratchFile,
} from './testing.ts';

await describeEachDatabase('importing awkward organogram files', (database) => {
  it(
    'refuses an empty file, a binary file and a CSV with the wrong columns, ' +
      'writing nothing',
    async () => {
      const { db } = database();
      const before = await tableCounts(db);
      const empty = writeScratchFile('empty.csv', '');
      const binary = writeScratchFile(
        'binary.csv',
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x08]),
      );
      const wrong = writeScratchFile(
        'wrong.csv',
        'Name,Grade,Job Title,Organisation\r\nAnn,SCS1,Head,Org\r\n',
      );
      const missing = join(dirname(empty), 'not-there.csv');

      const reports = await importOrganogramFiles(db, [
        empty,
        binary,
        wrong,
        missing,
      ]);

      assert.deepEqual(
        reports.map((report) => report.rejected),
        [
          'the file is empty',
          'not an organogram: this is a binary file, not CSV text',
          'not an organogram: missing columns Post Unique Reference, Reports to Senior Post',
          'cannot read the file (ENOENT)',
        ],
      );
      assert.deepEqual(await tableCounts(db), before);
    },
  );

  it('files an agency under its parent department when it first creates it', async () => {
    const { db } = database();
    const file = seniorFile('Agency of Examples', [
      ['1', 'Vacant', 'XX', { 'Parent Department': 'Ministry of Examples' }],
    ]);

    const report = await importOne(db, file);

    assert.equal(report.departmentsCreated, 2);
    const agency = await db
      .selectFrom('departments as d')
      .innerJoin('departments as parent', 'parent.id', 'd.parent_id')
      .select('parent.name')
      .where('d.name', '=', 'Agency of Examples')
      .executeTakeFirstOrThrow();
    assert.equal(agency.name, 'Ministry of Examples');
  });

  it(
    'skips a row whose job title is 300 characters long, by its line, ' +
      'and imports the rest',
    async () => {
      const { db } = database();
      const file = seniorFile('Office of Long Titles', [
        ['1', 'Vacant', 'XX', { 'Job/Team Function': 'Runs\nthe office' }],
        ['2', 'Vacant', '1', { 'Job Title': 'T'.repeat(300) }],
        ['3', 'Vacant', '1'],
      ]);

      const report = await importOne(db, file);

      assert.deepEqual(report.skipped, [
        {
          line: 4,
          reason: 'Job Title has 300 characters; the limit is 255',
          reference: '2',
        },
      ]);
      assert.equal(report.rowsRead, 3);
      assert.equal(report.posts.created, 2);
      const kept = await db
        .selectFrom('posts')
        .select('reference')
        .where('job_title', 'like', 'T%')
        .execute();
      assert.deepEqual(kept, []);
    },
  );

  it(
    'keeps a reference to a post outside the return ' +
      'and breaks a reporting loop, with warnings',
    async () => {
      const { db } = database();
      const organisation = 'Office of Loops';
      const file = seniorFile(organisation, [
        ['1', 'Vacant', 'xx'],
        ['2', 'Vacant', '99'],
        ['3', 'Vacant', '4'],
        ['4', 'Vacant', '3'],
      ]);

      const report = await importOne(db, file);

      assert.deepEqual(report.warnings, [
        'line 3: post 2 reports to post 99, ' +
          'which is not in Office of Loops; it is shown as a top post',
        'line 5: post 4 closes a reporting loop (3 → 4 → 3); it is shown as a top post',
      ]);
      const [dangling, three, four] = await Promise.all(
        ['2', '3', '4'].map((reference) =>
          findPost(db, organisation, reference),
        ),
      );
      assert.deepEqual(
        [dangling?.reports_to_reference, dangling?.reports_to_post_id],
        ['99', null],
      );
      assert.equal(three?.reports_to_post_id, four?.id);
      assert.deepEqual(
        [four?.reports_to_reference, four?.reports_to_post_id],
        ['3', null],
      );
    },
  );

  it(
    'imports a UTF-16 LE copy of a small organogram ' +
      'as it would the UTF-8 one, keeping NUL bytes out of the database',
    async () => {
      const { db } = database();
      const organisation = 'Office of Wide Text';
      const text = csvText([
        [...SENIOR_COLUMNS],
        seniorRow(organisation, '1', 'Zoë Ångström', 'XX'),
        seniorRow(organisation, '2', '中村 Nakamura\u0000', '1', {
          'Job Title': 'Head\u0000 of Data',
        }),
      ]);
      const file = writeScratchFile(
        'utf-16le.csv',
        Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from(text, 'utf16le'),
        ]),
      );

      const report = await importOne(db, file);

      assert.equal(report.rejected, undefined);
      assert.deepEqual(report.posts, {
        created: 2,
        updated: 0,
        ended: 0,
        reopened: 0,
      });
      assert.deepEqual(report.warnings, [
        '2 cells held control or text-direction characters, which were removed',
      ]);
      const [first, second] = await Promise.all([
        findPost(db, organisation, '1'),
        findPost(db, organisation, '2'),
      ]);
      assert.deepEqual(
        [first.holders, second.holders, second.job_title],
        [['Zoë Ångström'], ['中村 Nakamura'], 'Head of Data'],
      );
    },
  );

  it('takes a Name of only zero-width spaces as an undisclosed post and adds nobody', async () => {
    const { db } = database();
    const organisation = 'Office of Invisible Names';
    const before = await tableCounts(db);

    const report = await importOne(
      db,
      seniorFile(organisation, [['1', '\u200B\u200B\u200B', 'XX']]),
    );

    assert.deepEqual(report.people, { created: 0, updated: 0 });
    assert.deepEqual(report.warnings, [
      'line 2: post 1 has no Name; it is taken as undisclosed',
    ]);
    const post = await findPost(db, organisation, '1');
    assert.deepEqual([post.holder_kind, post.holders], ['undisclosed', []]);
    assert.equal((await tableCounts(db)).people, before.people);
  });
});
