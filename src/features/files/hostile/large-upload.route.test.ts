import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildCaller, buildGroup } from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';

// The first "must show": a 200 MiB upload through a real socket
// keeps the server's memory flat and comes back byte for byte, and an
// upload over the limit is refused before it is stored. SQLite runs the
// disk store and PostgreSQL the database store, so both stores stream.
// The server runs in this process, so its RSS is ours.

const MiB = 1024 * 1024;
const BIG_BYTES = 200 * MiB;
const LIMIT_BYTES = 210 * MiB;
const CHUNK_BYTES = 64 * 1024;
const MAX_GROWTH = 100 * MiB;
const PORTS = { sqlite: 3451, postgres: 3452 } as const;

/** Reads the peak RSS every 50 ms until stopped. */
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/**
 * `bytes` made on the fly, 64 KiB at a time, each chunk a random block
 * with its number written in, hashed as it is handed out. Only one
 * chunk is ever held.
 */
function generatedBody(bytes: number): {
  stream: Readable;
  sha256: () => string;
} {
  const block = randomBytes(CHUNK_BYTES);
  const hash = createHash('sha256');
  let sent = 0;
  let index = 0;
  const stream = new Readable({
    read() {
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      const size = Math.min(CHUNK_BYTES, bytes - sent);
      const chunk = Buffer.from(block.subarray(0, size));
      chunk.writeUInt32BE(index, 0);
      index += 1;
      sent += size;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Bytes of the request body written before the answer came. */
  sentBeforeAnswer: number;
}

/**
 * Sends `body` and resolves with the answer, even when the server
 * answers early and closes the connection while the body is still going.
 */
function post(
  url: string,
  headers: OutgoingHttpHeaders,
  body: Readable,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const outgoing = request(url, { method: 'POST', headers });
    outgoing.on('response', (response) => {
      const sentBeforeAnswer = sent;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        body.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
          sentBeforeAnswer,
        });
      });
    });
    outgoing.on('error', (error) => {
      body.destroy();
      reject(error);
    });
    body.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (!outgoing.write(chunk)) {
        body.pause();
        outgoing.once('drain', () => body.resume());
      }
    });
    body.on('end', () => outgoing.end());
  });
}

/** Downloads `url`, hashing as the bytes arrive. */
function download(
  url: string,
  headers: OutgoingHttpHeaders,
): Promise<{ status: number; size: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers }, (response) => {
      const hash = createHash('sha256');
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          size,
          sha256: hash.digest('hex'),
        }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

