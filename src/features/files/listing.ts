import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { FileContainer } from '../../access/files.ts';
import type { Db } from '../../database.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import {
  FILE_COLUMNS,
  FOLDER_COLUMNS,
  fileInContainer,
  folderInContainer,
  toFile,
  toFolder,
} from './files.ts';
import type { FileRecord, FolderRecord } from './files.ts';

// The lists of a container's files: one folder's live folders and files,
// and what was deleted. Every query walks the indexes the migration made
// for it: (owner, folder, deleted_at, name_key) for files and the live
// name index for folders.

/** One folder's content: its folders first, then its files, by name. */
export interface FolderContents {
  folders: FolderRecord[];
  files: FileRecord[];
  folderTotal: number;
  fileTotal: number;
  /** Folders and files together, what pagination counts. */
  total: number;
}

function liveFolders(
  db: Db,
  container: FileContainer,
  parentId: number | null,
) {
  return db
    .selectFrom('file_folders as d')
    .where(folderInContainer(container))
    .where(sql<SqlBool>`coalesce(d.parent_id, 0) = ${parentId ?? 0}`)
    .where('d.deleted_at', 'is', null);
}

function liveFiles(db: Db, container: FileContainer, folderId: number | null) {
  return db
    .selectFrom('files as f')
    .where(fileInContainer(container))
    .where('f.folder_id', folderId === null ? 'is' : '=', folderId)
    .where('f.deleted_at', 'is', null);
}

/**
 * A page of one folder (null: the top) of a container: the page's slice
 * of its folders, then of its files, both in name order.
 */
export async function listFolderContents(
  db: Db,
  container: FileContainer,
  folderId: number | null,
  request: PageRequest,
): Promise<FolderContents> {
  const [folderCount, fileCount] = await Promise.all([
    liveFolders(db, container, folderId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    liveFiles(db, container, folderId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const folderTotal = Number(folderCount.n);
  const fileTotal = Number(fileCount.n);
  const folderTake = Math.max(
    0,
    Math.min(request.pageSize, folderTotal - request.offset),
  );
  const fileOffset = Math.max(0, request.offset - folderTotal);
  const fileTake = request.pageSize - folderTake;
  const [folders, files] = await Promise.all([
    folderTake > 0
      ? liveFolders(db, container, folderId)
          .select(FOLDER_COLUMNS)
          .orderBy('d.name_key')
          .orderBy('d.id')
          .limit(folderTake)
          .offset(request.offset)
          .execute()
      : [],
    fileTake > 0
      ? liveFiles(db, container, folderId)
          .select(FILE_COLUMNS)
          .orderBy('f.name_key')
          .orderBy('f.id')
          .limit(fileTake)
          .offset(fileOffset)
          .execute()
      : [],
  ]);
  return {
    folders: folders.map(toFolder),
    files: files.map(toFile),
    folderTotal,
    fileTotal,
    total: folderTotal + fileTotal,
  };
}

/** A page of one folder's live files only, by name: the API's list. */
export async function listFiles(
  db: Db,
  container: FileContainer,
  folderId: number | null,
  request: PageRequest,
): Promise<{ items: FileRecord[]; total: number }> {
  const [rows, count] = await Promise.all([
    liveFiles(db, container, folderId)
      .select(FILE_COLUMNS)
      .orderBy('f.name_key')
      .orderBy('f.id')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    liveFiles(db, container, folderId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toFile), total: Number(count.n) };
}

/** A page of one folder's live folders, by name: the API's list. */
export async function listFolders(
  db: Db,
  container: FileContainer,
  parentId: number | null,
  request: PageRequest,
): Promise<{ items: FolderRecord[]; total: number }> {
  const [rows, count] = await Promise.all([
    liveFolders(db, container, parentId)
      .select(FOLDER_COLUMNS)
      .orderBy('d.name_key')
      .orderBy('d.id')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    liveFolders(db, container, parentId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toFolder), total: Number(count.n) };
}

/**
 * A page of what can be restored on its own: deleted files whose folder
 * is live (or who have none), newest deletion first. Files deleted with
 * their folder come back with it. `uploadedBy` narrows the list to one
 * person's files, for those who may restore only their own.
 */
export async function listDeletedFiles(
  db: Db,
  container: FileContainer,
  request: PageRequest,
  uploadedBy: number | null = null,
): Promise<{ items: FileRecord[]; total: number }> {
  const base = db
    .selectFrom('files as f')
    .leftJoin('file_folders as d', 'd.id', 'f.folder_id')
    .where(fileInContainer(container))
    .where('f.deleted_at', 'is not', null)
    .where('d.deleted_at', 'is', null)
    .$if(uploadedBy !== null, (qb) =>
      qb.where('f.created_by', '=', uploadedBy),
    );
  const [rows, count] = await Promise.all([
    base
      .select(FILE_COLUMNS)
      .orderBy('f.deleted_at', 'desc')
      .orderBy('f.id', 'desc')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    base
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toFile), total: Number(count.n) };
}

/**
 * A page of deleted folders whose parent is live, newest first;
 * `createdBy` narrows it to one person's folders, as listDeletedFiles.
 */
export async function listDeletedFolders(
  db: Db,
  container: FileContainer,
  request: PageRequest,
  createdBy: number | null = null,
): Promise<{ items: FolderRecord[]; total: number }> {
  const base = db
    .selectFrom('file_folders as d')
    .leftJoin('file_folders as up', 'up.id', 'd.parent_id')
    .where(folderInContainer(container))
    .where('d.deleted_at', 'is not', null)
    .where('up.deleted_at', 'is', null)
    .$if(createdBy !== null, (qb) => qb.where('d.created_by', '=', createdBy));
  const [rows, count] = await Promise.all([
    base
      .select(FOLDER_COLUMNS)
      .orderBy('d.deleted_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    base
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toFolder), total: Number(count.n) };
}

/** A folder as a move form offers it: its whole path from the top. */
export interface FolderChoice {
  id: number;
  path: string;
}

// A move form lists at most this many folders; a container with more is
// rare enough that its later folders are reached by moving in steps.
const MAX_FOLDER_CHOICES = 500;

/** The container's live folders with their paths, in path order. */
export async function folderChoices(
  db: Db,
  container: FileContainer,
): Promise<FolderChoice[]> {
  const rows = await db
    .selectFrom('file_folders as d')
    .select(['d.id', 'd.parent_id', 'd.name'])
    .where(folderInContainer(container))
    .where('d.deleted_at', 'is', null)
    .orderBy('d.id')
    .limit(MAX_FOLDER_CHOICES)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const pathOf = (id: number): string | null => {
    const names: string[] = [];
    let at = byId.get(id);
    while (at) {
      names.unshift(at.name);
      if (at.parent_id === null) {
        return names.join(' / ');
      }
      at = byId.get(at.parent_id);
    }
    return null;
  };
  return rows
    .map((row) => ({ id: row.id, path: pathOf(row.id) }))
    .filter((choice): choice is FolderChoice => choice.path !== null)
    .sort((a, b) => a.path.localeCompare(b.path, 'en-GB'));
}
