import type { FastifyRequest } from 'fastify';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { AppError, UnauthenticatedError } from '../../platform/errors.ts';
import { withQuery } from '../../platform/views.ts';
import type { FileRecord, FolderRecord, VersionRecord } from './files.ts';
import { folderPath } from './folders.ts';
import type { FilePlace } from './places.ts';
import { formatBytes } from '../../platform/storage/sizes.ts';

// What the files pages share: who is asking, the addresses and
// breadcrumbs of a place and its folders, how files look in a list, and
// the notice a page shows after a change.

export function personOf(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

/** The address of a folder's list in a place (null: the top). */
export function folderListPath(place: FilePlace, folderId: number | null) {
  const base = place.listPath ?? '/';
  return folderId === null ? base : withQuery(base, { folder: folderId });
}

/**
 * Breadcrumbs to a place's files and down through `folderId`'s path;
 * with `last` false the folder itself is left for the page's heading.
 */
export async function breadcrumbsTo(
  db: Db,
  place: FilePlace,
  folderId: number | null,
  includeLast: boolean,
) {
  const crumbs: { text: string; href: string }[] = [];
  if (place.container.kind === 'group') {
    crumbs.push({ text: 'Groups', href: '/groups' });
  } else if (place.container.kind === 'person') {
    crumbs.push({ text: 'People', href: '/people' });
  }
  if (place.ownerPath) {
    crumbs.push({ text: place.ownerName, href: place.ownerPath });
  }
  if (place.listPath) {
    crumbs.push({ text: 'Files', href: place.listPath });
  }
  if (folderId !== null) {
    const path = await folderPath(db, folderId);
    const shown = includeLast ? path : path.slice(0, -1);
    for (const step of shown) {
      crumbs.push({ text: step.name, href: folderListPath(place, step.id) });
    }
  }
  return crumbs;
}

// What a type is called on a page: people know "PDF", not
// "application/pdf". Types not named here show as their extension.
const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/zip': 'Zip archive',
  'application/gzip': 'Gzip archive',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
    'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
    'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation':
    'PowerPoint presentation',
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
  'application/vnd.oasis.opendocument.presentation':
    'OpenDocument presentation',
  'text/plain': 'Text',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
  'image/tiff': 'TIFF image',
  'image/svg+xml': 'SVG image',
  'text/html': 'Web page (HTML)',
  'application/xml': 'XML',
};

/** The type of a file in words, for pages. */
export function typeName(mime: string, name: string): string {
  if (mime === 'text/plain' && /\.csv$/i.test(name)) {
    return 'CSV (text)';
  }
  const named = TYPE_NAMES[mime];
  if (named) {
    return named;
  }
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1];
  return extension ? `${extension.toUpperCase()} file` : 'File';
}

/** A size and type as a list shows them. */
export function fileView(file: FileRecord) {
  return {
    ...file,
    path: `/files/${file.id}`,
    downloadPath: `/files/${file.id}/download`,
    sizeText: formatBytes(file.size),
    typeText: typeName(file.mime, file.name),
    isImage: file.mime.startsWith('image/'),
  };
}

export function folderView(place: FilePlace, folder: FolderRecord) {
  return {
    ...folder,
    listPath: folderListPath(place, folder.id),
    managePath: `/folders/${folder.id}`,
  };
}

export function versionView(
  file: FileRecord,
  version: VersionRecord,
  mayRevert: boolean,
) {
  const current = version.id === file.currentVersionId;
  return {
    ...version,
    current,
    sizeText: formatBytes(version.size),
    downloadPath: `/files/${file.id}/versions/${version.number}/download`,
    revertPath:
      mayRevert && !current
        ? `/files/${file.id}/versions/${version.number}/revert`
        : null,
    uploaderPath:
      version.uploadedBy === null ? null : `/people/${version.uploadedBy}`,
  };
}

// A change ends in a redirect with `?done=KEY`; the page shows the
// sentence for the key, and only these sentences can appear.
const NOTICES: Record<string, string> = {
  uploaded: 'Your files have been uploaded.',
  'version-uploaded': 'The new version has been uploaded.',
  'folder-created': 'The folder has been made.',
  'folder-saved': 'The folder has been changed.',
  'folder-deleted': 'The folder and everything in it have been deleted.',
  'folder-restored': 'The folder and what was deleted with it are back.',
  saved: 'The file’s details have been saved.',
  moved: 'The file has been moved.',
  deleted: 'The file has been deleted.',
  restored: 'The file has been restored.',
  reverted: 'The file has been reverted: the old version is now the newest.',
};

export function noticeOf(request: FastifyRequest): string | undefined {
  const key = (request.query as Record<string, unknown>).done;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key)
    ? NOTICES[key]
    : undefined;
}

/** `path` with `?done=KEY` added, for the redirect after a change. */
export function done(path: string, key: keyof typeof NOTICES): string {
  return withQuery(path, { done: key });
}

/**
 * The errors to show in a form for an error a change can meet: a
 * validation error's fields, or one message on `field` for a refusal
 * the person can put right (a taken name, a size over the limit).
 */
export function formErrors(
  error: unknown,
  field: string,
): Record<string, string> | null {
  if (!(error instanceof AppError)) {
    return null;
  }
  if (error.code === 'VALIDATION_FAILED' && error.fields) {
    return Object.keys(error.fields).length > 0
      ? { ...error.fields }
      : { [field]: error.message };
  }
  const fixable = [
    'NAME_TAKEN',
    'FILE_TOO_LARGE',
    'QUOTA_EXCEEDED',
    'PARENT_DELETED',
    'FOLDER_NOT_FOUND',
  ];
  return fixable.includes(error.code) ? { [field]: error.message } : null;
}
