import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PdfError } from './pdf-error.ts';
import { TextCollector } from './text-collector.ts';

// PDFs through pdf.js, the legacy build that runs on Node 20. On Node it
// needs no worker of its own set up: it loads its worker module into the
// calling thread (its "fake worker"). The job calls these functions
// through ./pdf-thread.ts, so that thread is one made for the document.
// Each document is read with scripts and font loading off, a cap on the
// pixels of any image in it, and a deadline after which the document is
// destroyed.

/** Pages whose text is read; past this, the rest is not indexed. */
export const MAX_PDF_PAGES = 500;
/** Time allowed for one document's text or thumbnail. */
const DEADLINE_MS = 60_000;
/** Pixels of one image inside a PDF that pdf.js will decode. */
const MAX_IMAGE_PIXELS = 16 * 1024 * 1024;

const pdfjsRoot = dirname(
  createRequire(import.meta.url).resolve('pdfjs-dist/package.json'),
);

async function withPdf<T>(
  bytes: Uint8Array,
  work: (pdf: PDFDocumentProxy) => Promise<T>,
): Promise<T> {
  const task = getDocument({
    // pdf.js may take the buffer over; it gets a copy of its own.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: 0,
    standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
    cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
    cMapPacked: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new PdfError(`not read within ${DEADLINE_MS / 1000} s`));
    }, DEADLINE_MS);
  });
  try {
    return await Promise.race([task.promise.then(work), deadline]);
  } catch (error) {
    throw error instanceof PdfError
      ? error
      : new PdfError(`pdf.js could not read it: ${String(error)}`);
  } finally {
    clearTimeout(timer);
    await task.destroy();
  }
}

/** The text of every page up to MAX_PDF_PAGES, pages apart by a blank line. */
export async function pdfText(
  bytes: Uint8Array,
  collector = new TextCollector(),
): Promise<string> {
  return withPdf(bytes, async (pdf) => {
    const pages = Math.min(pdf.numPages, MAX_PDF_PAGES);
    for (let number = 1; number <= pages && !collector.full; number += 1) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      for (const item of content.items) {
        if ('str' in item) {
          collector.add(item.str);
          collector.add(item.hasEOL ? '\n' : '');
        }
      }
      collector.add('\n\n');
      page.cleanup();
    }
    return collector.text();
  });
}

/**
 * The first page drawn to fit inside `box` pixels, as PNG; null when the
 * page has no area to draw.
 */
export async function pdfThumbnail(
  bytes: Uint8Array,
  box: number,
): Promise<Buffer | null> {
  return withPdf(bytes, async (pdf) => {
    const page = await pdf.getPage(1);
    const natural = page.getViewport({ scale: 1 });
    const longest = Math.max(natural.width, natural.height);
    if (!(longest > 0) || !Number.isFinite(longest)) {
      return null;
    }
    const viewport = page.getViewport({ scale: box / longest });
    const width = Math.max(1, Math.min(box, Math.round(viewport.width)));
    const height = Math.max(1, Math.min(box, Math.round(viewport.height)));
    const canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    // A page is white where nothing is drawn, not transparent.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    type RenderParameters = Parameters<typeof page.render>[0];
    await page.render({
      // pdf.js is typed for the DOM's canvas; @napi-rs/canvas draws the same calls.
      canvasContext: context as unknown as RenderParameters['canvasContext'],
      viewport,
    }).promise;
    page.cleanup();
    return canvas.encode('png');
  });
}
