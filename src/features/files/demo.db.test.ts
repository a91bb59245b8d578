import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { seedDemoSite } from '../../demo-site.ts';
import { openBlobStore } from '../../platform/storage/index.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';

await describeEachDatabase('the demo files', (database) => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-demo-files-'));
    const { db } = database();
    await seedDemoSite(
      db,
      {
        people: 60,
        password: 'a demo password for tests',
        now: '2026-12-04T09:00:00.000Z',
      },
      openBlobStore({ dataDir, fileStorage: 'disk' }, db),
    );
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('puts a note with two versions in a folder and a table beside it', async () => {
    const rows = await database()
      .db.selectFrom('files as f')
      .innerJoin('groups as g', 'g.id', 'f.group_id')
      .leftJoin('file_folders as d', 'd.id', 'f.folder_id')
      .select(['g.slug', 'd.name as folder', 'f.name', 'f.version_count'])
      .orderBy('f.id')
      .execute();

    assert.deepEqual(
      rows.map((row) => [row.slug, row.folder, row.name, row.version_count]),
      [
        ['data-and-analysis-community', 'Guidance', 'sharing-data.txt', 2],
        ['data-and-analysis-community', null, 'staff-survey-2026.csv', 1],
      ],
    );
  });
});
