import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../database.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import { sendStoredBlob } from '../../platform/storage/serve.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { VersionRecord } from './files.ts';

// Sending a file's bytes. Every byte goes out through the one serving
// function in src/platform/storage/serve.ts, which decides the headers:
// only renditions we drew ourselves and plain text are ever inline.

/** A version's original bytes, always as an attachment. */
export async function sendVersion(
  _request: FastifyRequest,
  reply: FastifyReply,
  store: BlobStore,
  version: VersionRecord,
  filename: string,
): Promise<FastifyReply> {
  return sendStoredBlob(reply, store, {
    sha256: version.sha256,
    mime: version.mime,
    size: version.size,
    filename,
    inline: false,
  });
}

function noRendition(): NotFoundError {
  return new NotFoundError('FILE_NOT_FOUND', 'This file has no preview');
}

/**
 * A rendition the background job drew (the display copy of an image, or
 * a thumbnail), inline, named `filename` with its type's extension; 404
 * while there is none.
 */
export async function sendRendition(
  db: Db,
  reply: FastifyReply,
  store: BlobStore,
  sha256: string | null,
  filename: string,
): Promise<FastifyReply> {
  if (sha256 === null) {
    throw noRendition();
  }
  const blob = await db
    .selectFrom('file_blobs')
    .select(['sha256', 'size', 'mime'])
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (!blob) {
    throw noRendition();
  }
  return sendStoredBlob(reply, store, {
    sha256: blob.sha256,
    mime: blob.mime,
    size: Number(blob.size),
    filename: filename + (RENDITION_EXTENSIONS[blob.mime] ?? ''),
    inline: true,
  });
}

// The types the job draws renditions in, and the extension each is
// saved with, so a downloaded preview opens in an image viewer.
const RENDITION_EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
};
