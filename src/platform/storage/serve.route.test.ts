import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import helmet from '@fastify/helmet';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { BlobStore } from './blob-store.ts';
import { BLOB_CSP, sendStoredBlob } from './serve.ts';
import type { BlobToSend } from './serve.ts';

/** Blobs in memory: serving reads through `open` alone. */
function memoryStore(blobs: Buffer[]): BlobStore {
  const bySha = new Map(blobs.map((bytes) => [sha(bytes), bytes]));
  return {
    kind: 'disk',
    put: () => Promise.reject(new Error('not used')),
    has: async (sha256) => bySha.has(sha256),
    remove: async () => undefined,
    async open(sha256, range) {
      const bytes = bySha.get(sha256) ?? Buffer.alloc(0);
      const part = range ? bytes.subarray(range.start, range.end + 1) : bytes;
      return Readable.from([part]);
    },
  };
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const samples = {
  svg: Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
  ),
  page: Buffer.from('<html><script>alert(document.cookie)</script></html>'),
  png: Buffer.from('\x89PNG\r\n\x1a\n-rendition-', 'latin1'),
  text: Buffer.from('Minutes of the meeting\n'),
  pdf: Buffer.from('%PDF-1.7\n%%EOF\n'),
  original: Buffer.from('\x89PNG\r\n\x1a\n-as-uploaded-', 'latin1'),
};

type Sample = keyof typeof samples;

const sent: Record<Sample, Omit<BlobToSend, 'sha256' | 'size'>> = {
  svg: { mime: 'image/svg+xml', filename: 'logo.svg', inline: true },
  page: { mime: 'text/html', filename: 'cat.png', inline: true },
  png: { mime: 'image/png', filename: 'cat.png', inline: true },
  text: { mime: 'text/plain', filename: 'minutes.txt', inline: true },
  pdf: { mime: 'application/pdf', filename: 'report.pdf', inline: false },
  original: { mime: 'image/png', filename: 'cat.png', inline: false },
};

/** A bare app with the site's helmet, whose CSP the blob's must replace. */
async function buildServingApp(): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"] } },
  });
  const store = memoryStore(Object.values(samples));
  app.get<{ Params: { sample: Sample }; Querystring: { name?: string } }>(
    '/blobs/:sample',
    async (request, reply) => {
      const bytes = samples[request.params.sample];
      const options = sent[request.params.sample];
      return sendStoredBlob(reply, store, {
        ...options,
        sha256: sha(bytes),
        size: bytes.length,
        filename: request.query.name ?? options.filename,
      });
    },
  );
  return app;
}

function safetyHeaders(bytes: Buffer) {
  return {
    'x-content-type-options': 'nosniff',
    'content-security-policy': BLOB_CSP,
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'private, no-cache',
    etag: `"${sha(bytes)}"`,
    'accept-ranges': 'bytes',
  };
}

function pick(headers: Record<string, unknown>, names: string[]) {
  return Object.fromEntries(names.map((name) => [name, headers[name]]));
}

const EXPECTED = [
  'x-content-type-options',
  'content-security-policy',
  'cross-origin-resource-policy',
  'cache-control',
  'etag',
  'accept-ranges',
  'content-type',
  'content-disposition',
  'content-length',
];

