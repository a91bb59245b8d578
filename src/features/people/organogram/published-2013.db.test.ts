import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { departmentTreeShape } from '../posts.ts';
import { importOrganogramFiles } from './import.ts';
import { changedNothing } from './report.ts';
import { findPost, publishedFile, tableCounts } from './testing.ts';

// Expected values were counted from the CSV files with a separate Python
// script (csv module, strict UTF-8), not with this importer.

const SENIOR = publishedFile('Cabinet-Office-FINAL--30-Sept-2013-senior.csv');
const JUNIOR = publishedFile('Cabinet-Office-FINAL--30-Sept-2013-junior.csv');

async function departmentId(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('departments')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every row the import writes, in a comparable form. */
async function directorySnapshot(db: Kysely<Database>) {
  return {
    departments: await db
      .selectFrom('departments')
      .selectAll()
      .orderBy('id')
      .execute(),
    units: await db.selectFrom('units').selectAll().orderBy('id').execute(),
    people: await db.selectFrom('people').selectAll().orderBy('id').execute(),
    posts: await db.selectFrom('posts').selectAll().orderBy('id').execute(),
    holders: await db
      .selectFrom('post_holders')
      .selectAll()
      .orderBy('post_id')
      .orderBy('person_id')
      .execute(),
    teams: await db
      .selectFrom('junior_teams')
      .selectAll()
      .orderBy('id')
      .execute(),
    entries: await db
      .selectFrom('directory_entries')
      .selectAll()
      .orderBy('id')
      .execute(),
  };
}

await describeEachDatabase(
  'importing the Cabinet Office return of September 2013',
  (database) => {
    it('imports the junior file after the senior file when it is named first', async () => {
      const { db } = database();

      const [junior, senior] = await importOrganogramFiles(db, [
        JUNIOR,
        SENIOR,
      ]);

      assert.ok(junior && senior);
      assert.equal(senior.rejected, undefined);
      assert.equal(senior.kind, 'senior');
      assert.equal(senior.department, 'Cabinet Office');
      assert.equal(senior.rowsRead, 278);
      assert.equal(senior.departmentsCreated, 2);
      assert.deepEqual(senior.posts, {
        created: 277,
        updated: 0,
        ended: 0,
        reopened: 0,
      });
      assert.deepEqual(senior.people, { created: 76, updated: 0 });
      assert.deepEqual(senior.skipped, []);
      assert.deepEqual(senior.warnings, []);

      assert.equal(junior.rejected, undefined);
      assert.equal(junior.kind, 'junior');
      assert.equal(junior.rowsRead, 763);
      assert.deepEqual(junior.juniorTeams, {
        created: 759,
        updated: 0,
        ended: 0,
        reopened: 0,
      });
      assert.deepEqual(junior.skipped, []);
    });

    it('keeps every post, vacant, undisclosed and eliminated ones included', async () => {
      const { db } = database();

      const kinds = await db
        .selectFrom('posts')
        .select(['holder_kind', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'active')
        .groupBy('holder_kind')
        .orderBy('holder_kind')
        .execute();
      const counts = await tableCounts(db);

      assert.deepEqual(
        kinds.map((row) => [row.holder_kind, Number(row.n)]),
        [
          ['eliminated', 34],
          ['named', 77],
          ['undisclosed', 155],
          ['vacant', 11],
        ],
      );
      assert.equal(counts.posts, 277);
      assert.equal(counts.people, 76);
      assert.equal(counts.post_holders, 77);
      // 76 people and 166 vacant or undisclosed posts are searchable.
      assert.equal(counts.directory_entries, 242);
    });

    it('builds one reporting tree under post 405, six levels deep', async () => {
      const { db } = database();

      const shape = await departmentTreeShape(
        db,
        await departmentId(db, 'Cabinet Office'),
      );
      const roots = await db
        .selectFrom('posts')
        .select('reference')
        .where('id', 'in', shape.rootIds)
        .execute();

      assert.deepEqual(
        roots.map((root) => root.reference),
        ['405'],
      );
      assert.equal(shape.depth, 6);
    });

    it('counts the junior staff of all 135 senior posts, 1,517.77 FTE in all', async () => {
      const { db } = database();

      const totals = await db
        .selectFrom('junior_teams')
        .select([
          (eb) => eb.fn.sum<number>('fte').as('fte'),
          (eb) => eb.fn.count<number>('senior_post_id').distinct().as('posts'),
        ])
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();

      assert.equal(Math.round(Number(totals.fte) * 100) / 100, 1517.77);
      assert.equal(Number(totals.posts), 135);
    });

    it('stores post 270, given on two rows, once with the FTE of both', async () => {
      const { db } = database();

      const post = await findPost(db, 'Cabinet Office', '270');

      assert.equal(post.fte, 2);
      assert.equal(post.holder_kind, 'vacant');
      assert.equal(post.job_title, 'Executive Director, Shared Services');
    });

    it('keeps a DCLG row in the return, with its holder in DCLG', async () => {
      const { db } = database();
      const dclg = 'Department for Communities and Local Government';

      const post = await findPost(db, 'Cabinet Office', '446');
      const holder = await db
        .selectFrom('people')
        .select('department_id')
        .where('display_name', '=', 'Callum Sandhu')
        .executeTakeFirstOrThrow();

      assert.equal(
        post.department_id,
        await departmentId(db, 'Cabinet Office'),
      );
      assert.equal(post.organisation, dclg);
      assert.deepEqual(post.holders, ['Callum Sandhu']);
      assert.equal(holder.department_id, await departmentId(db, dclg));
    });

    it('changes nothing when the same files are imported again', async () => {
      const { db } = database();
      const before = await directorySnapshot(db);
      const counts = await tableCounts(db);

      const reports = await importOrganogramFiles(db, [SENIOR, JUNIOR]);

      assert.deepEqual(
        reports.map((report) => [report.rowsRead, changedNothing(report)]),
        [
          [278, true],
          [763, true],
        ],
      );
      assert.deepEqual(await directorySnapshot(db), before);
      assert.deepEqual(await tableCounts(db), {
        ...counts,
        import_runs: counts.import_runs + 2,
      });
    });
  },
);
