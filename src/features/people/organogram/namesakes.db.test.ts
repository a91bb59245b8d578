import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Db } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { changedNothing } from './report.ts';
import { findPost, importOne, seniorFile } from './testing.ts';

// Telling people apart: two holders of one name, and an address that
// already belongs to somebody else's account.

async function personByEmail(db: Db, emailKey: string) {
  return db
    .selectFrom('people')
    .select([
      'id',
      'display_name',
      'email',
      'phone',
      'job_title',
      'department_id',
      'source',
      'updated_at',
    ])
    .where('email_key', '=', emailKey)
    .executeTakeFirstOrThrow();
}

await describeEachDatabase('telling organogram holders apart', (database) => {
  it(
    'keeps two holders of one name with different addresses apart, ' +
      'each with their own address and phone, with a warning',
    async () => {
      const { db } = database();
      const organisation = 'Office of Namesakes';
      const file = seniorFile(organisation, [
        [
          '1',
          'John Smith',
          'XX',
          {
            'Contact E-mail': 'john.smith@one.example',
            'Contact Phone': '020 7946 0001',
          },
        ],
        [
          '2',
          'John Smith',
          '1',
          {
            'Contact E-mail': 'j.smith@two.example',
            'Contact Phone': '020 7946 0002',
          },
        ],
      ]);
      const warning =
        'line 3: John Smith has another e-mail address than John Smith ' +
        'on line 2, so they are kept apart as two people';

      const first = await importOne(db, file);
      const again = await importOne(db, file);

      assert.deepEqual(first.people, { created: 2, updated: 0 });
      assert.deepEqual(first.warnings, [warning]);
      const one = await personByEmail(db, 'john.smith@one.example');
      const two = await personByEmail(db, 'j.smith@two.example');
      assert.deepEqual(
        [one, two].map((person) => [
          person.display_name,
          person.phone,
          person.job_title,
        ]),
        [
          ['John Smith', '020 7946 0001', 'Director 1'],
          ['John Smith', '020 7946 0002', 'Director 2'],
        ],
      );
      const [post1, post2] = await Promise.all([
        findPost(db, organisation, '1'),
        findPost(db, organisation, '2'),
      ]);
      const holderIds = async (postId: number) =>
        (
          await db
            .selectFrom('post_holders')
            .select('person_id')
            .where('post_id', '=', postId)
            .execute()
        ).map((row) => row.person_id);
      assert.deepEqual(await holderIds(post1.id), [one.id]);
      assert.deepEqual(await holderIds(post2.id), [two.id]);
      assert.equal(changedNothing(again), true);
      assert.deepEqual(again.warnings, [warning]);
    },
  );

  it(
    'adds a holder whose address differs from the namesake ' +
      'already in the directory, with a warning',
    async () => {
      const { db } = database();
      const organisation = 'Office of Successors';
      await importOne(
        db,
        seniorFile(organisation, [
          ['1', 'Kim Lee', 'XX', { 'Contact E-mail': 'kim.lee@first.example' }],
        ]),
      );

      const report = await importOne(
        db,
        seniorFile(organisation, [
          [
            '1',
            'Kim Lee',
            'XX',
            { 'Contact E-mail': 'kim.lee@second.example' },
          ],
        ]),
      );

      assert.deepEqual(report.people, { created: 1, updated: 0 });
      assert.equal(report.jobDetailsCleared, 1);
      const [replaced, ...warnings] = report.warnings;
      assert.match(
        replaced ?? '',
        new RegExp(
          '^this return replaces the one imported from senior-\\d+\\.csv ' +
            'on [-\\d]{10}: 0 posts ended, 1 updated and 0 reopened;',
        ),
      );
      assert.deepEqual(warnings, [
        'line 2: Kim Lee has another e-mail address than ' +
          'the Kim Lee already in the directory, ' +
          'so they are kept apart as two people',
      ]);
      const earlier = await personByEmail(db, 'kim.lee@first.example');
      const later = await personByEmail(db, 'kim.lee@second.example');
      assert.deepEqual(
        [earlier.job_title, later.job_title],
        [null, 'Director 1'],
      );
    },
  );

  it(
    'leaves local and demo accounts alone ' +
      'when rows of other names give their addresses, ' +
      'and adds the holders without them',
    async () => {
      const { db } = database();
      const organisation = 'Office of Borrowed Addresses';
      await buildPerson(db, {
        displayName: 'Dana Local',
        email: 'dana@local.example',
        jobTitle: 'Librarian',
        source: 'admin',
      });
      await buildPerson(db, {
        displayName: 'Fred Demo',
        email: 'fred@demo.example',
        source: 'demo',
      });
      const dana = await personByEmail(db, 'dana@local.example');
      const fred = await personByEmail(db, 'fred@demo.example');

      const report = await importOne(
        db,
        seniorFile(organisation, [
          ['1', 'Eli Row', 'XX', { 'Contact E-mail': 'DANA@local.example' }],
          ['2', 'Gus Row', '1', { 'Contact E-mail': 'fred@demo.example' }],
        ]),
      );

      assert.deepEqual(report.people, { created: 2, updated: 0 });
      assert.deepEqual(report.warnings, [
        'line 2: the Contact E-mail DANA@local.example already belongs to ' +
          'someone else, so Eli Row is imported without it',
        'line 3: the Contact E-mail fred@demo.example already belongs to ' +
          'someone else, so Gus Row is imported without it',
      ]);
      assert.deepEqual(await personByEmail(db, 'dana@local.example'), dana);
      assert.deepEqual(await personByEmail(db, 'fred@demo.example'), fred);
      const added = await db
        .selectFrom('people')
        .select(['display_name', 'email', 'source'])
        .where('display_name', 'in', ['Eli Row', 'Gus Row'])
        .orderBy('display_name')
        .execute();
      assert.deepEqual(added, [
        { display_name: 'Eli Row', email: null, source: 'organogram' },
        { display_name: 'Gus Row', email: null, source: 'organogram' },
      ]);
      assert.deepEqual((await findPost(db, organisation, '1')).holders, [
        'Eli Row',
      ]);
    },
  );

  it(
    "does not rename a person another department's return added " +
      'when a row of another name gives their address',
    async () => {
      const { db } = database();
      await importOne(
        db,
        seniorFile('Office of First Claims', [
          ['1', 'Hal First', 'XX', { 'Contact E-mail': 'hal@claims.example' }],
        ]),
      );
      const hal = await personByEmail(db, 'hal@claims.example');

      const report = await importOne(
        db,
        seniorFile('Office of Second Claims', [
          ['1', 'Ivy Second', 'XX', { 'Contact E-mail': 'hal@claims.example' }],
        ]),
      );

      assert.deepEqual(report.people, { created: 1, updated: 0 });
      assert.deepEqual(report.warnings, [
        'line 2: the Contact E-mail hal@claims.example already belongs to ' +
          'someone else, so Ivy Second is imported without it',
      ]);
      assert.deepEqual(await personByEmail(db, 'hal@claims.example'), hal);
    },
  );
});
