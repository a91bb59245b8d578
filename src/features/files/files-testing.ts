import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import type { TestDatabase } from '../../test-support/databases.ts';

// What the files route tests share: an app whose files go to a folder of
// their own with small limits, and multipart bodies built by hand, as a
// browser sends them.

/** The per-file limit and group quota the test app runs with. */
export const TEST_FILE_MAX_BYTES = 2000;
export const TEST_GROUP_QUOTA_BYTES = 5000;

/**
 * The app with its files under a new temporary folder; `settings`
 * replace the test limits (e.g. a quota smaller than the per-file limit).
 */
export async function buildFilesApp(
  database: TestDatabase,
  settings: Record<string, string> = {},
): Promise<{ app: FastifyInstance; dataDir: string; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-files-'));
  const app = await buildTestApp(database, {
    DATA_DIR: dataDir,
    FILE_MAX_BYTES: String(TEST_FILE_MAX_BYTES),
    FILE_GROUP_QUOTA_BYTES: String(TEST_GROUP_QUOTA_BYTES),
    ...settings,
  });
  return {
    app,
    dataDir,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A part of a multipart form: a field, or a file when it has a name. */
export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; content: Buffer | string; type?: string };

/** A multipart/form-data body in the order given, as browsers send one. */
export function multipart(parts: readonly FormPart[]): {
  payload: Buffer;
  contentType: string;
} {
  const boundary = `----civilmedia${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head =
      'filename' in part
        ? `Content-Disposition: form-data; name="${part.name}"; ` +
          `filename="${part.filename}"\r\n` +
          `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n`
        : `Content-Disposition: form-data; name="${part.name}"\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`));
    chunks.push(Buffer.from('filename' in part ? part.content : part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
