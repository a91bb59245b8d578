import assert from 'node:assert/strict';
import { it } from 'node:test';
import { extractText } from '../process/extract.ts';
import { pdfRenditions } from '../process/renditions.ts';
import { bufferSource } from '../process/source.ts';
import { buildPdfFlateBomb } from './hostile-files.ts';

// A PDF is a zip bomb's cousin: its streams are Flate-compressed, and
// pdf.js inflates a content stream whole into typed arrays before it
// reads a word. The PDF thread's heap limit (../process/pdf-thread.ts)
// does not count typed arrays, which live outside the heap, and a worker
// thread shares the server's process: so the PDF's streams must be held
// to a budget before pdf.js sees them (a 1 MB PDF once grew it 1.7 GiB).

const MiB = 1024 * 1024;
/** The PDF thread's heap limit, with room for pdf.js and the canvas. */
const MAX_GROWTH = 768 * MiB;

/** How `work` ended, and how far the RSS rose above where it began. */
async function peakRssDuring(
  work: () => Promise<unknown>,
): Promise<{ growth: number; error: string }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  let error = '';
  try {
    await work();
  } catch (thrown) {
    error = String(thrown);
  } finally {
    clearInterval(timer);
  }
  return { growth: Math.max(peak, process.memoryUsage().rss) - base, error };
}

it('refuses a 1 MB PDF inflating to 1 GiB, within the PDF memory limit', async (t) => {
  const pdf = await buildPdfFlateBomb(1024);
  assert.ok(pdf.length < 1.1 * MiB, `${pdf.length} bytes`);
  // The thumbnail first: memory freed after one is not given back at
  // once, so the second reading can only understate its growth.
  const thumbnail = await peakRssDuring(() => pdfRenditions(pdf));
  const text = await peakRssDuring(() =>
    extractText(bufferSource(pdf), 'application/pdf'),
  );
  t.diagnostic(
    `RSS growth: ${Math.round(text.growth / MiB)} MiB reading the text, ` +
      `${Math.round(thumbnail.growth / MiB)} MiB drawing the thumbnail`,
  );
  const refusal = 'PdfError: its compressed contents expand past 256 MiB';
  for (const [what, outcome] of [
    ['text', text],
    ['thumbnail', thumbnail],
  ] as const) {
    assert.equal(outcome.error, refusal, what);
    assert.ok(
      outcome.growth < MAX_GROWTH,
      `${Math.round(outcome.growth / MiB)} MiB for the ${what}`,
    );
  }
});
