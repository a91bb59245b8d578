import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { listChanges } from '../history.ts';
import { departmentTreeShape } from '../posts.ts';
import { searchDirectory } from '../search.ts';
import { importOrganogramFiles } from './import.ts';
import type { ImportReport } from './report.ts';
import { findPost, publishedFile, tableCounts } from './testing.ts';

// The Cabinet Office's returns of 2011 and 2013: the same organisation two
// years apart. Expected values were counted from the CSV files with a
// separate Python script, not with this importer.

const RETURN_2011 = publishedFile('cabinet_office-2011-09-30-senior.csv');
const RETURN_2013 = publishedFile(
  'Cabinet-Office-FINAL--30-Sept-2013-senior.csv',
);

await describeEachDatabase(
  're-importing the Cabinet Office two years on',
  (database) => {
    it(
      'imports the 2011 return: 234 posts under posts 1, CO57 and CO59, ' +
        'five levels deep',
      async () => {
        const { db } = database();

        const [report] = await importOrganogramFiles(db, [RETURN_2011], {
          now: () => '2026-12-01T09:00:00.000Z',
        });

        assert.ok(report);
        assert.equal(report.rowsRead, 235);
        assert.deepEqual(report.posts, {
          created: 234,
          updated: 0,
          ended: 0,
          reopened: 0,
        });
        assert.deepEqual(report.people, { created: 73, updated: 0 });
        assert.deepEqual(report.skipped, []);
        const shared =
          'oliver.jenkins@cabinet-office.x.gsi.gov.uk or Ciaran.martin@cabinet-office.gsi.gov.uk';
        assert.deepEqual(report.warnings, [
          `line 49: Contact E-mail "${shared}" is not an address; it is left empty`,
          `line 172: Contact E-mail "${shared}" is not an address; it is left empty`,
          '20 U+FFFD replacement characters ' +
            '(text damaged before this file was made) are kept as they are',
        ]);

        const department = await db
          .selectFrom('departments')
          .select('id')
          .where('name', '=', 'Cabinet Office')
          .executeTakeFirstOrThrow();
        const shape = await departmentTreeShape(db, department.id);
        const roots = await db
          .selectFrom('posts')
          .select('reference')
          .where('id', 'in', shape.rootIds)
          .orderBy('reference')
          .execute();
        assert.deepEqual(
          roots.map((root) => root.reference),
          ['1', 'CO57', 'CO59'],
        );
        assert.equal(shape.depth, 5);

        const kinds = await db
          .selectFrom('posts')
          .select(['holder_kind', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('holder_kind')
          .orderBy('holder_kind')
          .execute();
        assert.deepEqual(
          kinds.map((row) => [row.holder_kind, Number(row.n)]),
          [
            ['eliminated', 1],
            ['named', 77],
            ['undisclosed', 149],
            ['vacant', 7],
          ],
        );
        const counts = await tableCounts(db);
        assert.equal(counts.post_holders, 77);
        assert.equal(counts.directory_changes, 234 + 73);
      },
    );

    it('keeps the U+FFFD characters of the 2011 job descriptions as they are', async () => {
      const { db } = database();

      const posts = await db
        .selectFrom('posts')
        .select('job_function')
        .execute();
      const replaced = posts.reduce(
        (sum, post) => sum + (post.job_function?.match(/\uFFFD/g)?.length ?? 0),
        0,
      );

      assert.equal(replaced, 20);
    });

    it('stores post 103, given on two rows in 2011, once with both FTEs', async () => {
      const { db } = database();

      const post = await findPost(db, 'Cabinet Office', '103');

      assert.equal(post.fte, 1.59);
      assert.equal(post.holder_kind, 'undisclosed');
    });

    it(
      'updates, moves, adds and ends posts, and updates people, ' +
        'when the 2013 return follows',
      async () => {
        const { db } = database();
        const before = await tableCounts(db);

        const [report] = await importOrganogramFiles(db, [RETURN_2013], {
          now: () => '2026-12-02T09:00:00.000Z',
        });

        assert.ok(report);
        assert.deepEqual(report.posts, {
          created: 122,
          updated: 155,
          ended: 79,
          reopened: 0,
        });
        // Five people of 2011 have another address in 2013 (a new mail
        // domain), so they are kept apart and added again.
        assert.deepEqual(report.people, { created: 50, updated: 25 });
        assert.equal(report.jobDetailsCleared, 47);
        const after = await tableCounts(db);
        assert.equal(after.posts, 234 + 122);
        assert.equal(after.people, 73 + 50);
        assert.equal(after.post_holders, 77);
        assert.equal(
          after.directory_changes - before.directory_changes,
          122 + 155 + 79 + 50 + 25 + 47,
        );
        const statuses = await db
          .selectFrom('posts')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .orderBy('status')
          .execute();
        assert.deepEqual(
          statuses.map((row) => [row.status, Number(row.n)]),
          [
            ['active', 277],
            ['ended', 79],
          ],
        );
      },
    );

    it('never deactivates a person whose post ended', async () => {
      const { db } = database();

      const people = await db
        .selectFrom('people')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();

      assert.deepEqual(
        people.map((row) => [row.status, Number(row.n)]),
        [['active', 123]],
      );
    });

    it(
      'records a moved post, an ended post with its holder unlinked, ' +
        'and an updated person',
      async () => {
        const { db } = database();

        const moved = await findPost(db, 'Cabinet Office', '2');
        const movedHistory = await listChanges(db, 'post', moved.id);
        const ended = await findPost(db, 'Cabinet Office', '1');
        const endedHistory = await listChanges(db, 'post', ended.id);
        const person = await db
          .selectFrom('people')
          .select(['id', 'job_title', 'status'])
          .where('display_name', '=', 'Dev Kendrick')
          .executeTakeFirstOrThrow();
        const personHistory = await listChanges(db, 'person', person.id);
        const tara = await db
          .selectFrom('people')
          .select(['id', 'status'])
          .where('display_name', '=', 'Tara Sandhu')
          .executeTakeFirstOrThrow();

        assert.deepEqual(
          movedHistory.map((change) => change.change),
          ['updated', 'created'],
        );
        assert.deepEqual(movedHistory[0]?.fields.reports_to_reference, [
          '1',
          '317',
        ]);
        assert.equal(
          movedHistory[0]?.importSource,
          'Cabinet-Office-FINAL--30-Sept-2013-senior.csv',
        );

        assert.equal(ended.status, 'ended');
        assert.deepEqual(ended.holders, []);
        assert.deepEqual(
          endedHistory.map((change) => change.change),
          ['ended', 'created'],
        );
        assert.deepEqual(endedHistory[0]?.fields, {
          status: ['active', 'ended'],
          holders: [[tara.id], []],
        });
        assert.equal(tara.status, 'active');

        assert.equal(
          person.job_title,
          "Director General, Prime Minister's Appointments Secretary",
        );
        assert.deepEqual(personHistory[0]?.fields.job_title, [
          'Prime Ministers Appointments Secretary',
          "Director General, Prime Minister's Appointments Secretary",
        ]);
      },
    );

    it(
      'clears the job title, grade and unit of the 47 people ' +
        'the 2013 return leaves holding no post, keeping their department',
      async () => {
        const { db } = database();
        const department = await db
          .selectFrom('departments')
          .select('id')
          .where('name', '=', 'Cabinet Office')
          .executeTakeFirstOrThrow();

        const leavers = await db
          .selectFrom('people as p')
          .select([
            'p.job_title',
            'p.grade',
            'p.unit_id',
            'p.department_id',
            'p.status',
            (eb) => eb.fn.countAll<number>().as('n'),
          ])
          .where('p.source', '=', 'organogram')
          .where(({ exists, not, selectFrom }) =>
            not(
              exists(
                selectFrom('post_holders as h')
                  .select('h.post_id')
                  .whereRef('h.person_id', '=', 'p.id'),
              ),
            ),
          )
          .groupBy([
            'p.job_title',
            'p.grade',
            'p.unit_id',
            'p.department_id',
            'p.status',
          ])
          .execute();
        const marcus = await db
          .selectFrom('people')
          .select('id')
          .where('display_name', '=', 'Marcus Chaudhry')
          .executeTakeFirstOrThrow();
        const [cleared] = await listChanges(db, 'person', marcus.id);
        const unit = await db
          .selectFrom('units')
          .select('id')
          .where('name', '=', 'Finance and Estates Management')
          .executeTakeFirstOrThrow();

        assert.deepEqual(
          leavers.map((row) => ({ ...row, n: Number(row.n) })),
          [
            {
              job_title: null,
              grade: null,
              unit_id: null,
              department_id: department.id,
              status: 'active',
              n: 47,
            },
          ],
        );
        assert.equal(cleared?.change, 'updated');
        assert.deepEqual(cleared?.fields, {
          job_title: ['Director, Finance', null],
          grade: ['SCS2', null],
          unit_id: [unit.id, null],
        });
        assert.equal(
          cleared?.importSource,
          'Cabinet-Office-FINAL--30-Sept-2013-senior.csv',
        );
      },
    );

    it(
      'finds only the 2013 holder and posts, not the 2011 holder, ' +
        'searching "Director, Finance"',
      async () => {
        const { db } = database();

        const found = await searchDirectory(
          db,
          { text: 'Director, Finance' },
          { page: 1, pageSize: 25, offset: 0 },
        );

        assert.deepEqual(
          found.items.map((hit) =>
            hit.type === 'person'
              ? `person ${hit.person.name}`
              : `post ${hit.post.jobTitle}`,
          ),
          [
            'person Deborah Kendrick',
            'post Deputy Director, Finance and Estates',
            'post Deputy Director, Finance and Data Team',
            'post Deputy Director, Social Investment and Finance',
          ],
        );
      },
    );

    it(
      'says which return each one replaced: 2013 after 2011, ' +
        'and 2011 again after 2013 with 122 posts ended',
      async () => {
        const { db } = database();

        const [report] = await importOrganogramFiles(db, [RETURN_2011], {
          now: () => '2026-12-03T09:00:00.000Z',
        });
        const runs = await db
          .selectFrom('import_runs')
          .select(['source_name', 'summary'])
          .orderBy('id')
          .execute();

        const replaced2011 =
          'this return replaces the one imported from ' +
          'cabinet_office-2011-09-30-senior.csv on 2026-12-01: ' +
          '79 posts ended, 155 updated and 0 reopened; ' +
          'if that one is the newer return, import it again';
        const replaced2013 =
          'this return replaces the one imported from ' +
          'Cabinet-Office-FINAL--30-Sept-2013-senior.csv on 2026-12-02: ' +
          '122 posts ended, 155 updated and 79 reopened; ' +
          'if that one is the newer return, import it again';
        assert.equal(report?.warnings[0], replaced2013);
        assert.deepEqual(
          runs.map((run) => [
            run.source_name,
            (JSON.parse(run.summary ?? '{}') as ImportReport).warnings[0],
          ]),
          [
            [
              'cabinet_office-2011-09-30-senior.csv',
              'line 49: Contact E-mail ' +
                '"oliver.jenkins@cabinet-office.x.gsi.gov.uk or ' +
                'Ciaran.martin@cabinet-office.gsi.gov.uk" ' +
                'is not an address; it is left empty',
            ],
            ['Cabinet-Office-FINAL--30-Sept-2013-senior.csv', replaced2011],
            ['cabinet_office-2011-09-30-senior.csv', replaced2013],
          ],
        );
      },
    );
  },
);
