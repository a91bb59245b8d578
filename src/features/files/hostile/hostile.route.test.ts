import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { runJobs } from '../../../platform/jobs.ts';
import { openBlobStore } from '../../../platform/storage/index.ts';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildCaller, buildGroup } from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';
import { multipart } from '../files-testing.ts';
import { processFilesJob } from '../process/job.ts';
import { PROCESS_JOB } from '../versions.ts';
import {
  assertOnlyStoreWritten,
  assertServedSafely,
  listTree,
} from './checks.ts';
import { buildHostileFiles } from './hostile-files.ts';
import type { HostileFile } from './hostile-files.ts';

// Hostile files through the real app on both databases: each is stored
// under its cleaned name with its type taken from its bytes, comes back
// byte for byte as an attachment that runs nothing, goes through the
// files.process job without breaking it, and leaves nothing on disk but
// blobs named by their hashes.

const hostile = await buildHostileFiles();
const MAX_BYTES = 8 * 1024 * 1024;

/** What the upload answered for one hostile file. */
interface Uploaded {
  file: HostileFile;
  id: number;
}

/** How each hostile file's processing should end. */
function expectedStatus(file: HostileFile): string {
  if (['bomb.docx', 'inflating.pdf'].includes(file.storedName)) {
    return 'failed';
  }
  // Plain text, the PDF and the laughing docx have words to read.
  const read =
    file.sniffed === 'text/plain' ||
    ['report.pdf', 'laughs.docx'].includes(file.storedName);
  return read ? 'done' : 'none';
}

/** The renditions the job makes: the real raster images, and the PDF. */
const EXPECTED_RENDITIONS = [
  '<img src=x onerror=alert(1)>.png display',
  '<img src=x onerror=alert(1)>.png thumbnail',
  'appended.png display',
  'appended.png thumbnail',
  'polyglot.gif display',
  'polyglot.gif thumbnail',
  'report.pdf thumbnail',
  'x.png display',
  'x.png thumbnail',
].sort();

