import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { callerOf, jsonBodyOf } from '../groups/api-support.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import type { Actor } from '../../access/actor.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { isBlank } from '../../platform/text.ts';
import type { FileDetails } from './changes.ts';
import { uploadRoutes } from './api-uploads.ts';
import { sendVersion } from './downloads.ts';
import {
  findVersion,
  folderNotFound,
  listVersions,
  readFileName,
  requireLiveFolder,
  versionNotFound,
} from './files.ts';
import { readFolderName } from './folders.ts';
import {
  listDeletedFiles,
  listDeletedFolders,
  listFiles,
  listFolders,
} from './listing.ts';
import type { FilePlace } from './places.ts';
import { fileJson, folderJson, versionJson } from './representations.ts';
import {
  fileFromParams,
  placeFromParams,
  queryOf,
  readIdParam,
  readVersionParam,
  signedIn,
} from './route-support.ts';
import {
  makeFolder,
  revertFile,
  setFileDeleted,
  setFolderDeleted,
  updateFile,
  updateFolder,
} from './service.ts';
import { readFolderId } from './upload-flow.ts';
import type { UploadContext } from './upload-flow.ts';

// The files API, following DESIGN.md: the same routes for a group's
// files (/api/v1/groups/:slug/…) and a person's (/api/v1/people/:id/…).
// Anything the caller may not read answers 404. Uploads stream: a
// multipart form, or the raw body with `?name=`.

type Params = { slug?: string; id?: string };
type FileParams = Params & { fileId: string };
type VersionParams = FileParams & { number: string };
type FolderParams = Params & { folderId: string };

const PLACES = ['/api/v1/groups/:slug', '/api/v1/people/:id'] as const;

const FILE_FIELDS = ['name', 'title', 'description', 'altText', 'folder'];
const FOLDER_FIELDS = ['name', 'parent'];

/**
 * Fails each field of a PATCH body that is not one of `known`: a typo
 * silently ignored would look like a change that was made.
 */
function refuseUnknownFields(
  check: FieldValidator,
  input: Record<string, unknown>,
  known: readonly string[],
): void {
  const list = known.join(', ');
  for (const field of Object.keys(input)) {
    if (!known.includes(field)) {
      check.fail(field, `There is no field ${field} to change: send ${list}`);
    }
  }
}

/** The details a PATCH may change, each only when sent. */
function readFileChanges(
  input: Record<string, unknown>,
): FileDetails & { folderId?: number | null } {
  const check = new FieldValidator(input);
  refuseUnknownFields(check, input, FILE_FIELDS);
  const changes: FileDetails & { folderId?: number | null } = {};
  if (check.has('name')) {
    if (typeof input.name !== 'string' || isBlank(input.name)) {
      check.fail('name', 'Enter a file name');
    } else {
      const read = readFileName(input.name);
      if ('error' in read) {
        check.fail('name', read.error);
      } else {
        changes.name = read.name;
      }
    }
  }
  if (check.has('title')) {
    changes.title =
      check.text('title', { label: 'Title', max: 200, required: true }) ?? '';
  }
  if (check.has('description')) {
    changes.description =
      check.text('description', {
        label: 'Description',
        max: 5000,
        multiline: true,
      }) ?? '';
  }
  if (check.has('altText')) {
    changes.altText = check.text('altText', {
      label: 'Alternative text',
      max: 500,
    });
  }
  if (check.has('folder')) {
    changes.folderId = readFolderId(check, input.folder);
  }
  check.done();
  return changes;
}

/** `?deleted=true` asks for the deleted list; absent or false, the live one. */
function readDeletedFlag(check: FieldValidator, raw: unknown): boolean {
  if (raw === undefined || raw === '' || raw === 'false') {
    return false;
  }
  if (raw !== 'true') {
    check.fail('deleted', 'Send deleted=true or deleted=false');
  }
  return raw === 'true';
}

