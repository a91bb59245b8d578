import { indexFiles } from '../search/sources.ts';
import type { Kysely } from 'kysely';
import type { Actor, PersonActor } from '../../access/actor.ts';
import { fileRights } from '../../access/files.ts';
import type { FileContainer, FileRights } from '../../access/files.ts';
import type { Database, Db } from '../../database.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { findAccountById } from '../people/accounts.ts';
import { changeFile, deleteFile, restoreFile } from './changes.ts';
import type { FileDetails } from './changes.ts';
import {
  fileNotFound,
  findFile,
  findVersion,
  versionNotFound,
} from './files.ts';
import type { FileRecord, FolderRecord } from './files.ts';
import {
  changeFolder,
  createFolder,
  deleteFolder,
  requireFolderIn,
  restoreFolder,
} from './folders.ts';
import type { FileLimits } from './quota.ts';
import {
  recordNewVersion,
  recordUploads,
  revertToVersion,
} from './versions.ts';
import type { RecordedUpload, StoredUpload, UploadTarget } from './versions.ts';

// What the files feature does, as its routes and other features call it:
// each function checks who is asking through src/access/files.ts, acts
// in one transaction, and keeps search in step. Anything the caller may
// not read is "not found"; something they may read but not change is
// "forbidden".

/**
 * Keeps the search index in step with files whose title, description,
 * name, folder or deletion changed, or that have a new version. Runs in
 * the transaction of the change.
 */
export async function fileSearchChanged(
  db: Db,
  fileIds: readonly number[],
): Promise<void> {
  if (fileIds.length > 0) {
    await indexFiles(db, fileIds);
  }
}

/** A file as the caller may see it, with what they may do to it. */
export interface FileAccess {
  file: FileRecord;
  rights: FileRights;
  /** Rename, move, delete, restore, revert: managers, or its uploader. */
  mayChange: boolean;
}

/** Whether `actor` may change `file`, given their rights where it is. */
function mayChangeFile(
  actor: Actor,
  file: FileRecord,
  rights: FileRights,
): boolean {
  const own = actor.kind === 'person' && file.createdBy === actor.id;
  return rights.manage || (rights.upload && own);
}

/**
 * The file `id` when `actor` may read it; deleted files only for those
 * who may restore them. Anything else is FILE_NOT_FOUND.
 */
export async function openFile(
  db: Db,
  actor: Actor,
  id: number,
  now = new Date().toISOString(),
): Promise<FileAccess> {
  const file = await findFile(db, id);
  if (!file) {
    throw fileNotFound();
  }
  const where = await fileRights(db, actor, file.container, now);
  if (!where.read) {
    throw fileNotFound();
  }
  // An attachment may be changed, or given a new version, by whoever may
  // attach to its item, as the item's own feature decides
  // (./attachments/items.ts), and by those who manage the place.
  let rights = where;
  let mayChange: boolean;
  if (file.container.kind === 'attached') {
    // Imported when needed: the items module reaches into wiki, Talk and
    // blogs, whose pages in turn show attachments through this feature.
    const { mayAttachTo } = await import('./attachments/items.ts');
    const attach = await mayAttachTo(db, actor, file.container);
    rights = { ...where, upload: where.manage || attach };
    mayChange = rights.upload;
  } else {
    mayChange = mayChangeFile(actor, file, rights);
  }
  if (file.deletedAt && !mayChange) {
    throw fileNotFound();
  }
  return { file, rights, mayChange };
}

/** What `actor` may do in a container; not readable is not found. */
export async function containerRights(
  db: Db,
  actor: Actor,
  container: FileContainer,
  notFound: () => Error,
  now = new Date().toISOString(),
): Promise<FileRights> {
  const rights = await fileRights(db, actor, container, now);
  if (!rights.read) {
    throw notFound();
  }
  return rights;
}

/** The refusal for someone who may read a file but not change it. */
export function cannotChange(): ForbiddenError {
  return new ForbiddenError(
    'FILE_FORBIDDEN',
    'Only the person who uploaded this file and the people who run this space can change it',
  );
}

/**
 * The refusal for someone who may read a place but not add to it: a
 * group's members may, a person's own files only that person (`owner`).
 */
export function cannotUpload(owner?: string): ForbiddenError {
  return new ForbiddenError(
    'UPLOAD_FORBIDDEN',
    owner === undefined
      ? 'Only members can add files here'
      : `Only ${owner} can add files to their own files`,
  );
}

/** cannotUpload for `container`, naming the person whose files they are. */
export async function cannotUploadTo(
  db: Db,
  container: FileContainer,
): Promise<ForbiddenError> {
  if (container.kind !== 'person') {
    return cannotUpload();
  }
  const person = await findAccountById(db, container.personId);
  return cannotUpload(person?.displayName ?? 'the owner');
}

function cannotManageFolders(): ForbiddenError {
  return new ForbiddenError(
    'FOLDER_FORBIDDEN',
    'Only the people who run this space can change its folders',
  );
}

async function changeable(
  db: Db,
  actor: PersonActor,
  id: number,
): Promise<FileAccess> {
  const access = await openFile(db, actor, id);
  if (!access.mayChange) {
    throw cannotChange();
  }
  return access;
}

/** Records uploads whose bytes are stored, as new files or versions. */
export async function saveUploads(
  db: Kysely<Database>,
  actor: PersonActor,
  target: UploadTarget,
  uploads: readonly StoredUpload[],
  limits: FileLimits,
): Promise<RecordedUpload[]> {
  return db.transaction().execute(async (trx) => {
    const rights = await requireUpload(trx, actor, target.container, () =>
      fileNotFound(),
    );
    // Whoever may attach to an item may change its attachments; elsewhere
    // a new version is a change like a rename (mayChangeFile).
    const attached = target.container.kind === 'attached';
    const recorded = await recordUploads(
      trx,
      actor,
      target,
      uploads,
      limits,
      (file) => attached || mayChangeFile(actor, file, rights),
    );
    await fileSearchChanged(
      trx,
      recorded.map((each) => each.fileId),
    );
    return recorded;
  });
}

