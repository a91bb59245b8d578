import { sql } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { FileContainer } from '../../access/files.ts';
import type { Db } from '../../database.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { AppError, ValidationError } from '../../platform/errors.ts';
import { checkFileName, nameKey } from '../../platform/storage/names.ts';
import { isBlank } from '../../platform/text.ts';
import {
  findFolder,
  findLiveFolderNamed,
  folderNotFound,
  nameTaken,
  ownerColumn,
  requireLiveFolder,
  sameContainer,
} from './files.ts';
import type { FolderRecord } from './files.ts';

// Folders of a group's or a person's files. Deleting a folder deletes
// what is in it, folders and files, all stamped with one time; restoring
// it brings back exactly what was deleted at that time, so a file
// deleted on its own before stays deleted.

/** Folders nest at most this deep, so a path always fits on a page. */
export const MAX_FOLDER_DEPTH = 20;

/** One folder on the way down to another, top first. */
export interface FolderStep {
  id: number;
  name: string;
}

function folderTaken(): AppError {
  return nameTaken('There is already a folder with that name here');
}

/** A folder name from a form or JSON body, cleaned like a file name. */
export function readFolderName(raw: unknown, field = 'name'): string {
  if (typeof raw !== 'string' || isBlank(raw)) {
    throw new ValidationError({ [field]: 'Enter a folder name' });
  }
  const checked = checkFileName(raw);
  if ('problem' in checked) {
    throw new ValidationError({
      [field]:
        checked.problem === 'empty'
          ? 'Give the folder a name'
          : 'Folder names must be at most 255 bytes: shorten the name',
    });
  }
  return checked.name;
}

/**
 * The folders from the top down to `id`, itself included, at most
 * MAX_FOLDER_DEPTH + 1 of them.
 */
export async function folderPath(db: Db, id: number): Promise<FolderStep[]> {
  const result = await sql<{ id: number; name: string; depth: number }>`
    with recursive up(id, parent_id, name, depth) as (
      select id, parent_id, name, 0 from file_folders where id = ${id}
      union all
      select d.id, d.parent_id, d.name, up.depth + 1
      from file_folders as d join up on d.id = up.parent_id
      where up.depth < ${MAX_FOLDER_DEPTH}
    )
    select id, name, depth from up order by depth desc`.execute(db);
  return result.rows.map((row) => ({ id: row.id, name: row.name }));
}

/** The ids of a folder and every folder under it, deleted or not. */
async function subtreeIds(db: Db, id: number): Promise<number[]> {
  const result = await sql<{ id: number }>`
    with recursive tree(id) as (
      select id from file_folders where id = ${id}
      union all
      select d.id from file_folders as d join tree on d.parent_id = tree.id
    )
    select id from tree`.execute(db);
  return result.rows.map((row) => Number(row.id));
}

/** The parent for a new or moved folder: live, in the container, not too deep. */
async function checkParent(
  db: Db,
  container: FileContainer,
  parentId: number | null,
): Promise<FolderStep[]> {
  if (parentId === null) {
    return [];
  }
  await requireLiveFolder(db, container, parentId);
  const path = await folderPath(db, parentId);
  if (path.length >= MAX_FOLDER_DEPTH) {
    throw new ValidationError({
      parent: `Folders can be at most ${MAX_FOLDER_DEPTH} deep`,
    });
  }
  return path;
}

