import type { FileRecord, FolderRecord, VersionRecord } from './files.ts';

// How files, versions and folders look in the API's JSON. Addresses are
// absolute paths on this site; `apiPath` is the place's prefix, such as
// `/api/v1/groups/open-garden`.

/** The page and download addresses of a file, whatever its place. */
export function filePaths(id: number) {
  return {
    page: `/files/${id}`,
    download: `/files/${id}/download`,
  };
}

export function fileJson(apiPath: string, file: FileRecord) {
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    description: file.description,
    altText: file.altText,
    folder: file.folderId,
    size: file.size,
    type: file.mime,
    versions: file.versionCount,
    createdBy: file.createdBy,
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
    deleted: file.deletedAt !== null,
    deletedAt: file.deletedAt,
    path: `${apiPath}/files/${file.id}`,
    page: filePaths(file.id).page,
    download: filePaths(file.id).download,
  };
}

export function versionJson(
  apiPath: string,
  fileId: number,
  version: VersionRecord,
  currentVersionId: number | null,
) {
  return {
    number: version.number,
    size: version.size,
    type: version.mime,
    name: version.originalName,
    comment: version.comment,
    uploadedBy:
      version.uploadedBy === null
        ? null
        : { id: version.uploadedBy, name: version.uploaderName },
    createdAt: version.createdAt,
    current: version.id === currentVersionId,
    textStatus: version.textStatus,
    thumbnail: version.thumbnailSha256 !== null,
    content: `${apiPath}/files/${fileId}/versions/${version.number}/content`,
  };
}

export function folderJson(apiPath: string, folder: FolderRecord) {
  return {
    id: folder.id,
    name: folder.name,
    parent: folder.parentId,
    createdAt: folder.createdAt,
    deleted: folder.deletedAt !== null,
    deletedAt: folder.deletedAt,
    path: `${apiPath}/folders/${folder.id}`,
  };
}
