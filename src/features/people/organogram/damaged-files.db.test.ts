import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { importOrganogramFiles } from './import.ts';
import {
  importOne,
  publishedFile,
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
    it('refuses the 2013 return cut inside a quoted cell, naming the line the cell starts on, and changes nothing', async () => {
      const { db } = database();
      await importOrganogramFiles(db, [
        publishedFile('Cabinet-Office-FINAL--30-Sept-2013-senior.csv'),
      ]);
      const before = await tableCounts(db);

      // Byte 6,514 opens the quoted job description of the row on line 13.
      const report = await importOne(db, cutCopy(6544));

      assert.equal(
        report.rejected,
        'the file ends inside a quoted cell that starts on line 13: it looks cut short; nothing was imported',
      );
      assert.deepEqual(await tableCounts(db), before);
      assert.equal(await activePosts(db), 277);
    });

    it('refuses the 2013 return cut at 50,000 bytes, part way through the row on line 145', async () => {
      const { db } = database();
      const before = await tableCounts(db);

      const report = await importOne(db, cutCopy(50_000));

      assert.equal(
        report.rejected,
        "the file ends inside the record on line 145, which has 2 of the header's 20 cells: it looks cut short; nothing was imported",
      );
      assert.deepEqual(await tableCounts(db), before);
    });
  },
);
