import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { PersonActor } from '../../../access/actor.ts';
import type { FileContainer } from '../../../access/files.ts';
import type { Database } from '../../../database.ts';
import { runJobs } from '../../../platform/jobs.ts';
import { openBlobStore } from '../../../platform/storage/index.ts';
import type { BlobStore } from '../../../platform/storage/index.ts';
import { buildAccount } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildGroup } from '../../../test-support/groups.ts';
import type { FileLimits } from '../quota.ts';
import { saveUploads } from '../service.ts';
import { PROCESS_JOB } from '../versions.ts';
import { buildDocx, buildDocxBomb, buildPdf } from './fixtures.ts';
import { processFilesJob, processVersion } from './job.ts';
import { memoryBlobStore } from './memory-store.ts';

// The files.process job on both databases: what it records for each kind
// of file, that a damaged file is recorded as failed once, and that a
// second run changes nothing.

const LIMITS: FileLimits = {
  maxBytes: 10_000_000,
  groupQuotaBytes: 100_000_000,
  personQuotaBytes: 100_000_000,
  maxFilesPerRequest: 5,
};

await describeEachDatabase('processing file versions', (database) => {
  let owner: PersonActor;
  let container: FileContainer;
  let store: ReturnType<typeof memoryBlobStore>;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-process-'));
    const { db } = database();
    const { id } = await buildAccount(db, { role: 'member' });
    owner = {
      kind: 'person',
      id,
      role: 'member',
      displayName: 'Owner',
      via: 'session',
    };
    const group = await buildGroup(db, id, { visibility: 'secret' });
    container = { kind: 'group', groupId: group.id };
    store = memoryBlobStore(db);
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const upload = async (
    db: Kysely<Database>,
    name: string,
    bytes: Uint8Array,
    into: BlobStore = store,
  ) => {
    const blob = await into.put(Readable.from([Buffer.from(bytes)]), {
      maxBytes: 1e8,
    });
    const [recorded] = await saveUploads(
      db,
      owner,
      {
        container,
        folderId: null,
        title: null,
        description: null,
        comment: '',
      },
      [{ name, blob }],
      LIMITS,
    );
    assert.ok(recorded);
    return recorded;
  };

  const versionRow = (db: Kysely<Database>, id: number) =>
    db
      .selectFrom('file_versions as v')
      .leftJoin('file_texts as t', 't.version_id', 'v.id')
      .select([
        'v.text_status',
        'v.display_sha256',
        'v.thumbnail_sha256',
        't.text',
      ])
      .where('v.id', '=', id)
      .executeTakeFirstOrThrow();

  const runQueue = (db: Kysely<Database>) =>
    runJobs(
      db,
      { [PROCESS_JOB]: processFilesJob(() => store) },
      { workerId: 'test' },
    );

  it('reads a queued docx and records its words', async () => {
    const { db } = database();
    const { versionId } = await upload(
      db,
      'plan.docx',
      buildDocx([['Heron migration plan']]),
    );
    assert.equal((await versionRow(db, versionId)).text_status, 'pending');
    await runQueue(db);
    assert.deepEqual(await versionRow(db, versionId), {
      text_status: 'done',
      display_sha256: null,
      thumbnail_sha256: null,
      text: 'Heron migration plan',
    });
  });

  it('gives a PDF its words and a PNG thumbnail in the store', async () => {
    const { db } = database();
    const { versionId } = await upload(
      db,
      'report.pdf',
      buildPdf([['Pelican report']]),
    );
    await processVersion(db, store, versionId);
    const row = await versionRow(db, versionId);
    assert.equal(row.text_status, 'done');
    assert.equal(row.text, 'Pelican report');
    assert.equal(row.display_sha256, null);
    const thumbnail = store.blobs.get(row.thumbnail_sha256 ?? '');
    assert.ok(thumbnail);
    const meta = await sharp(thumbnail).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 247, 320]);
    const blob = await db
      .selectFrom('file_blobs')
      .select('mime')
      .where('sha256', '=', row.thumbnail_sha256 ?? '')
      .executeTakeFirstOrThrow();
    assert.equal(blob.mime, 'image/png');
  });

  it('gives an image a display copy and a thumbnail, and no text', async () => {
    const { db } = database();
    const jpeg = await sharp({
      create: { width: 3000, height: 1500, channels: 3, background: '#884422' },
    })
      .jpeg()
      .toBuffer();
    const { versionId } = await upload(db, 'photo.jpg', jpeg);
    await processVersion(db, store, versionId);
    const row = await versionRow(db, versionId);
    assert.equal(row.text_status, 'none');
    assert.equal(row.text, null);
    const display = await sharp(
      store.blobs.get(row.display_sha256 ?? ''),
    ).metadata();
    assert.deepEqual(
      [display.format, display.width, display.height],
      ['jpeg', 2048, 1024],
    );
    const thumb = await sharp(
      store.blobs.get(row.thumbnail_sha256 ?? ''),
    ).metadata();
    assert.deepEqual(
      [thumb.format, thumb.width, thumb.height],
      ['png', 320, 160],
    );
  });

  it('records a zip bomb as failed, once, and the job ends', async () => {
    const { db } = database();
    const { versionId } = await upload(db, 'bomb.docx', buildDocxBomb(10));
    await runQueue(db);
    assert.deepEqual(await versionRow(db, versionId), {
      text_status: 'failed',
      display_sha256: null,
      thumbnail_sha256: null,
      text: null,
    });
    const jobs = await db
      .selectFrom('jobs')
      .select(['state', 'attempts'])
      .where('type', '=', PROCESS_JOB)
      .where('payload', '=', JSON.stringify({ versionId }))
      .execute();
    assert.deepEqual(jobs, [{ state: 'done', attempts: 1 }]);
  });

  it('changes nothing when run a second time', async () => {
    const { db } = database();
    const { versionId } = await upload(
      db,
      'notes.txt',
      Buffer.from('Egret notes'),
    );
    await processVersion(db, store, versionId);
    const first = await versionRow(db, versionId);
    await processVersion(db, store, versionId);
    assert.deepEqual(await versionRow(db, versionId), first);
    assert.equal(first.text, 'Egret notes');
  });

  it('takes the results of an earlier version with the same bytes', async () => {
    const { db } = database();
    const pdf = buildPdf([['Cormorant census']]);
    const first = await upload(db, 'census.pdf', pdf);
    await processVersion(db, store, first.versionId);
    const second = await upload(db, 'census-copy.pdf', pdf);
    // Without the bytes, only the earlier version's results can answer.
    const emptyStore = memoryBlobStore(db);
    await processVersion(db, emptyStore, second.versionId);
    assert.deepEqual(
      await versionRow(db, second.versionId),
      await versionRow(db, first.versionId),
    );
  });

  it('leaves the job to try again when the bytes are missing', async () => {
    const { db } = database();
    const { versionId } = await upload(
      db,
      'lost.txt',
      Buffer.from('Lost words'),
    );
    await assert.rejects(
      processVersion(db, memoryBlobStore(db), versionId),
      /is not in the store/,
    );
    assert.equal((await versionRow(db, versionId)).text_status, 'pending');
  });

  it('does nothing for a version that is gone or a payload without one', async () => {
    const { db } = database();
    const handler = processFilesJob(() => store);
    await handler(db, { versionId: 999_999 });
    await handler(db, { something: 'else' });
    await handler(db, null);
  });

  for (const fileStorage of ['disk', 'database'] as const) {
    it(`reads through the ${fileStorage} store, by ranges`, async () => {
      const { db } = database();
      const real = openBlobStore({ dataDir, fileStorage }, db);
      const docx = buildDocx([[`Shearwater notes in the ${fileStorage}`]]);
      const pdf = buildPdf([[`Petrel notes in the ${fileStorage}`]], {
        width: 800,
        height: 400,
      });
      const first = await upload(db, `notes-${fileStorage}.docx`, docx, real);
      const second = await upload(db, `notes-${fileStorage}.pdf`, pdf, real);
      await processVersion(db, real, first.versionId);
      await processVersion(db, real, second.versionId);
      assert.equal(
        (await versionRow(db, first.versionId)).text,
        `Shearwater notes in the ${fileStorage}`,
      );
      const row = await versionRow(db, second.versionId);
      assert.equal(row.text, `Petrel notes in the ${fileStorage}`);
      const chunks: Buffer[] = [];
      for await (const chunk of await real.open(row.thumbnail_sha256 ?? '')) {
        chunks.push(chunk as Buffer);
      }
      const meta = await sharp(Buffer.concat(chunks)).metadata();
      assert.deepEqual(
        [meta.format, meta.width, meta.height],
        ['png', 320, 160],
      );
    });
  }
});
