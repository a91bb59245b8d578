import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import { containerOf } from '../../access/files.ts';
import type { FileContainer } from '../../access/files.ts';
import type { Database, Db } from '../../database.ts';
import {
  AppError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { checkFileName } from '../../platform/storage/names.ts';
import type { TextStatus } from './tables.ts';

// Files, folders and versions as rows: reading them and the conditions
// that pick a container's. Who may do what is decided by the caller
// through src/access/files.ts; these functions trust it.

/** A file as pages and the API show it. */
export interface FileRecord {
  id: number;
  container: FileContainer;
  folderId: number | null;
  name: string;
  nameKey: string;
  title: string;
  description: string;
  altText: string | null;
  currentVersionId: number | null;
  versionCount: number;
  size: number;
  mime: string;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A folder of a group's or a person's files. */
export interface FolderRecord {
  id: number;
  container: FileContainer;
  parentId: number | null;
  name: string;
  nameKey: string;
  createdBy: number | null;
  createdAt: string;
  deletedAt: string | null;
}

/** One version of a file's bytes. */
export interface VersionRecord {
  id: number;
  fileId: number;
  number: number;
  sha256: string;
  size: number;
  mime: string;
  originalName: string;
  comment: string;
  uploadedBy: number | null;
  uploaderName: string | null;
  createdAt: string;
  textStatus: TextStatus;
  thumbnailSha256: string | null;
  displaySha256: string | null;
}

export const FILE_COLUMNS = [
  'f.id',
  'f.group_id',
  'f.person_id',
  'f.attached_kind',
  'f.attached_id',
  'f.folder_id',
  'f.name',
  'f.name_key',
  'f.title',
  'f.description',
  'f.alt_text',
  'f.current_version_id',
  'f.version_count',
  'f.size',
  'f.mime',
  'f.created_by',
  'f.created_at',
  'f.updated_at',
  'f.deleted_at',
] as const;

type FileRow = Pick<
  Database['files'],
  | 'group_id'
  | 'person_id'
  | 'attached_kind'
  | 'attached_id'
  | 'folder_id'
  | 'name'
  | 'name_key'
  | 'title'
  | 'alt_text'
  | 'current_version_id'
  | 'created_by'
  | 'created_at'
  | 'updated_at'
  | 'deleted_at'
> & {
  id: number;
  description: string;
  version_count: number;
  size: number;
  mime: string;
};

export function toFile(row: FileRow): FileRecord {
  return {
    id: row.id,
    container: containerOf(row),
    folderId: row.folder_id,
    name: row.name,
    nameKey: row.name_key,
    title: row.title,
    description: row.description,
    altText: row.alt_text,
    currentVersionId: row.current_version_id,
    versionCount: Number(row.version_count),
    size: Number(row.size),
    mime: row.mime,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

export const FOLDER_COLUMNS = [
  'd.id',
  'd.group_id',
  'd.person_id',
  'd.parent_id',
  'd.name',
  'd.name_key',
  'd.created_by',
  'd.created_at',
  'd.deleted_at',
] as const;

type FolderRow = Pick<
  Database['file_folders'],
  | 'group_id'
  | 'person_id'
  | 'parent_id'
  | 'name'
  | 'name_key'
  | 'created_by'
  | 'created_at'
  | 'deleted_at'
> & { id: number };

export function toFolder(row: FolderRow): FolderRecord {
  return {
    id: row.id,
    container: containerOf({
      ...row,
      attached_kind: null,
      attached_id: null,
    }),
    parentId: row.parent_id,
    name: row.name,
    nameKey: row.name_key,
    createdBy: row.created_by,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

export function fileNotFound(): NotFoundError {
  return new NotFoundError('FILE_NOT_FOUND', 'There is no such file');
}

export function folderNotFound(): NotFoundError {
  return new NotFoundError('FOLDER_NOT_FOUND', 'There is no such folder');
}

export function versionNotFound(): NotFoundError {
  return new NotFoundError('VERSION_NOT_FOUND', 'There is no such version');
}

/** A live file or folder of that name is already where this one would go. */
export function nameTaken(message: string): AppError {
  return new AppError(409, 'NAME_TAKEN', message);
}

/**
 * The cleaned name an upload or a rename gives a file, or the message
 * saying why it cannot have it: nothing is left of it, or it is too
 * long. Cutting it instead would make different names one file.
 */
export function readFileName(
  raw: string,
): { name: string } | { error: string } {
  const checked = checkFileName(raw);
  if ('name' in checked) {
    return checked;
  }
  return {
    error:
      checked.problem === 'empty'
        ? 'Give the file a name'
        : 'File names must be at most 255 bytes: shorten the name',
  };
}

/** readFileName, throwing 422 VALIDATION_FAILED on `field` for a bad name. */
export function requireFileName(raw: string, field: string): string {
  const read = readFileName(raw);
  if ('error' in read) {
    throw new ValidationError({ [field]: read.error });
  }
  return read.name;
}

/** Folders hold group and person files; attached files have none. */
export function ownerColumn(
  container: FileContainer,
): 'group_id' | 'person_id' {
  if (container.kind === 'attached') {
    throw new Error('Files attached to an item are not kept in folders.');
  }
  return container.kind === 'group' ? 'group_id' : 'person_id';
}

function ownerId(container: FileContainer): number {
  if (container.kind === 'attached') {
    return container.attachedId;
  }
  return container.kind === 'group' ? container.groupId : container.personId;
}

/** The container's columns for a new `files` row. */
export function containerColumns(container: FileContainer) {
  return {
    group_id: container.kind === 'group' ? container.groupId : null,
    person_id: container.kind === 'person' ? container.personId : null,
    attached_kind:
      container.kind === 'attached' ? container.attachedKind : null,
    attached_id: container.kind === 'attached' ? container.attachedId : null,
  };
}

/** A condition over `files as f`: the file is in `container`. */
export function fileInContainer(container: FileContainer): Expression<SqlBool> {
  if (container.kind === 'attached') {
    return sql<SqlBool>`(f.attached_kind = ${container.attachedKind}
      and f.attached_id = ${container.attachedId})`;
  }
  const owner = sql.ref(`f.${ownerColumn(container)}`);
  return sql<SqlBool>`(${owner} = ${ownerId(container)}
    and f.attached_kind is null)`;
}

/** A condition over `file_folders as d`: the folder is in `container`. */
export function folderInContainer(
  container: FileContainer,
): Expression<SqlBool> {
  const owner = sql.ref(`d.${ownerColumn(container)}`);
  return sql<SqlBool>`${owner} = ${ownerId(container)}`;
}

/** The file with this id, deleted or not, or undefined. */
export async function findFile(
  db: Db,
  id: number,
): Promise<FileRecord | undefined> {
  const row = await db
    .selectFrom('files as f')
    .select(FILE_COLUMNS)
    .where('f.id', '=', id)
    .executeTakeFirst();
  return row ? toFile(row) : undefined;
}

/** The folder with this id, deleted or not, or undefined. */
export async function findFolder(
  db: Db,
  id: number,
): Promise<FolderRecord | undefined> {
  const row = await db
    .selectFrom('file_folders as d')
    .select(FOLDER_COLUMNS)
    .where('d.id', '=', id)
    .executeTakeFirst();
  return row ? toFolder(row) : undefined;
}

/** True when two containers are the same one. */
export function sameContainer(a: FileContainer, b: FileContainer): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The folder `id` when it is live and in `container`; a folder anywhere
 * else is not found, so no id tells what another container holds.
 */
export async function requireLiveFolder(
  db: Db,
  container: FileContainer,
  id: number,
): Promise<FolderRecord> {
  const folder = await findFolder(db, id);
  if (
    !folder ||
    folder.deletedAt ||
    !sameContainer(folder.container, container)
  ) {
    throw folderNotFound();
  }
  return folder;
}

/** The live file of this name key in a folder (null: the top), if any. */
export async function findLiveFileNamed(
  db: Db,
  container: FileContainer,
  folderId: number | null,
  key: string,
): Promise<FileRecord | undefined> {
  const row = await db
    .selectFrom('files as f')
    .select(FILE_COLUMNS)
    .where(fileInContainer(container))
    .where('f.folder_id', folderId === null ? 'is' : '=', folderId)
    .where('f.deleted_at', 'is', null)
    .where('f.name_key', '=', key)
    .executeTakeFirst();
  return row ? toFile(row) : undefined;
}

/** The live folder of this name key under `parentId`, if any. */
export async function findLiveFolderNamed(
  db: Db,
  container: FileContainer,
  parentId: number | null,
  key: string,
): Promise<FolderRecord | undefined> {
  const row = await db
    .selectFrom('file_folders as d')
    .select(FOLDER_COLUMNS)
    .where(folderInContainer(container))
    .where(sql<SqlBool>`coalesce(d.parent_id, 0) = ${parentId ?? 0}`)
    .where('d.deleted_at', 'is', null)
    .where('d.name_key', '=', key)
    .executeTakeFirst();
  return row ? toFolder(row) : undefined;
}

const VERSION_COLUMNS = [
  'v.id',
  'v.file_id',
  'v.number',
  'v.sha256',
  'v.size',
  'v.mime',
  'v.original_name',
  'v.comment',
  'v.uploaded_by',
  'v.created_at',
  'v.text_status',
  'v.thumbnail_sha256',
  'v.display_sha256',
  'p.display_name as uploader_name',
] as const;

function versionsOf(db: Db) {
  return db
    .selectFrom('file_versions as v')
    .leftJoin('people as p', 'p.id', 'v.uploaded_by')
    .select(VERSION_COLUMNS);
}

type VersionRow = Awaited<
  ReturnType<ReturnType<typeof versionsOf>['executeTakeFirstOrThrow']>
>;

function toVersion(row: VersionRow): VersionRecord {
  return {
    id: row.id,
    fileId: row.file_id,
    number: row.number,
    sha256: row.sha256,
    size: Number(row.size),
    mime: row.mime,
    originalName: row.original_name,
    comment: row.comment,
    uploadedBy: row.uploaded_by,
    uploaderName: row.uploader_name,
    createdAt: row.created_at,
    textStatus: row.text_status,
    thumbnailSha256: row.thumbnail_sha256,
    displaySha256: row.display_sha256,
  };
}

/** Version `number` of a file, or undefined. */
export async function findVersion(
  db: Db,
  fileId: number,
  number: number,
): Promise<VersionRecord | undefined> {
  const row = await versionsOf(db)
    .where('v.file_id', '=', fileId)
    .where('v.number', '=', number)
    .executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

/** The version with this id, or undefined. */
export async function findVersionById(
  db: Db,
  id: number,
): Promise<VersionRecord | undefined> {
  const row = await versionsOf(db).where('v.id', '=', id).executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

/** A file's current version; undefined before its first is recorded. */
export function currentVersion(
  db: Db,
  file: Pick<FileRecord, 'currentVersionId'>,
): Promise<VersionRecord | undefined> {
  return file.currentVersionId === null
    ? Promise.resolve(undefined)
    : findVersionById(db, file.currentVersionId);
}

/** A page of a file's versions, newest first. */
export async function listVersions(
  db: Db,
  fileId: number,
  request: { pageSize: number; offset: number },
): Promise<{ items: VersionRecord[]; total: number }> {
  const [rows, count] = await Promise.all([
    versionsOf(db)
      .where('v.file_id', '=', fileId)
      .orderBy('v.number', 'desc')
      .limit(request.pageSize)
      .offset(request.offset)
      .execute(),
    db
      .selectFrom('file_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('file_id', '=', fileId)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toVersion), total: Number(count.n) };
}
