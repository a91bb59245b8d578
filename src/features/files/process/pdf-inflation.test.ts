import assert from 'node:assert/strict';
import { it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { buildPdf } from './fixtures.ts';
import { PdfError } from './pdf-error.ts';
import { checkPdfInflation } from './pdf-inflation.ts';

// A PDF is refused before pdf.js reads it when its Flate streams inflate
// past the cap, counted as they inflate; ordinary PDFs pass.

const MiB = 1024 * 1024;

function pdfWithStreams(streams: Buffer[], filter = '/FlateDecode'): Buffer {
  const parts = streams.map((data, i) =>
    Buffer.concat([
      Buffer.from(
        `${i + 1} 0 obj\n<< /Length ${data.length} /Filter ${filter} >>\nstream\r\n`,
      ),
      data,
      Buffer.from('\nendstream\nendobj\n'),
    ]),
  );
  return Buffer.concat([
    Buffer.from('%PDF-1.7\n'),
    ...parts,
    Buffer.from('%%EOF\n'),
  ]);
}

it('lets an ordinary PDF through', async () => {
  await checkPdfInflation(buildPdf([['Agenda'], ['Minutes']]));
});

it('refuses streams that together inflate past the cap, and counts each', async () => {
  const half = deflateSync(Buffer.alloc(3 * MiB, 0x20));
  await checkPdfInflation(pdfWithStreams([half]), 4 * MiB);
  await assert.rejects(
    checkPdfInflation(pdfWithStreams([half, half]), 4 * MiB),
    (error: unknown) =>
      error instanceof PdfError &&
      error.message === 'its compressed contents expand past 4 MiB',
  );
});

it('counts the short filter name, and leaves other filters to pdf.js', async () => {
  const big = deflateSync(Buffer.alloc(5 * MiB, 0x20));
  await assert.rejects(
    checkPdfInflation(pdfWithStreams([big], '/Fl'), 4 * MiB),
  );
  await checkPdfInflation(pdfWithStreams([big], '/DCTDecode'), 4 * MiB);
});

it('leaves a stream that does not inflate to pdf.js', async () => {
  await checkPdfInflation(pdfWithStreams([Buffer.from('not deflate data')]), 4);
});
