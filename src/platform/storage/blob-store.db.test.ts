import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { DOCX } from '../sniff.ts';
import type { BlobStore } from './blob-store.ts';
import { CHUNK_BYTES } from './database.ts';
import { BlobMissingError, openBlobStore, TooLargeError } from './index.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A stream of `bytes` in pieces of `size`, as a request body arrives. */
function streamOf(bytes: Buffer, size = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) {
        yield bytes.subarray(at, at + size);
      }
    })(),
    { objectMode: false },
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts);
}

async function filesUnder(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, {
      recursive: true,
      withFileTypes: true,
    });
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

async function blobRows(db: Kysely<Database>, sha256: string) {
  return db
    .selectFrom('file_blobs')
    .select(['size', 'mime', 'stored_in'])
    .where('sha256', '=', sha256)
    .execute();
}

async function chunkCount(db: Kysely<Database>, sha256: string) {
  const rows = await db
    .selectFrom('file_blob_chunks')
    .select('seq')
    .where('sha256', '=', sha256)
    .execute();
  return rows.length;
}

// Each store has a database of its own: a site uses one store at a time,
// and the same bytes in both would share one `file_blobs` row.
for (const kind of ['disk', 'database'] as const) {
  await describeEachDatabase(`the ${kind} blob store`, (database) => {
    describe('put, open, has and remove', () => {
      let dataDir = '';
      let store: BlobStore;
      const root = () => join(dataDir, 'files');
      const tmpFiles = () => filesUnder(join(root(), 'tmp'));

      before(async () => {
        dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-blobs-'));
        store = openBlobStore({ dataDir, fileStorage: kind }, database().db);
      });
      after(async () => {
        await rm(dataDir, { recursive: true, force: true });
      });

      test('bytes come back byte for byte, across chunk boundaries', async () => {
        const { db } = database();
        const bytes = randomBytes(2 * CHUNK_BYTES + 17);

        const stored = await store.put(streamOf(bytes), {
          maxBytes: 10 * CHUNK_BYTES,
        });

        assert.deepEqual(stored, {
          sha256: sha(bytes),
          size: bytes.length,
          mime: 'application/octet-stream',
          created: true,
        });
        assert.ok(
          (await readAll(await store.open(stored.sha256))).equals(bytes),
        );
        assert.deepEqual(await blobRows(db, stored.sha256), [
          {
            size: bytes.length,
            mime: 'application/octet-stream',
            stored_in: kind,
          },
        ]);
        assert.equal(await store.has(stored.sha256), true);
        assert.deepEqual(await tmpFiles(), []);
      });

      test('the same bytes twice are stored once', async () => {
        const { db } = database();
        const bytes = Buffer.concat([
          Buffer.from('%PDF-1.4\n'),
          randomBytes(CHUNK_BYTES),
        ]);

        const first = await store.put(streamOf(bytes), {
          maxBytes: bytes.length,
        });
        const second = await store.put(streamOf(bytes, 1000), {
          maxBytes: bytes.length,
        });

        assert.equal(first.created, true);
        assert.deepEqual(second, { ...first, created: false });
        assert.equal(second.mime, 'application/pdf');
        assert.equal((await blobRows(db, first.sha256)).length, 1);
        if (kind === 'disk') {
          const named = await filesUnder(join(root(), 'blobs'));
          assert.equal(named.filter((name) => name === first.sha256).length, 1);
          assert.equal(await chunkCount(db, first.sha256), 0);
        } else {
          assert.equal(await chunkCount(db, first.sha256), 2);
        }
        assert.deepEqual(await tmpFiles(), []);
      });

      test('exactly the limit is kept; one byte more keeps nothing', async () => {
        const { db } = database();
        const limit = CHUNK_BYTES + 100;
        const fits = randomBytes(limit);
        const over = randomBytes(limit + 1);
        const source = streamOf(over);

        const kept = await store.put(streamOf(fits), { maxBytes: limit });
        await assert.rejects(
          store.put(source, { maxBytes: limit }),
          (error: unknown) => {
            assert.ok(error instanceof TooLargeError);
            assert.equal(error.status, 413);
            assert.equal(error.code, 'FILE_TOO_LARGE');
            assert.equal(
              error.message,
              'The file is too large: files can be at most 1 MB',
            );
            return true;
          },
        );

        assert.equal(kept.size, limit);
        assert.equal(source.destroyed, true);
        assert.deepEqual(await blobRows(db, sha(over)), []);
        assert.equal(await chunkCount(db, sha(over)), 0);
        assert.equal(await store.has(sha(over)), false);
        assert.deepEqual(await tmpFiles(), []);
      });

      test('a range reads just those bytes', async () => {
        const bytes = randomBytes(CHUNK_BYTES + 50);
        const { sha256 } = await store.put(streamOf(bytes), {
          maxBytes: bytes.length,
        });
        const read = async (start: number, end: number) =>
          readAll(await store.open(sha256, { start, end }));

        assert.ok((await read(0, 0)).equals(bytes.subarray(0, 1)));
        assert.ok((await read(10, 19)).equals(bytes.subarray(10, 20)));
        const across = await read(CHUNK_BYTES - 10, CHUNK_BYTES + 9);
        assert.ok(
          across.equals(bytes.subarray(CHUNK_BYTES - 10, CHUNK_BYTES + 10)),
        );
        const last = bytes.length - 1;
        assert.ok((await read(last, last)).equals(bytes.subarray(last)));
      });

      test('a source that fails midway leaves nothing behind', async () => {
        const { db } = database();
        const before = await db
          .selectFrom('file_blobs')
          .select('sha256')
          .execute();
        const source = new Readable({
          read() {
            this.push(randomBytes(CHUNK_BYTES));
            this.destroy(new Error('connection reset'));
          },
        });

        await assert.rejects(
          store.put(source, { maxBytes: 10 * CHUNK_BYTES }),
          {
            message: 'connection reset',
          },
        );

        const rows = await db
          .selectFrom('file_blobs')
          .select('sha256')
          .execute();
        assert.deepEqual(rows, before);
        assert.deepEqual(await tmpFiles(), []);
      });

      test('an empty upload is a blob of no bytes', async () => {
        const stored = await store.put(streamOf(Buffer.alloc(0)), {
          maxBytes: 10,
        });

        assert.equal(stored.sha256, sha(Buffer.alloc(0)));
        assert.equal(stored.size, 0);
        assert.equal(stored.mime, 'application/octet-stream');
        assert.equal(
          (await readAll(await store.open(stored.sha256))).length,
          0,
        );
      });

      test('a Word file is told by its central directory', async () => {
        // The first entry is stored uncompressed and fills the sniffed head,
        // so only the directory at the end names `word/document.xml`.
        const filler = randomBytes(8192).toString('base64');
        const docx = Buffer.from(
          zipSync({
            '[Content_Types].xml': [strToU8(filler), { level: 0 }],
            'word/document.xml': strToU8('<w:document/>'),
          }),
        );

        const stored = await store.put(streamOf(docx), {
          maxBytes: docx.length,
        });

        assert.equal(stored.mime, DOCX);
      });

      test('removed bytes are gone, and opening them says so', async () => {
        const { db } = database();
        const bytes = randomBytes(3000);
        const { sha256 } = await store.put(streamOf(bytes), { maxBytes: 3000 });

        await store.remove(sha256);

        assert.equal(await store.has(sha256), false);
        assert.deepEqual(await blobRows(db, sha256), []);
        assert.equal(await chunkCount(db, sha256), 0);
        await assert.rejects(store.open(sha256), BlobMissingError);
        await assert.rejects(store.open('../../etc/passwd'), TypeError);
      });

      test('bytes a version still points at are not removed', async () => {
        const { db } = database();
        const bytes = randomBytes(2000);
        const stored = await store.put(streamOf(bytes), { maxBytes: 2000 });
        const now = new Date().toISOString();
        const file = await db
          .insertInto('files')
          .values({
            name: 'kept.bin',
            name_key: 'kept.bin',
            title: 'Kept',
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('file_versions')
          .values({
            file_id: file.id,
            number: 1,
            sha256: stored.sha256,
            size: stored.size,
            mime: stored.mime,
            original_name: 'kept.bin',
            created_at: now,
          })
          .execute();

        await assert.rejects(store.remove(stored.sha256), /foreign key/i);

        assert.equal(await store.has(stored.sha256), true);
        const back = await readAll(await store.open(stored.sha256));
        assert.ok(back.equals(bytes));
      });

      test('a 200 MB upload keeps memory flat', async (t) => {
        if (kind === 'database' && database().dialect === 'sqlite') {
          // This SQLite is in memory, so the chunks rightly grow the
          // process; PostgreSQL keeps them in its own.
          t.skip('the chunks of an in-memory database are in this process');
          return;
        }
        const piece = randomBytes(CHUNK_BYTES);
        const pieces = 200;
        const source = Readable.from(
          (function* () {
            for (let n = 0; n < pieces; n += 1) {
              yield piece;
            }
          })(),
          { objectMode: false },
        );
        const hash = createHash('sha256');
        for (let n = 0; n < pieces; n += 1) {
          hash.update(piece);
        }
        const baseline = process.memoryUsage.rss();
        let peak = baseline;
        const sampler = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage.rss());
        }, 10);

        const stored = await store.put(source, {
          maxBytes: pieces * CHUNK_BYTES,
        });
        clearInterval(sampler);

        assert.equal(stored.size, pieces * CHUNK_BYTES);
        assert.equal(stored.sha256, hash.digest('hex'));
        const grewMb = (peak - baseline) / CHUNK_BYTES;
        assert.ok(grewMb < 64, `memory grew by ${grewMb.toFixed(0)} MB`);
        await store.remove(stored.sha256);
      });
    });
  });
}