/**
 * Whose deleted files and folders `actor` may list, by the rule the
 * deleted page follows: everyone's for those who run the place (null),
 * their own for those who may upload there; anyone else is refused.
 */
function restorableBy(place: FilePlace, actor: Actor): number | null {
  if (place.rights.manage) {
    return null;
  }
  if (place.rights.upload && actor.kind === 'person') {
    return actor.id;
  }
  throw new ForbiddenError(
    'FILE_FORBIDDEN',
    'Only the people who may restore files here can list the deleted ones',
  );
}

function apiPathOf(place: FilePlace): string {
  return place.apiPath ?? '';
}

/** The routes that read bodies as JSON: everything but uploads. */
function placeRoutes(app: FastifyInstance, context: UploadContext) {
  const { db, store } = context;
  for (const prefix of PLACES) {
    app.get<{ Params: Params }>(
      `${prefix}/files`,
      signedIn,
      async (request) => {
        const query = queryOf(request);
        const page = readPageRequest(query);
        const place = await placeFromParams(db, request.actor, request.params);
        const check = new FieldValidator(query);
        const folderId = readFolderId(check, query.folder);
        const deleted = readDeletedFlag(check, query.deleted);
        if (deleted && folderId !== null) {
          check.fail('folder', 'The deleted list is of the whole place');
        }
        check.done();
        if (deleted) {
          const who = restorableBy(place, request.actor);
          const gone = await listDeletedFiles(db, place.container, page, who);
          return pageOf(gone, page, (file) => fileJson(apiPathOf(place), file));
        }
        if (folderId !== null) {
          await requireLiveFolder(db, place.container, folderId);
        }
        const result = await listFiles(db, place.container, folderId, page);
        return pageOf(result, page, (file) => fileJson(apiPathOf(place), file));
      },
    );

    app.get<{ Params: FileParams }>(
      `${prefix}/files/:fileId`,
      signedIn,
      async (request) => {
        const { place, file } = await fileFromParams(
          db,
          request.actor,
          request.params,
        );
        return fileJson(apiPathOf(place), file);
      },
    );

    app.patch<{ Params: FileParams }>(
      `${prefix}/files/:fileId`,
      signedIn,
      async (request) => {
        const actor = callerOf(request);
        const changes = readFileChanges(jsonBodyOf(request));
        const { place, file } = await fileFromParams(db, actor, request.params);
        const changed = await updateFile(db, actor, file.id, changes);
        return fileJson(apiPathOf(place), changed);
      },
    );

    for (const deleting of [true, false]) {
      const path = deleting
        ? `${prefix}/files/:fileId`
        : `${prefix}/files/:fileId/restore`;
      const method = deleting ? app.delete.bind(app) : app.post.bind(app);
      method<{ Params: FileParams }>(path, signedIn, async (request) => {
        const actor = callerOf(request);
        const { place, file } = await fileFromParams(db, actor, request.params);
        const changed = await setFileDeleted(db, actor, file.id, deleting);
        return fileJson(apiPathOf(place), changed);
      });
    }

    app.get<{ Params: FileParams }>(
      `${prefix}/files/:fileId/versions`,
      signedIn,
      async (request) => {
        const page = readPageRequest(queryOf(request));
        const { place, file } = await fileFromParams(
          db,
          request.actor,
          request.params,
        );
        const result = await listVersions(db, file.id, page);
        return pageOf(result, page, (version) =>
          versionJson(
            apiPathOf(place),
            file.id,
            version,
            file.currentVersionId,
          ),
        );
      },
    );

    app.get<{ Params: VersionParams }>(
      `${prefix}/files/:fileId/versions/:number/content`,
      signedIn,
      async (request, reply) => {
        const { file } = await fileFromParams(
          db,
          request.actor,
          request.params,
        );
        const number = readVersionParam(request.params.number);
        const version = await findVersion(db, file.id, number);
        if (!version) {
          throw versionNotFound();
        }
        return sendVersion(
          request,
          reply,
          store,
          version,
          version.originalName,
        );
      },
    );

    app.post<{ Params: VersionParams }>(
      `${prefix}/files/:fileId/versions/:number/revert`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const { place, file } = await fileFromParams(db, actor, request.params);
        const number = readVersionParam(request.params.number);
        const added = await revertFile(
          db,
          actor,
          file.id,
          number,
          context.limits,
        );
        const version = await findVersion(db, file.id, added.number);
        if (!version) {
          throw versionNotFound();
        }
        reply.code(201);
        return versionJson(apiPathOf(place), file.id, version, version.id);
      },
    );

    app.get<{ Params: Params }>(
      `${prefix}/folders`,
      signedIn,
      async (request) => {
        const query = queryOf(request);
        const page = readPageRequest(query);
        const place = await placeFromParams(db, request.actor, request.params);
        const check = new FieldValidator(query);
        const parentId = readFolderId(check, query.parent, 'parent');
        const deleted = readDeletedFlag(check, query.deleted);
        if (deleted && parentId !== null) {
          check.fail('parent', 'The deleted list is of the whole place');
        }
        check.done();
        if (deleted) {
          const who = restorableBy(place, request.actor);
          const gone = await listDeletedFolders(db, place.container, page, who);
          return pageOf(gone, page, (folder) =>
            folderJson(apiPathOf(place), folder),
          );
        }
        if (parentId !== null) {
          await requireLiveFolder(db, place.container, parentId);
        }
        const result = await listFolders(db, place.container, parentId, page);
        return pageOf(result, page, (folder) =>
          folderJson(apiPathOf(place), folder),
        );
      },
    );

    app.post<{ Params: Params }>(
      `${prefix}/folders`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const input = jsonBodyOf(request);
        const check = new FieldValidator(input);
        const parentId = readFolderId(check, input.parent, 'parent');
        check.done();
        const name = readFolderName(input.name);
        const place = await placeFromParams(db, actor, request.params);
        const folder = await makeFolder(
          db,
          actor,
          place.container,
          { name, parentId },
          folderNotFound,
        );
        reply.code(201);
        return folderJson(apiPathOf(place), folder);
      },
    );

    app.patch<{ Params: FolderParams }>(
      `${prefix}/folders/:folderId`,
      signedIn,
      async (request) => {
        const actor = callerOf(request);
        const input = jsonBodyOf(request);
        const check = new FieldValidator(input);
        refuseUnknownFields(check, input, FOLDER_FIELDS);
        const changes: { name?: string; parentId?: number | null } = {};
        if (check.has('parent')) {
          changes.parentId = readFolderId(check, input.parent, 'parent');
        }
        check.done();
        if (check.has('name')) {
          changes.name = readFolderName(input.name);
        }
        const place = await placeFromParams(db, actor, request.params);
        const folderId = readIdParam(request.params.folderId, folderNotFound);
        const folder = await updateFolder(
          db,
          actor,
          place.container,
          folderId,
          changes,
          folderNotFound,
        );
        return folderJson(apiPathOf(place), folder);
      },
    );

    for (const deleting of [true, false]) {
      const path = deleting
        ? `${prefix}/folders/:folderId`
        : `${prefix}/folders/:folderId/restore`;
      const method = deleting ? app.delete.bind(app) : app.post.bind(app);
      method<{ Params: FolderParams }>(path, signedIn, async (request) => {
        const actor = callerOf(request);
        const place = await placeFromParams(db, actor, request.params);
        const folderId = readIdParam(request.params.folderId, folderNotFound);
        const folder = await setFolderDeleted(
          db,
          actor,
          place.container,
          folderId,
          deleting,
          folderNotFound,
        );
        return folderJson(apiPathOf(place), folder);
      });
    }
  }
}

/** The files API: JSON routes, and the upload routes in their own scope. */
export const filesApi: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  placeRoutes(app, context);
  await app.register(uploadRoutes, context);
};
