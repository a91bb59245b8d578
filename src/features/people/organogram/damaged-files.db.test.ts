import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { importOrganogramFiles } from './import.ts';
import {
  importOne,
  juniorFile,
  juniorRow,
  publishedFile,
  seniorFile,
  tableCounts,
  writeScratchFile,
} from './testing.ts';

// Copies of the 2013 Cabinet Office return cut short the ways a failed
// download or copy cuts a file. The offsets, lines and counts were found
// with a separate Python script (csv module), not with this importer.

const RETURN_2013 = readFileSync(
  publishedFile('Cabinet-Office-FINAL--30-Sept-2013-senior.csv'),
);

/** The first `bytes` bytes of the 2013 return, as a file of its own. */
function cutCopy(bytes: number): string {
  return writeScratchFile(
    `senior-2013-first-${bytes}.csv`,
    RETURN_2013.subarray(0, bytes),
  );
}

async function activePosts(db: Parameters<typeof tableCounts>[0]) {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

await describeEachDatabase(
  'refusing organogram files that are damaged',
  (database) => {
    it(
      'refuses the 2013 return cut inside a quoted cell, ' +
        'naming the line the cell starts on, and changes nothing',
      async () => {
        const { db } = database();
        await importOrganogramFiles(db, [
          publishedFile('Cabinet-Office-FINAL--30-Sept-2013-senior.csv'),
        ]);
        const before = await tableCounts(db);

        // Byte 6,514 opens the quoted job description of the row on line 13.
        const report = await importOne(db, cutCopy(6544));

        assert.equal(
          report.rejected,
          'the file ends inside a quoted cell that starts on line 13: ' +
            'it looks cut short; nothing was imported',
        );
        assert.deepEqual(await tableCounts(db), before);
        assert.equal(await activePosts(db), 277);
      },
    );

    it(
      'refuses the 2013 return cut at 50,000 bytes, ' +
        'part way through the row on line 145',
      async () => {
        const { db } = database();
        const before = await tableCounts(db);

        const report = await importOne(db, cutCopy(50_000));

        assert.equal(
          report.rejected,
          'the file ends inside the record on line 145, ' +
            "which has 2 of the header's 20 cells: " +
            'it looks cut short; nothing was imported',
        );
        assert.deepEqual(await tableCounts(db), before);
      },
    );

    it(
      'refuses the 2013 return cut after 100 whole rows, ' +
        'which would end 177 of 277 posts, unless ending most is allowed',
      async () => {
        const { db } = database();
        const before = await tableCounts(db);
        const file = cutCopy(43_356);

        const [refused] = await importOrganogramFiles(db, [file]);
        const counts = await tableCounts(db);
        const [allowed] = await importOrganogramFiles(db, [file], {
          allowEndingMost: true,
        });

        assert.equal(
          refused?.rejected,
          'it would end 177 of the 277 active posts of Cabinet Office, ' +
            'more than half; ' +
            'the file may be damaged or incomplete, so nothing was imported ' +
            '(use --allow-ending-most if the return really ends them)',
        );
        assert.deepEqual(counts, before);
        assert.equal(allowed?.rejected, undefined);
        assert.equal(allowed?.rowsRead, 100);
        assert.equal(allowed?.posts.ended, 177);
        assert.equal(await activePosts(db), 100);
      },
    );

    it(
      "refuses a junior file that would end 11 of its department's 12 teams, " +
        'unless ending most is allowed',
      async () => {
        const { db } = database();
        const organisation = 'Office of Thin Teams';
        await importOne(db, seniorFile(organisation, [['1', 'Vacant', 'XX']]));
        const titles = Array.from({ length: 12 }, (_, n) => `Adviser ${n + 1}`);
        await importOne(
          db,
          juniorFile(
            titles.map((title) =>
              juniorRow(organisation, '1', 'A', title, '1'),
            ),
          ),
        );
        const one = juniorFile([
          juniorRow(organisation, '1', 'A', 'Adviser 1', '1'),
        ]);

        const refused = await importOne(db, one);
        const [allowed] = await importOrganogramFiles(db, [one], {
          allowEndingMost: true,
        });

        assert.equal(
          refused.rejected,
          'it would end 11 of the 12 active junior teams of ' +
            'Office of Thin Teams, more than half; ' +
            'the file may be damaged or incomplete, so nothing was imported ' +
            '(use --allow-ending-most if the return really ends them)',
        );
        assert.deepEqual(allowed?.juniorTeams, {
          created: 0,
          updated: 0,
          ended: 11,
          reopened: 0,
        });
      },
    );

    it("ends half of a department's posts, or nine of them, without being told", async () => {
      const { db } = database();
      const organisation = 'Office of Halves';
      const posts = (count: number): [string, string, string][] =>
        Array.from({ length: count }, (_, n) => [
          `${n + 1}`,
          'Vacant',
          n === 0 ? 'XX' : '1',
        ]);
      await importOne(db, seniorFile(organisation, posts(20)));

      const half = await importOne(db, seniorFile(organisation, posts(10)));
      const nine = await importOne(db, seniorFile(organisation, posts(1)));

      assert.deepEqual(
        [half.rejected, half.posts.ended, nine.rejected, nine.posts.ended],
        [undefined, 10, undefined, 9],
      );
    });
  },
);
