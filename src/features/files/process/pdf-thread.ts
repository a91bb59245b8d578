import { Worker } from 'node:worker_threads';
import { PdfError } from './pdf-error.ts';
import { checkPdfInflation } from './pdf-inflation.ts';

// Each PDF is read in a worker thread of its own: pdf.js parses in
// JavaScript, and a hostile document could hold the thread it runs on
// (in `serve`, the one that answers requests) for as long as it likes.
// The thread has a heap limit, and is stopped outright at the deadline,
// even in the middle of a step that never yields. What the heap limit
// cannot hold, streams inflated into typed arrays, is checked before the
// thread starts (./pdf-inflation.ts).

/** What one PDF thread is asked to do. */
export interface PdfTask {
  task: 'text' | 'thumbnail';
  bytes: Uint8Array;
  /** The thumbnail's box, in pixels. */
  box: number;
}

/** The whole time one PDF thread may take, starting it included. */
const THREAD_DEADLINE_MS = 90_000;
const THREAD_HEAP_MB = 512;

type Answer =
  | { ok: true; result: string | Uint8Array | null }
  | { ok: false; message: string };

function inThread(task: PdfTask): Promise<string | Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pdf-worker.mjs', import.meta.url), {
      workerData: task,
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
    let settled = false;
    const settle = (
      error: PdfError | null,
      result?: string | Uint8Array | null,
    ) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (error) {
        reject(error);
      } else {
        resolve(result ?? null);
      }
    };
    const timer = setTimeout(() => {
      settle(new PdfError(`not read within ${THREAD_DEADLINE_MS / 1000} s`));
    }, THREAD_DEADLINE_MS);
    worker.on('message', (answer: Answer) => {
      if (answer.ok) {
        settle(null, answer.result);
      } else {
        settle(new PdfError(answer.message));
      }
    });
    worker.on('error', (error) => {
      settle(new PdfError(`the PDF reader failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      settle(new PdfError(`the PDF reader stopped (exit code ${code})`));
    });
  });
}

/** The text of a PDF (./pdf.ts pdfText), read in a thread of its own. */
export async function pdfTextInThread(bytes: Uint8Array): Promise<string> {
  await checkPdfInflation(bytes);
  const result = await inThread({ task: 'text', bytes, box: 0 });
  return typeof result === 'string' ? result : '';
}

/** A PDF's first page as PNG (./pdf.ts pdfThumbnail), in its own thread. */
export async function pdfThumbnailInThread(
  bytes: Uint8Array,
  box: number,
): Promise<Buffer | null> {
  await checkPdfInflation(bytes);
  const result = await inThread({ task: 'thumbnail', bytes, box });
  return result instanceof Uint8Array
    ? Buffer.from(result.buffer, result.byteOffset, result.byteLength)
    : null;
}
