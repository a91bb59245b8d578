import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { listChanges } from '../history.ts';
import {
  findPost,
  importOne,
  juniorFile,
  juniorRow,
  seniorFile,
} from './testing.ts';

await describeEachDatabase(
  'keeping people and posts in step with later returns',
  (database) => {
    it('gives one person several posts and a shared post several holders', async () => {
      const { db } = database();
      const organisation = 'Office of Shares';
      const file = seniorFile(organisation, [
        [
          '1',
          'Ann Example',
          'XX',
          { 'Contact E-mail': 'ann@shares.example', 'Job Title': 'Head' },
        ],
        ['2', 'Ann Example', '1', { 'Job Title': 'Acting Deputy' }],
        ['3', 'Bob Example', '1', { FTE: '0.5' }],
        ['3', 'Cat Example', '1', { FTE: '0.5' }],
      ]);

      const report = await importOne(db, file);

      assert.deepEqual(report.people, { created: 3, updated: 0 });
      assert.deepEqual(report.warnings, []);
      const shared = await findPost(db, organisation, '3');
      assert.deepEqual(shared.holders, ['Bob Example', 'Cat Example']);
      assert.equal(shared.fte, 1);
      const ann = await db
        .selectFrom('people')
        .select(['id', 'job_title', 'email'])
        .where('display_name', '=', 'Ann Example')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [ann.job_title, ann.email],
        ['Head', 'ann@shares.example'],
      );
      const held = await db
        .selectFrom('post_holders')
        .select('post_id')
        .where('person_id', '=', ann.id)
        .execute();
      assert.equal(held.length, 2);
    });

    it(
      'recognises a renamed person by e-mail address ' +
        'and keeps an address they already have',
      async () => {
        const { db } = database();
        const organisation = 'Office of Names';
        await importOne(
          db,
          seniorFile(organisation, [
            [
              '1',
              'Dee Before',
              'XX',
              { 'Contact E-mail': 'dee@names.example' },
            ],
          ]),
        );

        const report = await importOne(
          db,
          seniorFile(organisation, [
            ['1', 'Dee After', 'XX', { 'Contact E-mail': 'DEE@names.example' }],
          ]),
        );

        assert.deepEqual(report.people, { created: 0, updated: 1 });
        // The post shows the address as the new file writes it.
        assert.deepEqual(report.posts, {
          created: 0,
          updated: 1,
          ended: 0,
          reopened: 0,
        });
        const dee = await db
          .selectFrom('people')
          .select(['id', 'display_name', 'email'])
          .where('email_key', '=', 'dee@names.example')
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [dee.display_name, dee.email],
          ['Dee After', 'dee@names.example'],
        );
        const [change] = await listChanges(db, 'person', dee.id);
        assert.deepEqual(change?.fields.display_name, [
          'Dee Before',
          'Dee After',
        ]);
      },
    );

    it('does not match people on a mailbox that several of them share', async () => {
      const { db } = database();
      const organisation = 'Office of Mailboxes';
      const mailbox = { 'Contact E-mail': 'office@mailboxes.example' };

      const report = await importOne(
        db,
        seniorFile(organisation, [
          ['1', 'Eve Example', 'XX', mailbox],
          ['2', 'Fay Example', '1', mailbox],
        ]),
      );

      assert.deepEqual(report.people, { created: 2, updated: 0 });
      const withMailbox = await db
        .selectFrom('people')
        .select('id')
        .where('email_key', '=', 'office@mailboxes.example')
        .execute();
      assert.deepEqual(withMailbox, []);
    });

    it(
      'unlinks the holder of a post that fell vacant, ' +
        'ends a vanished post and reopens it when it returns',
      async () => {
        const { db } = database();
        const organisation = 'Office of Returns';
        const first = seniorFile(organisation, [
          ['1', 'Vacant', 'XX'],
          ['2', 'Gus Example', '1'],
          ['3', 'N/D', '1'],
        ]);
        await importOne(db, first);

        const second = await importOne(
          db,
          seniorFile(organisation, [
            ['1', 'Vacant', 'XX'],
            ['2', 'VACANT', '1'],
          ]),
        );
        const third = await importOne(db, first);

        assert.deepEqual(second.posts, {
          created: 0,
          updated: 1,
          ended: 1,
          reopened: 0,
        });
        assert.deepEqual(third.posts, {
          created: 0,
          updated: 1,
          ended: 0,
          reopened: 1,
        });
        const post2 = await findPost(db, organisation, '2');
        const post3 = await findPost(db, organisation, '3');
        const gus = await db
          .selectFrom('people')
          .select(['id', 'status'])
          .where('display_name', '=', 'Gus Example')
          .executeTakeFirstOrThrow();
        const history2 = await listChanges(db, 'post', post2.id);
        assert.deepEqual(history2[1]?.fields, {
          holder_kind: ['named', 'vacant'],
          holders: [[gus.id], []],
        });
        assert.deepEqual(post2.holders, ['Gus Example']);
        assert.equal(gus.status, 'active');
        assert.deepEqual([post3.status, post3.ended_at], ['active', null]);
        assert.deepEqual(
          (await listChanges(db, 'post', post3.id)).map(
            (change) => change.change,
          ),
          ['reopened', 'ended', 'created'],
        );
      },
    );

    it(
      'clears the job of a holder a later return drops, ' +
        'but not of a local account or of someone still in a post, ' +
        'and deactivates no one',
      async () => {
        const { db } = database();
        const organisation = 'Office of Leavers';
        await buildPerson(db, {
          displayName: 'Nia Local',
          email: 'nia@leavers.example',
          source: 'admin',
        });
        await importOne(
          db,
          seniorFile(organisation, [
            ['1', 'Lena Leaver', 'XX', { Unit: 'Archives' }],
            ['2', 'Mo Mover', '1'],
            ['3', 'Mo Mover', '1'],
            [
              '4',
              'Nia Local',
              '1',
              { 'Contact E-mail': 'nia@leavers.example' },
            ],
          ]),
        );
        const department = (await findPost(db, organisation, '1'))
          .department_id;
        const unit = await db
          .selectFrom('units')
          .select('id')
          .where('department_id', '=', department)
          .where('name', '=', 'Archives')
          .executeTakeFirstOrThrow();

        const report = await importOne(
          db,
          seniorFile(organisation, [
            ['1', 'Vacant', 'XX'],
            ['3', 'Mo Mover', '1'],
            ['4', 'Vacant', '1'],
          ]),
        );

        assert.equal(report.jobDetailsCleared, 1);
        const people = await db
          .selectFrom('people')
          .select([
            'id',
            'display_name',
            'job_title',
            'grade',
            'unit_id',
            'department_id',
            'status',
          ])
          .where('display_name', 'in', ['Lena Leaver', 'Mo Mover', 'Nia Local'])
          .orderBy('display_name')
          .execute();
        assert.deepEqual(
          people.map(({ id: _id, ...person }) => person),
          [
            {
              display_name: 'Lena Leaver',
              job_title: null,
              grade: null,
              unit_id: null,
              department_id: department,
              status: 'active',
            },
            {
              display_name: 'Mo Mover',
              job_title: 'Director 3',
              grade: 'SCS1',
              unit_id: (await findPost(db, organisation, '3')).unit_id,
              department_id: department,
              status: 'active',
            },
            {
              display_name: 'Nia Local',
              job_title: 'Director 4',
              grade: 'SCS1',
              unit_id: (await findPost(db, organisation, '4')).unit_id,
              department_id: department,
              status: 'active',
            },
          ],
        );
        const lena = people[0]?.id ?? 0;
        const [cleared] = await listChanges(db, 'person', lena);
        assert.deepEqual(
          [cleared?.change, cleared?.fields],
          [
            'updated',
            {
              job_title: ['Director 1', null],
              grade: ['SCS1', null],
              unit_id: [unit.id, null],
            },
          ],
        );
        const entry = await db
          .selectFrom('directory_entries')
          .select(['job_title', 'unit_name'])
          .where('person_id', '=', lena)
          .executeTakeFirstOrThrow();
        assert.deepEqual(entry, { job_title: '', unit_name: '' });
      },
    );

    it(
      'never changes what people wrote about themselves, ' +
        'their role or their password',
      async () => {
        const { db } = database();
        const organisation = 'Office of Profiles';
        await importOne(
          db,
          seniorFile(organisation, [['1', 'Hal Example', 'XX']]),
        );
        await db
          .updateTable('people')
          .set({
            about_md: 'I map rivers.',
            role: 'admin',
            password_hash: 'hash',
          })
          .where('display_name', '=', 'Hal Example')
          .execute();

        const report = await importOne(
          db,
          seniorFile(organisation, [
            ['1', 'Hal Example', 'XX', { 'Job Title': 'Chief Hydrologist' }],
          ]),
        );

        assert.deepEqual(report.people, { created: 0, updated: 1 });
        const hal = await db
          .selectFrom('people')
          .select(['job_title', 'about_md', 'role', 'password_hash'])
          .where('display_name', '=', 'Hal Example')
          .executeTakeFirstOrThrow();
        assert.deepEqual(hal, {
          job_title: 'Chief Hydrologist',
          about_md: 'I map rivers.',
          role: 'admin',
          password_hash: 'hash',
        });
      },
    );

    it(
      'adds up junior rows into teams, skips rows for unknown senior posts ' +
        'and ends teams a later file drops',
      async () => {
        const { db } = database();
        const organisation = 'Office of Juniors';
        await importOne(
          db,
          seniorFile(organisation, [
            ['1', 'Vacant', 'XX'],
            ['2', 'Vacant', '1'],
          ]),
        );

        const first = await importOne(
          db,
          juniorFile([
            juniorRow(
              organisation,
              '1',
              'B1/BAND B1',
              'Executive Assistant',
              '1.0',
            ),
            juniorRow(
              organisation,
              '1.0',
              'b1/band b1',
              'Executive  Assistant',
              '0.6',
            ),
            juniorRow(organisation, '2', 'A/BAND A', 'Adviser', '2'),
            juniorRow(organisation, '9', 'A/BAND A', 'Adviser', '1'),
          ]),
        );
        const second = await importOne(
          db,
          juniorFile([
            juniorRow(
              organisation,
              '1',
              'B1/BAND B1',
              'Executive Assistant',
              '1.6',
            ),
          ]),
        );

        assert.deepEqual(first.juniorTeams, {
          created: 2,
          updated: 0,
          ended: 0,
          reopened: 0,
        });
        assert.deepEqual(first.skipped, [
          {
            line: 5,
            reason:
              'senior post 9 is not in the directory for Office of Juniors',
          },
        ]);
        assert.deepEqual(second.juniorTeams, {
          created: 0,
          updated: 0,
          ended: 1,
          reopened: 0,
        });
        const post1 = await findPost(db, organisation, '1');
        const teams = await db
          .selectFrom('junior_teams')
          .innerJoin('posts', 'posts.id', 'junior_teams.senior_post_id')
          .select([
            'junior_teams.grade',
            'junior_teams.fte',
            'junior_teams.status',
          ])
          .where('posts.reference', 'in', ['1', '2'])
          .where('posts.department_id', '=', post1.department_id)
          .orderBy('junior_teams.id')
          .execute();
        assert.deepEqual(
          teams.map((team) => [team.grade, team.fte, team.status]),
          [
            ['B1/BAND B1', 1.6, 'active'],
            ['A/BAND A', 2, 'ended'],
          ],
        );
      },
    );
  },
);