await describeEachDatabase('hostile files', (database) => {
  let root: string;
  let dataDir: string;
  let app: FastifyInstance;
  let member: ApiCaller;
  let slug: string;
  let treeBefore: string[];
  const uploaded: Uploaded[] = [];
  const refused: HostileFile[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'civilmedia-hostile-'));
    // Deep enough that `../../` from the store's folders stays in root.
    dataDir = 'a/b/c/data';
    await mkdir(join(root, dataDir), { recursive: true });
    treeBefore = await listTree(root);
    const { db } = database();
    app = await buildTestApp(database(), {
      DATA_DIR: join(root, dataDir),
      FILE_MAX_BYTES: String(MAX_BYTES),
      FILE_STORAGE: fileStorage(),
    });
    member = await buildCaller(db, { displayName: 'Hana Hostile' });
    slug = (await buildGroup(db, member.id, { visibility: 'secret' })).slug;
  });

  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  /** SQLite runs the disk store and PostgreSQL the database store. */
  function fileStorage(): 'disk' | 'database' {
    return database().dialect === 'sqlite' ? 'disk' : 'database';
  }

  function send(file: HostileFile): Promise<LightMyRequestResponse> {
    const url = `/api/v1/groups/${slug}/files`;
    const authorization = member.authorization;
    if (file.upload.via === 'raw') {
      const name = encodeURIComponent(file.upload.name);
      return app.inject({
        method: 'POST',
        url: `${url}?name=${name}`,
        headers: { authorization, 'content-type': 'application/octet-stream' },
        payload: file.bytes,
      });
    }
    const body = multipart([
      {
        name: 'file',
        filename: file.upload.filename,
        type: file.upload.type,
        content: file.bytes,
      },
    ]);
    return app.inject({
      method: 'POST',
      url,
      headers: { authorization, 'content-type': body.contentType },
      payload: body.payload,
    });
  }

  const get = (url: string) =>
    app.inject({ url, headers: { authorization: member.authorization } });

  it(`keeps all ${hostile.length} hostile files, cleanly named and typed by bytes`, async () => {
    assert.ok(hostile.length >= 20);
    for (const file of hostile) {
      const response = await send(file);
      if (file.refusal !== undefined && response.statusCode === 422) {
        assert.deepEqual(
          response.json().error,
          {
            code: 'VALIDATION_FAILED',
            message: 'Some of the values are not valid',
            fields: { name: file.refusal },
          },
          file.label,
        );
        refused.push(file);
        continue;
      }
      assert.equal(response.statusCode, 201, `${file.label}: ${response.body}`);
      const [item] = response.json().items;
      assert.deepEqual(
        [item.name, item.type, item.size, item.version, item.created],
        [file.storedName, file.sniffed, file.bytes.length, 1, true],
        file.label,
      );
      uploaded.push({ file, id: item.id });
    }
  });

  it('sends every one back byte for byte as an attachment that runs nothing', async () => {
    assert.equal(uploaded.length + refused.length, hostile.length);
    assert.ok(uploaded.length >= 20);
    for (const { file, id } of uploaded) {
      const urls = [
        `/files/${id}/download`,
        `/files/${id}/versions/1/download`,
        `/api/v1/groups/${slug}/files/${id}/versions/1/content`,
      ];
      for (const url of urls) {
        const response = await get(url);
        const context = `${file.label} at ${url}`;
        assert.equal(response.statusCode, 200, context);
        assertServedSafely(response.headers, 'attachment', context);
        assert.ok(response.rawPayload.equals(file.bytes), context);
        assert.equal(response.headers['set-cookie'], undefined, context);
      }
    }
  });

  it('names each download in a header that nothing can break out of', async () => {
    const disposition = async (label: string) => {
      const found = uploaded.find((each) => each.file.label === label);
      assert.ok(found, label);
      const response = await get(`/files/${found.id}/download`);
      return response.headers['content-disposition'];
    };
    assert.equal(
      await disposition('a name with quotes and CRLF'),
      'attachment; filename="report_Set-Cookie: sid=stolen<b>.txt"; ' +
        "filename*=UTF-8''report%22Set-Cookie%3A%20sid%3Dstolen%3Cb%3E.txt",
    );
    assert.equal(
      await disposition('a name climbing out with ../'),
      `attachment; filename="passwd"; filename*=UTF-8''passwd`,
    );
    assert.equal(
      await disposition('a name with a bidi override'),
      `attachment; filename="invoicegpj.exe"; filename*=UTF-8''invoicegpj.exe`,
    );
    assert.equal(
      await disposition('the SVG named .png'),
      `attachment; filename="diagram.png"; filename*=UTF-8''diagram.png`,
    );
  });

  const idOf = (label: string): number => {
    const found = uploaded.find((each) => each.file.label === label);
    assert.ok(found, label);
    return found.id;
  };

  it('keeps the safety headers on HEAD, on a byte range and on a 304', async () => {
    const id = idOf('BUG-09 SVG');
    const svg = hostile[0]?.bytes ?? Buffer.alloc(0);
    const url = `/files/${id}/download`;
    const headers = { authorization: member.authorization };
    const head = await app.inject({ method: 'HEAD', url, headers });
    assertServedSafely(head.headers, 'attachment', 'HEAD');
    assert.equal(head.headers['content-length'], String(svg.length));
    assert.equal(head.body, '');

    const range = await app.inject({
      url,
      headers: { ...headers, range: 'bytes=0-3' },
    });
    assert.equal(range.statusCode, 206);
    assertServedSafely(range.headers, 'attachment', 'range');
    assert.equal(range.body, '<svg');

    const etag = String(range.headers.etag);
    const again = await app.inject({
      url,
      headers: { ...headers, 'if-none-match': etag },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers['x-content-type-options'], 'nosniff');
    assert.match(String(again.headers['content-security-policy']), /sandbox/);
    assert.equal(again.body, '');
  });

  it('shows a markup name as text on the file, folder and search pages', async () => {
    const id = idOf('a name that is markup');
    const escaped = /&lt;img src=x onerror=alert\(1\)&gt;\.png/;
    for (const url of [`/files/${id}`, `/groups/${slug}/files?pageSize=100`]) {
      const page = await get(url);
      assert.equal(page.statusCode, 200, url);
      assert.ok(
        !page.body.includes('<img src=x onerror'),
        `raw markup in ${url}`,
      );
      assert.match(page.body, escaped, url);
    }
  });

  it('cleans a name given in a rename as it cleans an upload', async () => {
    const id = idOf('a text file with NULs');
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/groups/${slug}/files/${id}`,
      headers: { authorization: member.authorization },
      payload: { name: '..\\../evil\r\n\u202e.html' },
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.deepEqual(
      [renamed.json().name, renamed.json().type],
      ['evil.html', 'application/octet-stream'],
    );
    const response = await get(`/files/${id}/download`);
    assertServedSafely(response.headers, 'attachment', 'renamed');
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="evil.html"; filename*=UTF-8''evil.html`,
    );
    assert.equal(response.headers['content-type'], 'application/octet-stream');
  });

  it('runs files.process for each to an end, recording done, none or failed', async () => {
    const { db } = database();
    const config = {
      dataDir: join(root, dataDir),
      fileStorage: fileStorage(),
    };
    const handlers = {
      [PROCESS_JOB]: processFilesJob((on) => openBlobStore(config, on)),
    };
    const ran = await runJobs(db, handlers, { workerId: 'hostile' });
    assert.equal(ran, uploaded.length);
    const jobs = await db
      .selectFrom('jobs')
      .select(['state', 'attempts'])
      .where('type', '=', PROCESS_JOB)
      .execute();
    assert.deepEqual(
      jobs,
      uploaded.map(() => ({ state: 'done', attempts: 1 })),
    );
    const statuses = await db
      .selectFrom('file_versions')
      .innerJoin('files', 'files.id', 'file_versions.file_id')
      .select([
        'file_versions.original_name as name',
        'file_versions.text_status',
      ])
      .orderBy('file_versions.id')
      .execute();
    assert.deepEqual(
      Object.fromEntries(statuses.map((row) => [row.name, row.text_status])),
      Object.fromEntries(
        uploaded.map(({ file }) => [file.storedName, expectedStatus(file)]),
      ),
    );
    // Entities a document declares are left as written, never expanded.
    const laughing = await db
      .selectFrom('file_texts')
      .innerJoin('file_versions', 'file_versions.id', 'file_texts.version_id')
      .select('file_texts.text')
      .where('file_versions.original_name', '=', 'laughs.docx')
      .executeTakeFirstOrThrow();
    assert.equal(laughing.text, 'Laughing &lol9; stops here');
  });

  it('shows a markup name as text in search results once indexed', async () => {
    const page = await get('/search?q=onerror');
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<img src=x'), 'raw markup');
    assert.match(
      page.body,
      /&lt;img src=x <mark>onerror<\/mark>=alert\(1\)&gt;\.png/,
    );
  });

  it('shows markup in extracted text as text in search results', async () => {
    const api = await get('/api/v1/search?q=gannetmark');
    assert.equal(api.json().total, 1);
    const [item] = api.json().items;
    assert.equal(item.id, idOf('plain text with markup past the sniffed head'));
    assert.ok(!item.snippetHtml.includes('<img'), item.snippetHtml);
    assert.ok(!item.snippetHtml.includes('<script'), item.snippetHtml);
    const page = await get('/search?q=gannetmark');
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<img src=x'), 'raw markup');
    assert.ok(!page.body.includes('<script>alert'), 'raw script');
    assert.match(page.body, /<mark>Gannetmark<\/mark> &lt;img src=x onerror/);
  });

  it('shows previews only as re-encoded images, without what was hidden', async () => {
    const shown: string[] = [];
    const originals: string[] = [];
    for (const { file, id } of uploaded) {
      for (const kind of ['display', 'thumbnail']) {
        const response = await get(`/files/${id}/${kind}`);
        const context = `${file.label} ${kind}`;
        if (response.statusCode === 404) {
          continue;
        }
        assert.equal(response.statusCode, 200, context);
        const disposition = String(response.headers['content-disposition']);
        if (kind === 'display' && disposition.startsWith('attachment')) {
          // A raster image no copy could be drawn of: its original, as a
          // download, which an <img> still shows.
          assertServedSafely(response.headers, 'attachment', context);
          assert.ok(response.rawPayload.equals(file.bytes), context);
          originals.push(file.storedName);
          continue;
        }
        assertServedSafely(response.headers, 'inline', context);
        // Thumbnails are PNG; a display copy is PNG or, when opaque, JPEG.
        const bytes = response.rawPayload;
        const magic =
          bytes.subarray(1, 4).toString() === 'PNG'
            ? 'image/png'
            : bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))
              ? 'image/jpeg'
              : 'unknown';
        assert.equal(response.headers['content-type'], magic, context);
        if (kind === 'thumbnail') {
          assert.equal(magic, 'image/png', context);
        }
        for (const hidden of ['<script', '<html', 'PK\u0003\u0004']) {
          assert.ok(!bytes.includes(hidden), `${context} holds ${hidden}`);
        }
        shown.push(`${file.storedName} ${kind}`);
      }
    }
    assert.deepEqual(shown.sort(), EXPECTED_RENDITIONS);
    assert.deepEqual(originals, ['huge.png']);
  });

  it('writes nothing but blobs named by their hashes, and leaves tmp empty', async () => {
    const added = assertOnlyStoreWritten(
      treeBefore,
      await listTree(root),
      dataDir,
    );
    const blobs = added.filter((path) => /[0-9a-f]{64}$/.test(path));
    if (fileStorage() === 'disk') {
      // Each upload's bytes, once, at the path its hash names.
      for (const { file } of uploaded) {
        const sha256 = createHash('sha256').update(file.bytes).digest('hex');
        const path = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
        const held = blobs.filter((blob) => blob.endsWith(path));
        assert.equal(held.length, 1, file.label);
      }
    } else {
      assert.deepEqual(blobs, []);
      const { db } = database();
      const chunks = await db
        .selectFrom('file_blob_chunks')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.ok(Number(chunks.n) >= 20, `only ${chunks.n} chunks`);
    }
    for (const file of hostile) {
      const names = [file.storedName, 'passwd', 'x.png', 'etc'];
      for (const name of names) {
        assert.ok(
          added.every((path) => !path.split('/').includes(name)),
          `${name} reached a path`,
        );
      }
    }
  });
});