/** Throws unless `actor` may upload to the container. */
export async function requireUpload(
  db: Db,
  actor: Actor,
  container: FileContainer,
  notFound: () => Error,
): Promise<FileRights> {
  const rights = await containerRights(db, actor, container, notFound);
  if (!rights.upload) {
    throw await cannotUploadTo(db, container);
  }
  return rights;
}

/** Records stored bytes as the next version of one file. */
export async function saveNewVersion(
  db: Kysely<Database>,
  actor: PersonActor,
  fileId: number,
  upload: StoredUpload,
  comment: string,
  limits: FileLimits,
): Promise<RecordedUpload> {
  return db.transaction().execute(async (trx) => {
    const { file, rights, mayChange } = await openFile(trx, actor, fileId);
    if (!rights.upload) {
      throw await cannotUploadTo(trx, file.container);
    }
    if (!mayChange) {
      throw cannotChange();
    }
    const recorded = await recordNewVersion(
      trx,
      actor,
      file,
      upload,
      comment,
      limits,
    );
    await fileSearchChanged(trx, [file.id]);
    return recorded;
  });
}

/** Renames, retitles, describes or moves a file. */
export async function updateFile(
  db: Kysely<Database>,
  actor: PersonActor,
  fileId: number,
  details: FileDetails & { folderId?: number | null },
): Promise<FileRecord> {
  return db.transaction().execute(async (trx) => {
    const { file } = await changeable(trx, actor, fileId);
    if (file.deletedAt) {
      throw fileNotFound();
    }
    await changeFile(trx, file, details);
    await fileSearchChanged(trx, [file.id]);
    return (await findFile(trx, file.id)) ?? file;
  });
}

/** Deletes (softly) or restores a file. */
export async function setFileDeleted(
  db: Kysely<Database>,
  actor: PersonActor,
  fileId: number,
  deleted: boolean,
): Promise<FileRecord> {
  return db.transaction().execute(async (trx) => {
    const { file } = await changeable(trx, actor, fileId);
    await (deleted ? deleteFile(trx, actor, file) : restoreFile(trx, file));
    await fileSearchChanged(trx, [file.id]);
    return (await findFile(trx, file.id)) ?? file;
  });
}

/** Makes version `number`'s bytes the file's current ones. */
export async function revertFile(
  db: Kysely<Database>,
  actor: PersonActor,
  fileId: number,
  number: number,
  limits: FileLimits,
): Promise<{ id: number; number: number }> {
  return db.transaction().execute(async (trx) => {
    const { file } = await changeable(trx, actor, fileId);
    if (file.deletedAt) {
      throw fileNotFound();
    }
    const version = await findVersion(trx, file.id, number);
    if (!version) {
      throw versionNotFound();
    }
    const added = await revertToVersion(trx, actor, file, version, limits);
    await fileSearchChanged(trx, [file.id]);
    return added;
  });
}

/** Throws unless `actor` may manage the container's folders. */
async function requireFolderManager(
  db: Db,
  actor: Actor,
  container: FileContainer,
  notFound: () => Error,
): Promise<void> {
  const rights = await containerRights(db, actor, container, notFound);
  if (!rights.manage && !rights.upload) {
    throw cannotManageFolders();
  }
}

/** Makes a folder; members may, as they may upload. */
export async function makeFolder(
  db: Kysely<Database>,
  actor: PersonActor,
  container: FileContainer,
  input: { name: string; parentId: number | null },
  notFound: () => Error,
): Promise<FolderRecord> {
  return db.transaction().execute(async (trx) => {
    await requireFolderManager(trx, actor, container, notFound);
    return createFolder(trx, actor, container, input);
  });
}

/**
 * A folder of the container and whether `actor` may change it: its
 * managers may; a member may change a folder they made, like a file.
 */
async function changeableFolder(
  db: Db,
  actor: PersonActor,
  container: FileContainer,
  folderId: number,
  notFound: () => Error,
): Promise<FolderRecord> {
  const rights = await containerRights(db, actor, container, notFound);
  const folder = await requireFolderIn(db, container, folderId);
  const own = folder.createdBy === actor.id;
  if (!rights.manage && !(rights.upload && own)) {
    throw cannotManageFolders();
  }
  return folder;
}

/** Renames or moves a folder. */
export async function updateFolder(
  db: Kysely<Database>,
  actor: PersonActor,
  container: FileContainer,
  folderId: number,
  changes: { name?: string; parentId?: number | null },
  notFound: () => Error,
): Promise<FolderRecord> {
  return db.transaction().execute(async (trx) => {
    const folder = await changeableFolder(
      trx,
      actor,
      container,
      folderId,
      notFound,
    );
    return changeFolder(trx, folder, changes);
  });
}

/** Deletes or restores a folder with what is in it. */
export async function setFolderDeleted(
  db: Kysely<Database>,
  actor: PersonActor,
  container: FileContainer,
  folderId: number,
  deleted: boolean,
  notFound: () => Error,
): Promise<FolderRecord> {
  return db.transaction().execute(async (trx) => {
    const folder = await changeableFolder(
      trx,
      actor,
      container,
      folderId,
      notFound,
    );
    const fileIds = deleted
      ? await deleteFolder(trx, actor, folder)
      : await restoreFolder(trx, folder);
    await fileSearchChanged(trx, fileIds);
    return requireFolderIn(trx, container, folderId);
  });
}