describe('serving stored bytes', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildServingApp();
  });
  after(async () => {
    await app.close();
  });

  const cases: [Sample, string, string][] = [
    [
      'svg',
      'application/octet-stream',
      `attachment; filename="logo.svg"; filename*=UTF-8''logo.svg`,
    ],
    [
      'page',
      'application/octet-stream',
      `attachment; filename="cat.png"; filename*=UTF-8''cat.png`,
    ],
    [
      'png',
      'image/png',
      `inline; filename="cat.png"; filename*=UTF-8''cat.png`,
    ],
    [
      'text',
      'text/plain; charset=utf-8',
      `inline; filename="minutes.txt"; filename*=UTF-8''minutes.txt`,
    ],
    [
      'pdf',
      'application/pdf',
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    ],
    [
      'original',
      'image/png',
      `attachment; filename="cat.png"; filename*=UTF-8''cat.png`,
    ],
  ];
  for (const [sample, type, disposition] of cases) {
    test(`${sample} goes out as ${type}, ${disposition.split(';')[0]}`, async () => {
      const bytes = samples[sample];
      const response = await app.inject({ url: `/blobs/${sample}` });

      assert.equal(response.statusCode, 200);
      assert.deepEqual(pick(response.headers, EXPECTED), {
        ...safetyHeaders(bytes),
        'content-type': type,
        'content-disposition': disposition,
        'content-length': String(bytes.length),
      });
      assert.ok(response.rawPayload.equals(bytes));
    });
  }

  test('a 1,000-character name is cut, with an ASCII fallback', async () => {
    const name = `${'報告'.repeat(500)}.pdf`;
    const response = await app.inject({
      url: `/blobs/pdf?name=${encodeURIComponent(name)}`,
    });

    // 83 characters of three bytes each and ".pdf" fit in 255 bytes.
    const kept = '%E5%A0%B1%E5%91%8A'.repeat(41) + '%E5%A0%B1';
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="${'_'.repeat(83)}.pdf"; filename*=UTF-8''${kept}.pdf`,
    );
  });

  test('quotes, percent signs and line breaks cannot break out', async () => {
    const name = 'a"b%d\r\nSet-Cookie: x=1 (draft)*.txt';
    const response = await app.inject({
      url: `/blobs/text?name=${encodeURIComponent(name)}`,
    });

    assert.equal(
      response.headers['content-disposition'],
      `inline; filename="a_b_dSet-Cookie: x=1 (draft)*.txt"; ` +
        `filename*=UTF-8''a%22b%25dSet-Cookie%3A%20x%3D1%20%28draft%29%2A.txt`,
    );
    assert.equal(response.headers['set-cookie'], undefined);
  });

  test('a matching If-None-Match gets 304 and no body', async () => {
    const bytes = samples.pdf;
    const response = await app.inject({
      url: '/blobs/pdf',
      headers: { 'if-none-match': `"other", W/"${sha(bytes)}"` },
    });

    assert.equal(response.statusCode, 304);
    assert.equal(response.headers.etag, `"${sha(bytes)}"`);
    assert.equal(response.headers['content-security-policy'], BLOB_CSP);
    assert.equal(response.rawPayload.length, 0);
  });

  test('one range gets 206 with just those bytes', async () => {
    const bytes = samples.pdf;
    const response = await app.inject({
      url: '/blobs/pdf',
      headers: { range: 'bytes=2-5' },
    });

    assert.equal(response.statusCode, 206);
    assert.equal(
      response.headers['content-range'],
      `bytes 2-5/${bytes.length}`,
    );
    assert.equal(response.headers['content-length'], '4');
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    assert.equal(response.payload, 'DF-1');
  });

  test('a suffix range and an open-ended range read to the end', async () => {
    const bytes = samples.pdf;
    const suffix = await app.inject({
      url: '/blobs/pdf',
      headers: { range: 'bytes=-6' },
    });
    const open = await app.inject({
      url: '/blobs/pdf',
      headers: { range: 'bytes=9-' },
    });
    const past = await app.inject({
      url: '/blobs/pdf',
      headers: { range: 'bytes=9-999' },
    });

    const end = bytes.length - 1;
    assert.equal(
      suffix.headers['content-range'],
      `bytes ${end - 5}-${end}/${bytes.length}`,
    );
    assert.equal(suffix.payload, '%%EOF\n');
    assert.equal(
      open.headers['content-range'],
      `bytes 9-${end}/${bytes.length}`,
    );
    assert.equal(open.payload, '%%EOF\n');
    assert.equal(past.payload, '%%EOF\n');
  });

  test('a range past the end is unsatisfiable', async () => {
    const response = await app.inject({
      url: '/blobs/pdf',
      headers: { range: `bytes=${samples.pdf.length}-` },
    });

    assert.equal(response.statusCode, 416);
    assert.equal(
      response.headers['content-range'],
      `bytes */${samples.pdf.length}`,
    );
    assert.equal(response.rawPayload.length, 0);
  });

  test('several ranges, a bad range or a stale If-Range get the whole file', async () => {
    const headers = [
      { range: 'bytes=0-1,4-5' },
      { range: 'bytes=5-2' },
      { range: 'items=0-1' },
      { range: 'bytes=0-1', 'if-range': '"stale"' },
    ];
    for (const header of headers) {
      const response = await app.inject({ url: '/blobs/pdf', headers: header });
      assert.equal(response.statusCode, 200, JSON.stringify(header));
      assert.ok(response.rawPayload.equals(samples.pdf));
    }
  });

  test('HEAD gets the headers and no bytes', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/blobs/svg' });

    assert.equal(response.statusCode, 200);
    assert.equal(
      response.headers['content-length'],
      String(samples.svg.length),
    );
    assert.equal(response.headers['content-type'], 'application/octet-stream');
    assert.equal(response.rawPayload.length, 0);
  });
});
