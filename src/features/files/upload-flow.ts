import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { FileContainer } from '../../access/files.ts';
import type { Database } from '../../database.ts';
import type { NotFoundError } from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import { requireAttachTo } from './attachments/items.ts';
import { requireLiveFolder } from './files.ts';
import { multipartOf } from './multipart.ts';
import { remainingBytes } from './quota.ts';
import type { FileLimits } from './quota.ts';
import {
  checkDeclaredLength,
  discardStored,
  storeFormFiles,
  storeRawBody,
} from './receive.ts';
import {
  cannotChange,
  cannotUploadTo,
  requireUpload,
  saveNewVersion,
  saveUploads,
} from './service.ts';
import type { FileAccess } from './service.ts';
import type { RecordedUpload, StoredUpload, UploadTarget } from './versions.ts';

// One upload from request to rows, shared by the pages and the API:
// check who is asking and the declared length, read and check the small
// fields, then stream the bytes into the store and record them in one
// transaction. Nothing is stored before the checks pass, and bytes
// stored for an upload that is then refused are forgotten.

/** What the upload routes need from the plugin. */
export interface UploadContext {
  db: Kysely<Database>;
  store: BlobStore;
  limits: FileLimits;
}

const MAX_ID = 2_147_483_647;

/** The raw body stream the catch-all parser kept, for raw uploads. */
export const RAW_BODY = Symbol('raw upload body');

/** A folder id from a form, query or JSON; null for the top level. */
export function readFolderId(
  check: FieldValidator,
  raw: unknown,
  field = 'folder',
): number | null {
  if (raw === undefined || raw === null || raw === '') {
    return null;
  }
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^[1-9]\d{0,9}$/.test(text)) {
    check.fail(field, 'Choose a folder from the list');
    return null;
  }
  const id = Number(text);
  if (id > MAX_ID) {
    check.fail(field, 'Choose a folder from the list');
    return null;
  }
  return id;
}

/** The small fields of an upload: folder, title, description, comment. */
export function readUploadFields(
  input: Record<string, unknown>,
): Omit<UploadTarget, 'container'> {
  const check = new FieldValidator(input);
  const folderId = readFolderId(check, input.folder);
  const title = check.text('title', { label: 'Title', max: 200 });
  const description = check.text('description', {
    label: 'Description',
    max: 5000,
    multiline: true,
  });
  const comment =
    check.text('comment', { label: 'What changed', max: 500 }) ?? '';
  const altText = check.text('altText', {
    label: 'Alternative text',
    max: 500,
  });
  check.done();
  return { folderId, title, description, comment, altText };
}

/** The raw request body a catch-all parser left unread. */
function rawBodyOf(request: FastifyRequest): Readable | null {
  const body = request.body as { [RAW_BODY]?: Readable } | undefined;
  return body && typeof body === 'object' ? (body[RAW_BODY] ?? null) : null;
}

/**
 * Closes the connection whenever an upload route fails, the gate's
 * refusals and CSRF check included: the body is left unread.
 */
export function closeOnError(app: FastifyInstance): void {
  app.addHook('onError', async (_request, reply) => {
    closeAfterRefusal(reply);
  });
}

/**
 * Closes the connection after a refusal: the rest of the body is never
 * read, and a client still sending it must not hold the socket.
 */
export function closeAfterRefusal(reply: FastifyReply): void {
  reply.header('connection', 'close');
}

/**
 * Receives the files of a multipart form or a raw body into
 * `container`. `fields` are the small fields, read from the form or
 * the query string; a raw body takes its name from `rawName`.
 */
export async function receiveUploads(
  context: UploadContext,
  request: FastifyRequest,
  actor: PersonActor,
  container: FileContainer,
  notFound: () => NotFoundError,
  options: { fields: Record<string, unknown>; rawName: string | null },
): Promise<RecordedUpload[]> {
  const { db, store, limits } = context;
  await requireUpload(db, actor, container, notFound);
  const remaining = await remainingBytes(db, container, limits);
  const reader = multipartOf(request);
  checkDeclaredLength(
    request,
    limits,
    remaining,
    reader ? limits.maxFilesPerRequest : 0,
    reader ? undefined : (options.rawName ?? undefined),
  );
  const fields = readUploadFields(options.fields);
  if (fields.folderId !== null) {
    await requireLiveFolder(db, container, fields.folderId);
  }
  const stored = await storeBytes(context, request, remaining, options);
  try {
    return await saveUploads(
      db,
      actor,
      { container, ...fields },
      stored,
      limits,
    );
  } catch (error) {
    await discardStored(store, stored);
    throw error;
  }
}

async function storeBytes(
  context: UploadContext,
  request: FastifyRequest,
  remaining: number,
  options: { rawName: string | null },
): Promise<StoredUpload[]> {
  const { store, limits } = context;
  const reader = multipartOf(request);
  if (reader) {
    return storeFormFiles(reader, store, limits, remaining, {
      maxFiles: limits.maxFilesPerRequest,
    });
  }
  const raw = rawBodyOf(request);
  if (!raw || options.rawName === null) {
    const check = new FieldValidator({});
    check.fail(
      'name',
      'Send the file as multipart/form-data, or as the body with ?name=',
    );
    check.done();
  }
  return [
    await storeRawBody(
      raw as Readable,
      options.rawName ?? '',
      store,
      limits,
      remaining,
    ),
  ];
}

/** Receives one file as the next version of `file`. */
export async function receiveVersion(
  context: UploadContext,
  request: FastifyRequest,
  actor: PersonActor,
  access: FileAccess,
  options: { fields: Record<string, unknown>; rawName: string | null },
): Promise<RecordedUpload> {
  const { db, store, limits } = context;
  const { file } = access;
  if (!access.rights.upload || file.deletedAt) {
    throw await cannotUploadTo(db, file.container);
  }
  if (!access.mayChange) {
    throw cannotChange();
  }
  if (file.container.kind === 'attached') {
    // Reading an item is enough to read its files, not to replace them.
    await requireAttachTo(db, actor, file.container);
  }
  const remaining = await remainingBytes(db, file.container, limits);
  const reader = multipartOf(request);
  checkDeclaredLength(
    request,
    limits,
    remaining,
    reader ? 1 : 0,
    reader ? undefined : (options.rawName ?? file.name),
  );
  const check = new FieldValidator(options.fields);
  const comment =
    check.text('comment', { label: 'What changed', max: 500 }) ?? '';
  check.done();
  const stored = reader
    ? await storeFormFiles(reader, store, limits, remaining, { maxFiles: 1 })
    : await storeBytes(context, request, remaining, {
        rawName: options.rawName ?? file.name,
      });
  const [upload] = stored;
  if (!upload) {
    throw new Error('an upload stored no file');
  }
  try {
    return await saveNewVersion(db, actor, file.id, upload, comment, limits);
  } catch (error) {
    await discardStored(store, stored);
    throw error;
  }
}
