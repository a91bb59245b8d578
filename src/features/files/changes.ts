import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { AppError } from '../../platform/errors.ts';
import { nameKey } from '../../platform/storage/names.ts';
import {
  findFolder,
  findLiveFileNamed,
  nameTaken,
  requireLiveFolder,
} from './files.ts';
import type { FileRecord } from './files.ts';

// Changing a file as a whole: its name, title and description, its
// folder, deleting it (softly: its versions stay) and restoring it. A
// name is unique among the live files of a folder, so each change that
// can put a name where it is taken checks, and the unique index settles
// a race.

function fileTaken(): AppError {
  return nameTaken('There is already a file with that name in that folder');
}

/** What a details form or PATCH may change; absent means unchanged. */
export interface FileDetails {
  name?: string;
  title?: string;
  description?: string;
  altText?: string | null;
}

/**
 * Renames a live file and changes its title and description, or moves
 * it to another folder of the same container.
 */
export async function changeFile(
  db: Db,
  file: FileRecord,
  details: FileDetails & { folderId?: number | null },
  now = new Date().toISOString(),
): Promise<void> {
  const name = details.name ?? file.name;
  const folderId =
    details.folderId === undefined ? file.folderId : details.folderId;
  if (folderId !== null && folderId !== file.folderId) {
    await requireLiveFolder(db, file.container, folderId);
  }
  const unchanged =
    name === file.name &&
    folderId === file.folderId &&
    (details.title === undefined || details.title === file.title) &&
    (details.description === undefined ||
      details.description === file.description) &&
    (details.altText === undefined || details.altText === file.altText);
  if (unchanged) {
    // Nothing to write: the file keeps the time it last really changed.
    return;
  }
  const key = nameKey(name);
  const other = await findLiveFileNamed(db, file.container, folderId, key);
  if (other && other.id !== file.id) {
    throw fileTaken();
  }
  try {
    await db
      .updateTable('files')
      .set({
        name,
        name_key: key,
        folder_id: folderId,
        ...(details.title === undefined ? {} : { title: details.title }),
        ...(details.description === undefined
          ? {}
          : { description: details.description }),
        ...(details.altText === undefined ? {} : { alt_text: details.altText }),
        updated_at: now,
      })
      .where('id', '=', file.id)
      .execute();
  } catch (error) {
    throw isUniqueViolation(error) ? fileTaken() : error;
  }
}

/** Deletes a file softly; its versions and bytes stay for a restore. */
export async function deleteFile(
  db: Db,
  actor: PersonActor,
  file: FileRecord,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('files')
    .set({ deleted_at: now, deleted_by: actor.id, updated_at: now })
    .where('id', '=', file.id)
    .where('deleted_at', 'is', null)
    .execute();
}

/**
 * Brings a deleted file back to its folder. Refused when the folder is
 * deleted (restore that first) or a live file there took its name.
 */
export async function restoreFile(db: Db, file: FileRecord): Promise<void> {
  if (!file.deletedAt) {
    return;
  }
  if (file.folderId !== null) {
    const folder = await findFolder(db, file.folderId);
    if (folder?.deletedAt) {
      throw new AppError(
        409,
        'PARENT_DELETED',
        'The folder this file was in is deleted: restore the folder instead',
      );
    }
  }
  const taken = nameTaken(
    'A file with that name has been added since: rename or move that file, then restore this one',
  );
  if (
    await findLiveFileNamed(db, file.container, file.folderId, file.nameKey)
  ) {
    throw taken;
  }
  try {
    await db
      .updateTable('files')
      .set({ deleted_at: null, deleted_by: null })
      .where('id', '=', file.id)
      .execute();
  } catch (error) {
    throw isUniqueViolation(error) ? taken : error;
  }
}
