import type { PersonActor } from '../../access/actor.ts';
import type { FileContainer } from '../../access/files.ts';
import type { Db } from '../../database.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import type { AppError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { cleanFileName, nameKey } from '../../platform/storage/names.ts';
import type { StoredBlob } from '../../platform/storage/blob-store.ts';
import {
  containerColumns,
  findFile,
  findLiveFileNamed,
  fileNotFound,
  nameTaken,
  requireLiveFolder,
} from './files.ts';
import type { FileRecord, VersionRecord } from './files.ts';
import { chargeUsage } from './quota.ts';
import type { FileLimits } from './quota.ts';

// Writing versions: an upload becomes a new file, or a new version of the
// live file of the same name in the same folder; a revert is a new
// version whose bytes are an old one's. Each version queues the
// `files.process` job in the same transaction, so text extraction and
// previews happen exactly for versions that exist, and never in the
// request that uploaded them.

/** The background job that reads a version's text and makes previews. */
export const PROCESS_JOB = 'files.process';

/** One file of an upload, its bytes already in the blob store. */
export interface StoredUpload {
  /** The name the client sent; cleaned here. */
  name: string;
  blob: StoredBlob;
}

/** Where an upload goes and what it says about its files. */
export interface UploadTarget {
  container: FileContainer;
  folderId: number | null;
  /** The file's title; a new file takes its name when this is null. */
  title: string | null;
  /** Replaces the file's description when not null. */
  description: string | null;
  /** What changed in this version, shown in the versions table. */
  comment: string;
  altText?: string | null;
}

/** What one uploaded file became. */
export interface RecordedUpload {
  fileId: number;
  versionId: number;
  versionNumber: number;
  /** True for a new file, false for a new version of one. */
  created: boolean;
}

interface NewVersion {
  sha256: string;
  size: number;
  mime: string;
  originalName: string;
  comment: string;
}

/**
 * Adds a version to a file and makes it the current one; the version
 * number comes from the file row's own counter, which the update locks.
 */
