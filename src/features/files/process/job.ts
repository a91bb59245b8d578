import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Db } from '../../../database.ts';
import type { JobHandler } from '../../../platform/jobs.ts';
import type { BlobStore } from '../../../platform/storage/blob-store.ts';
import { BlobMissingError } from '../../../platform/storage/errors.ts';
import { indexFiles } from '../../search/sources.ts';
import type { TextStatus } from '../tables.ts';
import { extractText, MAX_PDF_BYTES } from './extract.ts';
import {
  imageRenditions,
  isRasterImage,
  MAX_IMAGE_BYTES,
  pdfRenditions,
} from './renditions.ts';
import type { Rendition, Renditions } from './renditions.ts';
import { blobSource, readAtMost } from './source.ts';

// The `files.process` job (queued by ../versions.ts with each version):
// reads the version's words into file_texts, makes its display copy and
// thumbnail, records how that went in text_status, and brings the
// file's search entry up to date. A file whose bytes cannot be read is
// recorded as `failed` and the job ends; only a fault of the server (the
// database, bytes missing from the store) makes the job try again.
// Running it twice does no harm: a version already processed is left as
// it is, and a second version with the same bytes (a revert, the same
// file uploaded twice) takes the first one's results without reading.

/** What a `files.process` job carries. */
export interface ProcessPayload {
  versionId: number;
}

/** The most bytes a rendition may have when it is stored. */
const MAX_RENDITION_BYTES = 32 * 1024 * 1024;

function versionIdOf(payload: unknown): number | null {
  const id = (payload as { versionId?: unknown } | null)?.versionId;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
    ? id
    : null;
}

/** The job handler, with the store the bytes are read from. */
export function processFilesJob(
  openStore: (db: Kysely<Database>) => BlobStore,
  log?: Logger,
): JobHandler<Database> {
  return async (db, payload) => {
    const versionId = versionIdOf(payload);
    if (versionId === null) {
      log?.warn({ payload }, 'files.process job without a version id');
      return;
    }
    await processVersion(db, openStore(db), versionId, log);
  };
}

interface Outcome {
  status: TextStatus;
  text: string;
  display: string | null;
  thumbnail: string | null;
}

/** Processes one version (see above); nothing happens if it is gone. */
export async function processVersion(
  db: Kysely<Database>,
  store: BlobStore,
  versionId: number,
  log?: Logger,
): Promise<void> {
  const version = await db
    .selectFrom('file_versions')
    .select(['id', 'file_id', 'sha256', 'size', 'mime', 'text_status'])
    .where('id', '=', versionId)
    .executeTakeFirst();
  if (!version) {
    return;
  }
  if (version.text_status === 'pending') {
    const outcome =
      (await earlierOutcome(db, version.sha256)) ??
      (await readVersion(store, version, log));
    await db.transaction().execute(async (trx) => {
      await record(trx, versionId, outcome);
      await indexFiles(trx, [version.file_id]);
    });
  } else {
    await indexFiles(db, [version.file_id]);
  }
}

/** What another version with the same bytes already found, if any. */
async function earlierOutcome(db: Db, sha256: string): Promise<Outcome | null> {
  const done = await db
    .selectFrom('file_versions as v')
    .leftJoin('file_texts as t', 't.version_id', 'v.id')
    .select([
      'v.text_status',
      'v.display_sha256',
      'v.thumbnail_sha256',
      't.text',
    ])
    .where('v.sha256', '=', sha256)
    .where('v.text_status', 'in', ['done', 'none'])
    .orderBy('v.id')
    .limit(1)
    .executeTakeFirst();
  return done
    ? {
        status: done.text_status,
        text: done.text ?? '',
        display: done.display_sha256,
        thumbnail: done.thumbnail_sha256,
      }
    : null;
}

async function readVersion(
  store: BlobStore,
  version: { id: number; sha256: string; size: number; mime: string },
  log: Logger | undefined,
): Promise<Outcome> {
  const source = blobSource(store, version.sha256, Number(version.size));
  const fields = { versionId: version.id, mime: version.mime };
  let status: TextStatus = 'none';
  let text = '';
  try {
    text = (await extractText(source, version.mime)) ?? '';
    status = text ? 'done' : 'none';
  } catch (error) {
    rethrowServerFault(error);
    log?.warn({ ...fields, reason: messageOf(error) }, 'file text not read');
    status = 'failed';
  }
  let renditions: Renditions = { display: null, thumbnail: null };
  try {
    renditions = await makeRenditions(source, version.mime);
  } catch (error) {
    rethrowServerFault(error);
    log?.warn({ ...fields, reason: messageOf(error) }, 'file preview not made');
  }
  return {
    status,
    text,
    display: await storeRendition(store, renditions.display),
    thumbnail: await storeRendition(store, renditions.thumbnail),
  };
}

async function makeRenditions(
  source: ReturnType<typeof blobSource>,
  mime: string,
): Promise<Renditions> {
  const none = { display: null, thumbnail: null };
  if (isRasterImage(mime)) {
    const bytes = await readAtMost(source, MAX_IMAGE_BYTES);
    return bytes ? imageRenditions(bytes) : none;
  }
  if (mime.split(';')[0]?.trim() === 'application/pdf') {
    const bytes = await readAtMost(source, MAX_PDF_BYTES);
    return bytes ? pdfRenditions(bytes) : none;
  }
  return none;
}

async function storeRendition(
  store: BlobStore,
  rendition: Rendition | null,
): Promise<string | null> {
  if (!rendition) {
    return null;
  }
  const stored = await store.put(Readable.from([rendition.data]), {
    maxBytes: MAX_RENDITION_BYTES,
  });
  return stored.sha256;
}

async function record(db: Db, versionId: number, outcome: Outcome) {
  if (outcome.text) {
    await db
      .insertInto('file_texts')
      .values({ version_id: versionId, text: outcome.text })
      .onConflict((oc) =>
        oc.column('version_id').doUpdateSet({ text: outcome.text }),
      )
      .execute();
  }
  await db
    .updateTable('file_versions')
    .set({
      text_status: outcome.status,
      display_sha256: outcome.display,
      thumbnail_sha256: outcome.thumbnail,
    })
    .where('id', '=', versionId)
    .where('text_status', '=', 'pending')
    .execute();
}

/** Bytes missing from the store are the server's fault: try again later. */
function rethrowServerFault(error: unknown): void {
  if (error instanceof BlobMissingError) {
    throw error;
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