await describeEachDatabase(
  'a 200 MiB upload over a real socket',
  (database) => {
    let dataDir: string;
    let app: FastifyInstance;
    let origin: string;
    let member: ApiCaller;
    let slug: string;

    before(async () => {
      const { db, dialect } = database();
      dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-large-'));
      app = await buildTestApp(database(), {
        DATA_DIR: dataDir,
        FILE_MAX_BYTES: String(LIMIT_BYTES),
        FILE_STORAGE: dialect === 'sqlite' ? 'disk' : 'database',
      });
      const port = PORTS[dialect];
      await app.listen({ host: '127.0.0.1', port });
      origin = `http://127.0.0.1:${port}`;
      member = await buildCaller(db, { displayName: 'Lara Large' });
      slug = (await buildGroup(db, member.id)).slug;
    });

    after(async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    /** What the store holds: blob rows, chunk rows, blob and temp files. */
    async function stored() {
      const { db } = database();
      const count = async (table: 'file_blobs' | 'file_blob_chunks') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const files = async (folder: string) => {
        try {
          return await readdir(join(dataDir, 'files', folder), {
            recursive: true,
          });
        } catch {
          return [];
        }
      };
      return {
        blobRows: await count('file_blobs'),
        chunkRows: await count('file_blob_chunks'),
        blobFiles: (await files('blobs')).filter((f) =>
          /[0-9a-f]{64}$/.test(f),
        ),
        tmpFiles: await files('tmp'),
      };
    }

    it('stores 200 MiB with RSS up under 100 MiB, and returns it intact', async (t) => {
      const body = generatedBody(BIG_BYTES);
      const baseline = process.memoryUsage().rss;
      const sampler = sampleRss();
      const started = Date.now();
      const answer = await post(
        `${origin}/api/v1/groups/${slug}/files?name=big.bin`,
        {
          authorization: member.authorization,
          'content-type': 'application/octet-stream',
          'content-length': BIG_BYTES,
        },
        body.stream,
      );
      const uploadPeak = sampler.stop();
      assert.equal(answer.status, 201, answer.body);
      const [item] = JSON.parse(answer.body).items;
      assert.deepEqual([item.name, item.size], ['big.bin', BIG_BYTES]);
      const growth = uploadPeak - baseline;
      assert.ok(
        growth < MAX_GROWTH,
        `RSS grew by ${Math.round(growth / MiB)} MiB during the upload`,
      );

      const downloadSampler = sampleRss();
      const got = await download(`${origin}/files/${item.id}/download`, {
        authorization: member.authorization,
      });
      const downloadGrowth = downloadSampler.stop() - baseline;
      t.diagnostic(
        `RSS growth: ${(growth / MiB).toFixed(1)} MiB uploading, ` +
          `${(downloadGrowth / MiB).toFixed(1)} MiB downloading`,
      );
      assert.deepEqual(
        [got.status, got.size, got.sha256],
        [200, BIG_BYTES, body.sha256()],
      );
      // Reading from the disk store is flat. From the database store,
      // PostgreSQL's driver decodes each 1 MiB chunk from a 2 MiB hex
      // string, and how much of that garbage is collected before a sample
      // varies from run to run (39 to 122 MiB seen), so it is only shown.
      if (database().dialect === 'sqlite') {
        assert.ok(
          downloadGrowth < MAX_GROWTH,
          `RSS grew by ${Math.round(downloadGrowth / MiB)} MiB by the download`,
        );
      }
      assert.ok(Date.now() - started < 60_000, 'took a minute or more');
      assert.deepEqual((await stored()).tmpFiles, []);
    });

    it(
      'refuses a Content-Length over the limit with 413 before reading the body',
      { timeout: 10_000 },
      async () => {
        const before = await stored();
        // One chunk and then nothing, never ending: a server that waited for
        // the body would never answer, and the test would time out.
        const body = new Readable({ read() {} });
        body.push(randomBytes(CHUNK_BYTES));
        const answer = await post(
          `${origin}/api/v1/groups/${slug}/files?name=too-big.bin`,
          {
            authorization: member.authorization,
            'content-type': 'application/octet-stream',
            'content-length': LIMIT_BYTES + 1,
          },
          body,
        );
        assert.equal(answer.status, 413);
        // The wording is the feature's; the limit must be in it.
        const { error } = JSON.parse(answer.body);
        assert.equal(error.code, 'FILE_TOO_LARGE');
        assert.match(error.message, /\b210 MB\b/);
        assert.equal(answer.sentBeforeAnswer, CHUNK_BYTES);
        assert.deepEqual(await stored(), before);
      },
    );

    it('refuses a chunked body that passes the limit, keeping nothing of it', async () => {
      const before = await stored();
      const body = generatedBody(LIMIT_BYTES + MiB);
      const answer = await post(
        `${origin}/api/v1/groups/${slug}/files?name=endless.bin`,
        {
          authorization: member.authorization,
          'content-type': 'application/octet-stream',
          'transfer-encoding': 'chunked',
        },
        body.stream,
      );
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error.code, 'FILE_TOO_LARGE');
      assert.deepEqual(await stored(), before);
      const { db } = database();
      const files = await db
        .selectFrom('files')
        .select('name')
        .orderBy('id')
        .execute();
      assert.deepEqual(files, [{ name: 'big.bin' }]);
    });

    it('refuses a form whose file passes the limit, keeping nothing of it', async () => {
      const before = await stored();
      const boundary = 'hostileboundary42';
      const file = generatedBody(LIMIT_BYTES + MiB);
      const form = Readable.from(
        (async function* () {
          yield Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
              `filename="form.bin"\r\nContent-Type: image/png\r\n\r\n`,
          );
          yield* file.stream;
          yield Buffer.from(`\r\n--${boundary}--\r\n`);
        })(),
      );
      const answer = await post(
        `${origin}/api/v1/groups/${slug}/files`,
        {
          authorization: member.authorization,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'transfer-encoding': 'chunked',
        },
        form,
      );
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error.code, 'FILE_TOO_LARGE');
      assert.deepEqual(await stored(), before);
    });

    for (const how of ['raw', 'form'] as const) {
      it(`keeps nothing of a ${how} upload the client abandons halfway`, async () => {
        const before = await stored();
        const boundary = 'abandonedboundary';
        const raw = how === 'raw';
        const outgoing = request(
          `${origin}/api/v1/groups/${slug}/files?name=abandoned.bin`,
          {
            method: 'POST',
            headers: {
              authorization: member.authorization,
              'content-type': raw
                ? 'application/octet-stream'
                : `multipart/form-data; boundary=${boundary}`,
              'content-length': 64 * MiB,
            },
          },
        );
        const closed = new Promise((resolve) => outgoing.on('close', resolve));
        outgoing.on('error', () => undefined);
        if (!raw) {
          outgoing.write(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
              `filename="abandoned.bin"\r\n\r\n`,
          );
        }
        const part = generatedBody(8 * MiB);
        for await (const chunk of part.stream) {
          if (!outgoing.write(chunk)) {
            await new Promise((resolve) => outgoing.once('drain', resolve));
          }
        }
        // Give the server time to store what it got, then hang up.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const during = await stored();
        assert.equal(during.tmpFiles.length, 1, 'the upload was not stored');
        outgoing.destroy();
        await closed;
        let now = await stored();
        for (let wait = 0; wait < 50 && !sameStore(now, before); wait += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          now = await stored();
        }
        assert.deepEqual(now, before);
      });
    }
  },
);

function sameStore(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