export async function appendVersion(
  db: Db,
  actor: PersonActor,
  fileId: number,
  version: NewVersion,
  now: string,
): Promise<{ id: number; number: number }> {
  const counted = await db
    .updateTable('files')
    .set((eb) => ({ version_count: eb('version_count', '+', 1) }))
    .where('id', '=', fileId)
    .returning('version_count')
    .executeTakeFirstOrThrow();
  const number = Number(counted.version_count);
  const { id } = await db
    .insertInto('file_versions')
    .values({
      file_id: fileId,
      number,
      sha256: version.sha256,
      size: version.size,
      mime: version.mime,
      original_name: version.originalName,
      comment: version.comment,
      uploaded_by: actor.id,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('files')
    .set({
      current_version_id: id,
      size: version.size,
      mime: version.mime,
      updated_at: now,
    })
    .where('id', '=', fileId)
    .execute();
  await enqueueJob(db, { type: PROCESS_JOB, payload: { versionId: id } });
  return { id, number };
}

/**
 * The refusal of an upload whose name is a live file the uploader may
 * not change: a new version would replace someone else's file.
 */
export function versionNotAllowed(name: string): AppError {
  return nameTaken(
    `A file called ‘${name}’ is already in this folder, and only the ` +
      'person who uploaded it or the people who run this space can add ' +
      'versions: rename your file and upload it again.',
  );
}

/**
 * Records stored uploads as files and versions, in the caller's
 * transaction, and charges the container's quota for all of them. An
 * upload named like a live file becomes its version only when
 * `mayAddVersion` says the uploader may change that file. Throws
 * NAME_TAKEN, QUOTA_EXCEEDED (the transaction then keeps nothing) or
 * FOLDER_NOT_FOUND.
 */
export async function recordUploads(
  db: Db,
  actor: PersonActor,
  target: UploadTarget,
  uploads: readonly StoredUpload[],
  limits: FileLimits,
  mayAddVersion: (file: FileRecord) => boolean,
  now = new Date().toISOString(),
): Promise<RecordedUpload[]> {
  if (target.folderId !== null) {
    await requireLiveFolder(db, target.container, target.folderId);
  }
  // One title cannot name several files: each then keeps its own name.
  const shared = uploads.length === 1 ? target : { ...target, title: null };
  const recorded: RecordedUpload[] = [];
  for (const upload of uploads) {
    const name = cleanFileName(upload.name);
    const version = {
      sha256: upload.blob.sha256,
      size: upload.blob.size,
      mime: upload.blob.mime,
      originalName: name,
      comment: target.comment,
    };
    const existing = await findLiveFileNamed(
      db,
      target.container,
      target.folderId,
      nameKey(name),
    );
    if (existing && !mayAddVersion(existing)) {
      throw versionNotAllowed(existing.name);
    }
    const fileId = existing
      ? await updateDetailsForVersion(db, existing, shared)
      : await insertFile(db, actor, shared, name, now);
    const added = await appendVersion(db, actor, fileId, version, now);
    recorded.push({
      fileId,
      versionId: added.id,
      versionNumber: added.number,
      created: !existing,
    });
  }
  const total = uploads.reduce((sum, upload) => sum + upload.blob.size, 0);
  await chargeUsage(db, target.container, total, limits);
  return recorded;
}

async function insertFile(
  db: Db,
  actor: PersonActor,
  target: UploadTarget,
  name: string,
  now: string,
): Promise<number> {
  try {
    const { id } = await db
      .insertInto('files')
      .values({
        ...containerColumns(target.container),
        folder_id: target.folderId,
        name,
        name_key: nameKey(name),
        title: target.title ?? name,
        description: target.description ?? '',
        alt_text: target.altText ?? null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  } catch (error) {
    // Someone else's upload of the same name won the race: theirs is the
    // file, and this upload would have been its next version. Asking
    // again is simpler for the uploader than a merge we cannot see.
    throw isUniqueViolation(error)
      ? nameTaken(
          'A file of that name was uploaded at the same moment: try again',
        )
      : error;
  }
}

async function updateDetailsForVersion(
  db: Db,
  file: FileRecord,
  target: UploadTarget,
): Promise<number> {
  const changes = {
    ...(target.title === null ? {} : { title: target.title }),
    ...(target.description === null ? {} : { description: target.description }),
    ...(target.altText ? { alt_text: target.altText } : {}),
  };
  if (Object.keys(changes).length > 0) {
    await db
      .updateTable('files')
      .set(changes)
      .where('id', '=', file.id)
      .execute();
  }
  return file.id;
}

/**
 * Adds a version of `file` from stored bytes, whatever its name: the
 * "upload a new version" form of one file. The file keeps its name.
 */
export async function recordNewVersion(
  db: Db,
  actor: PersonActor,
  file: FileRecord,
  upload: StoredUpload,
  comment: string,
  limits: FileLimits,
  now = new Date().toISOString(),
): Promise<RecordedUpload> {
  if (file.deletedAt) {
    throw fileNotFound();
  }
  const added = await appendVersion(
    db,
    actor,
    file.id,
    {
      sha256: upload.blob.sha256,
      size: upload.blob.size,
      mime: upload.blob.mime,
      originalName: cleanFileName(upload.name),
      comment,
    },
    now,
  );
  await chargeUsage(db, file.container, upload.blob.size, limits);
  return {
    fileId: file.id,
    versionId: added.id,
    versionNumber: added.number,
    created: false,
  };
}

/**
 * Makes an old version's bytes the file's current ones, as a new version
 * that points at the same blob: nothing is stored twice, and the history
 * keeps every version. It counts against the quota like any version.
 */
export async function revertToVersion(
  db: Db,
  actor: PersonActor,
  file: FileRecord,
  version: VersionRecord,
  limits: FileLimits,
  now = new Date().toISOString(),
): Promise<{ id: number; number: number }> {
  const added = await appendVersion(
    db,
    actor,
    file.id,
    {
      sha256: version.sha256,
      size: version.size,
      mime: version.mime,
      originalName: version.originalName,
      comment: `Reverted to version ${version.number}`,
    },
    now,
  );
  await chargeUsage(db, file.container, version.size, limits);
  return added;
}

/** The file as it is after a change, for the answer to the change. */
export async function reread(db: Db, id: number): Promise<FileRecord> {
  const file = await findFile(db, id);
  if (!file) {
    throw fileNotFound();
  }
  return file;
}