/** Makes a folder; 409 NAME_TAKEN when a live sibling has the name. */
export async function createFolder(
  db: Db,
  actor: PersonActor,
  container: FileContainer,
  input: { name: string; parentId: number | null },
  now = new Date().toISOString(),
): Promise<FolderRecord> {
  ownerColumn(container);
  await checkParent(db, container, input.parentId);
  const key = nameKey(input.name);
  if (await findLiveFolderNamed(db, container, input.parentId, key)) {
    throw folderTaken();
  }
  try {
    const { id } = await db
      .insertInto('file_folders')
      .values({
        group_id: container.kind === 'group' ? container.groupId : null,
        person_id: container.kind === 'person' ? container.personId : null,
        parent_id: input.parentId,
        name: input.name,
        name_key: key,
        created_by: actor.id,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const folder = await findFolder(db, id);
    if (!folder) {
      throw folderNotFound();
    }
    return folder;
  } catch (error) {
    throw isUniqueViolation(error) ? folderTaken() : error;
  }
}

/** Renames and moves a live folder, refusing a move into itself. */
export async function changeFolder(
  db: Db,
  folder: FolderRecord,
  changes: { name?: string; parentId?: number | null },
): Promise<FolderRecord> {
  if (folder.deletedAt) {
    throw folderNotFound();
  }
  const name = changes.name ?? folder.name;
  const parentId =
    changes.parentId === undefined ? folder.parentId : changes.parentId;
  const path = await checkParent(db, folder.container, parentId);
  if (path.some((step) => step.id === folder.id)) {
    throw new ValidationError({
      parent: 'A folder cannot go inside itself or a folder within it',
    });
  }
  const key = nameKey(name);
  const other = await findLiveFolderNamed(db, folder.container, parentId, key);
  if (other && other.id !== folder.id) {
    throw folderTaken();
  }
  try {
    await db
      .updateTable('file_folders')
      .set({ name, name_key: key, parent_id: parentId })
      .where('id', '=', folder.id)
      .execute();
  } catch (error) {
    throw isUniqueViolation(error) ? folderTaken() : error;
  }
  return { ...folder, name, nameKey: key, parentId };
}

/**
 * Deletes a folder with everything in it that is not deleted already.
 * Returns the ids of the files it deleted, for the search index.
 */
export async function deleteFolder(
  db: Db,
  actor: PersonActor,
  folder: FolderRecord,
  now = new Date().toISOString(),
): Promise<number[]> {
  if (folder.deletedAt) {
    return [];
  }
  const ids = await subtreeIds(db, folder.id);
  const stamp = await laterThanEarlierDeletions(db, ids, now);
  await db
    .updateTable('file_folders')
    .set({ deleted_at: stamp, deleted_by: actor.id })
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .execute();
  const files = await db
    .updateTable('files')
    .set({ deleted_at: stamp, deleted_by: actor.id, updated_at: now })
    .where('folder_id', 'in', ids)
    .where('deleted_at', 'is', null)
    .returning('id')
    .execute();
  return files.map((row) => row.id);
}

/**
 * The time to stamp a folder's deletion with: `now`, or just after the
 * latest earlier deletion inside it when that is as late. Restoring
 * finds what went with the folder by this time, so a file deleted on its
 * own in the same millisecond must not share it.
 */
async function laterThanEarlierDeletions(
  db: Db,
  ids: readonly number[],
  now: string,
): Promise<string> {
  const [files, folders] = await Promise.all([
    db
      .selectFrom('files')
      .select((eb) => eb.fn.max('deleted_at').as('latest'))
      .where('folder_id', 'in', ids)
      .executeTakeFirst(),
    db
      .selectFrom('file_folders')
      .select((eb) => eb.fn.max('deleted_at').as('latest'))
      .where('id', 'in', ids)
      .executeTakeFirst(),
  ]);
  const latest = [files?.latest, folders?.latest]
    .filter((value): value is string => typeof value === 'string')
    .map((value) => Date.parse(value))
    .reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  return latest >= Date.parse(now) ? new Date(latest + 1).toISOString() : now;
}

/**
 * Brings back a deleted folder and what was deleted with it. Its parent
 * must be live, and no live folder there may have taken its name.
 * Returns the ids of the files it restored.
 */
export async function restoreFolder(
  db: Db,
  folder: FolderRecord,
): Promise<number[]> {
  const deletedAt = folder.deletedAt;
  if (!deletedAt) {
    return [];
  }
  if (folder.parentId !== null) {
    const parent = await findFolder(db, folder.parentId);
    if (!parent || parent.deletedAt) {
      throw new AppError(
        409,
        'PARENT_DELETED',
        'The folder this one was in is deleted: restore that folder first',
      );
    }
  }
  if (
    await findLiveFolderNamed(
      db,
      folder.container,
      folder.parentId,
      folder.nameKey,
    )
  ) {
    throw nameTaken(
      'A folder with that name has been made since: rename it, then restore this one',
    );
  }
  const ids = await subtreeIds(db, folder.id);
  await db
    .updateTable('file_folders')
    .set({ deleted_at: null, deleted_by: null })
    .where('id', 'in', ids)
    .where('deleted_at', '=', deletedAt)
    .execute();
  const files = await db
    .updateTable('files')
    .set({ deleted_at: null, deleted_by: null })
    .where('folder_id', 'in', ids)
    .where('deleted_at', '=', deletedAt)
    .returning('id')
    .execute();
  return files.map((row) => row.id);
}

/** The folder `id` in `container`, deleted or not; else not found. */
export async function requireFolderIn(
  db: Db,
  container: FileContainer,
  id: number,
): Promise<FolderRecord> {
  const folder = await findFolder(db, id);
  if (!folder || !sameContainer(folder.container, container)) {
    throw folderNotFound();
  }
  return folder;
}
