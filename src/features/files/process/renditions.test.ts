import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { buildPdf } from './fixtures.ts';
import { imageRenditions, isRasterImage, pdfRenditions } from './renditions.ts';

const sizeOf = async (data: Buffer) => {
  const meta = await sharp(data).metadata();
  return { format: meta.format, width: meta.width, height: meta.height };
};

/** PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG whose header declares `side` × `side` grey pixels, with one row of data. */
function declaredPng(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(side + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('image renditions', () => {
  it('keeps transparency as PNG and fits both copies in their boxes', async () => {
    const png = await sharp({
      create: {
        width: 3000,
        height: 1000,
        channels: 4,
        background: '#ff000080',
      },
    })
      .png()
      .toBuffer();
    const { display, thumbnail } = await imageRenditions(png);
    assert.equal(display?.mime, 'image/png');
    assert.deepEqual(await sizeOf(display!.data), {
      format: 'png',
      width: 2048,
      height: 683,
    });
    assert.deepEqual(await sizeOf(thumbnail!.data), {
      format: 'png',
      width: 320,
      height: 107,
    });
  });

  it('turns a photo upright and drops its metadata', async () => {
    const jpeg = await sharp({
      create: { width: 400, height: 300, channels: 3, background: '#336699' },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Copyright: 'where-it-was-taken' } })
      .toBuffer();
    assert.ok(jpeg.includes('where-it-was-taken'));
    const { display } = await imageRenditions(jpeg);
    assert.equal(display?.mime, 'image/jpeg');
    const meta = await sharp(display!.data).metadata();
    assert.deepEqual(
      [meta.width, meta.height, meta.orientation, meta.exif],
      [300, 400, undefined, undefined],
    );
    assert.equal(display!.data.includes('where-it-was-taken'), false);
  });

  it('never enlarges a small image, and keeps a GIF that may be clear as PNG', async () => {
    const gif = await sharp({
      create: { width: 40, height: 30, channels: 3, background: '#00ff00' },
    })
      .gif()
      .toBuffer();
    const { display, thumbnail } = await imageRenditions(gif);
    assert.deepEqual(await sizeOf(display!.data), {
      format: 'png',
      width: 40,
      height: 30,
    });
    assert.deepEqual(await sizeOf(thumbnail!.data), {
      format: 'png',
      width: 40,
      height: 30,
    });
  });

  it('refuses a PNG declaring 30000 × 30000 pixels without decoding it', async () => {
    const bomb = declaredPng(30_000);
    assert.ok(bomb.length < 2000, `the bomb is ${bomb.length} bytes`);
    const before = process.memoryUsage().rss;
    await assert.rejects(
      imageRenditions(bomb),
      /more than 50000000 pixels to draw/,
    );
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 100 * 1024 * 1024, `memory grew by ${grown} bytes`);
  });

  it('keeps nothing but the pixels of a polyglot image', async () => {
    const png = await sharp({
      create: { width: 20, height: 20, channels: 3, background: '#123456' },
    })
      .png()
      .toBuffer();
    const tail = '<html><script>alert(document.cookie)</script></html>';
    const polyglot = Buffer.concat([png, Buffer.from(tail)]);
    const { display, thumbnail } = await imageRenditions(polyglot);
    assert.equal(display?.data.includes('<script'), false);
    assert.equal(thumbnail?.data.includes('<script'), false);
    assert.deepEqual(await sizeOf(display!.data), {
      format: 'jpeg',
      width: 20,
      height: 20,
    });
    assert.deepEqual(await sizeOf(thumbnail!.data), {
      format: 'png',
      width: 20,
      height: 20,
    });
  });

  it('never draws an SVG, even one sent as an image', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
        '<script>alert(1)</script><rect width="10" height="10"/></svg>',
    );
    assert.equal(isRasterImage('image/svg+xml'), false);
    await assert.rejects(
      imageRenditions(svg),
      /not a raster image drawn here: svg/,
    );
  });
});

describe('PDF thumbnails', () => {
  it("draws a PDF's first page as a PNG within 320 pixels", async () => {
    const pdf = buildPdf([['First page'], ['Second page']], {
      width: 600,
      height: 800,
    });
    const { display, thumbnail } = await pdfRenditions(pdf);
    assert.equal(display, null);
    assert.equal(thumbnail?.mime, 'image/png');
    assert.deepEqual(await sizeOf(thumbnail!.data), {
      format: 'png',
      width: 240,
      height: 320,
    });
    const { channels } = await sharp(thumbnail!.data).stats();
    // White paper with dark words: the darkest pixel is well below white.
    assert.ok((channels[0]?.min ?? 255) < 128);
  });
});
