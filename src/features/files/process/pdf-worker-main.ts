import { parentPort, workerData } from 'node:worker_threads';
import { pdfText, pdfThumbnail } from './pdf.ts';
import type { PdfTask } from './pdf-thread.ts';

// The work of one PDF thread (./pdf-thread.ts): one task, one answer.

const { task, bytes, box } = workerData as PdfTask;
try {
  const result =
    task === 'text' ? await pdfText(bytes) : await pdfThumbnail(bytes, box);
  parentPort?.postMessage({ ok: true, result });
} catch (error) {
  parentPort?.postMessage({
    ok: false,
    message: error instanceof Error ? error.message : String(error),
  });
}
