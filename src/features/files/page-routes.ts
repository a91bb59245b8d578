import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { withQuery } from '../../platform/views.ts';
import { AppError, NotFoundError } from '../../platform/errors.ts';
import { fileNotFound, folderNotFound, requireLiveFolder } from './files.ts';
import { readFolderName } from './folders.ts';
import {
  listDeletedFiles,
  listDeletedFolders,
  listFolderContents,
} from './listing.ts';
import {
  acceptMultipart,
  formFields,
  multipartOf,
  noFileChosen,
} from './multipart.ts';
import {
  breadcrumbsTo,
  done,
  fileView,
  folderListPath,
  folderView,
  formErrors,
  noticeOf,
  personOf,
} from './page-support.ts';
import type { FilePlace } from './places.ts';
import { placeFromParams, queryOf, signedIn, textOf } from './route-support.ts';
import type { GroupParams, PersonParams } from './route-support.ts';
import { makeFolder } from './service.ts';
import { formatBytes } from '../../platform/storage/sizes.ts';
import {
  closeAfterRefusal,
  closeOnError,
  receiveUploads,
} from './upload-flow.ts';
import type { UploadContext } from './upload-flow.ts';
import { fileItemPages } from './file-page-routes.ts';
import { folderPages } from './folder-page-routes.ts';

// The files pages of a group and of a person: a folder's folders and
// files, the upload form (a plain file input that drag and drop
// enhances), a form for a new folder, and the deleted files of the place
// for those who may restore them.

type Params = Partial<GroupParams & PersonParams>;

const PLACES = ['/groups/:slug', '/people/:id'] as const;

function pageNotFound(): NotFoundError {
  return new NotFoundError(
    'PAGE_NOT_FOUND',
    'There is no page with that number',
  );
}

/** `?folder=` on a list page: a live folder of the place, or the top. */
async function folderOfQuery(
  context: UploadContext,
  place: FilePlace,
  raw: unknown,
): Promise<number | null> {
  if (raw === undefined || raw === '') {
    return null;
  }
  const id = /^[1-9]\d{0,9}$/.test(textOf(raw)) ? Number(raw) : 0;
  if (id < 1 || id > 2_147_483_647) {
    throw folderNotFound();
  }
  await requireLiveFolder(context.db, place.container, id);
  return id;
}

/** A place's list page, for one folder (null: the top). */
async function renderPlace(
  context: UploadContext,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  place: FilePlace,
  folderId: number | null,
  extra: PageContext = {},
  status = 200,
) {
  const { db, limits } = context;
  const query = queryOf(request);
  const page = readPageRequest(query);
  const deletedView = query.deleted === '1';
  const mayRestore = place.rights.manage || place.rights.upload;
  if (deletedView && mayRestore) {
    return renderDeleted(context, request, reply, place, page);
  }
  const contents = await listFolderContents(
    db,
    place.container,
    folderId,
    page,
  );
  if (page.page > pageCount(contents.total, page.pageSize)) {
    throw pageNotFound();
  }
  const crumbs = await breadcrumbsTo(db, place, folderId, false);
  return reply.render(
    'files/views/list.njk',
    {
      place,
      folder:
        folderId === null
          ? null
          : folderView(
              place,
              await requireLiveFolder(db, place.container, folderId),
            ),
      breadcrumbs: folderId === null ? crumbs.slice(0, -1) : crumbs,
      folders: contents.folders.map((folder) => folderView(place, folder)),
      files: contents.files.map(fileView),
      total: contents.total,
      mayUpload: place.rights.upload,
      mayRestore,
      deletedPath: withQuery(place.listPath ?? '/', { deleted: 1 }),
      uploadPath: place.listPath,
      folderPath: `${place.listPath?.replace(/\/files$/, '')}/folders`,
      maxSizeText: formatBytes(limits.maxBytes),
      maxFiles: limits.maxFilesPerRequest,
      notice: noticeOf(request),
      pagination: paginationParams(
        page.page,
        contents.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
      values: {},
      ...extra,
    },
    status,
  );
}

async function renderDeleted(
  context: UploadContext,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  place: FilePlace,
  page: ReturnType<typeof readPageRequest>,
) {
  const { db } = context;
  const actor = personOf(request);
  const onlyOwn = place.rights.manage ? null : actor.id;
  const [files, folders] = await Promise.all([
    listDeletedFiles(db, place.container, page, onlyOwn),
    listDeletedFolders(db, place.container, page, onlyOwn),
  ]);
  const total = Math.max(files.total, folders.total);
  if (page.page > pageCount(total, page.pageSize)) {
    throw pageNotFound();
  }
  return reply.render('files/views/deleted.njk', {
    place,
    breadcrumbs: await breadcrumbsTo(db, place, null, true),
    files: files.items.map(fileView),
    folders: folders.items.map((folder) => folderView(place, folder)),
    fileTotal: files.total,
    folderTotal: folders.total,
    notice: noticeOf(request),
    pagination: paginationParams(page.page, total, page.pageSize, (n) =>
      withQuery(request.url, { page: n === 1 ? null : n }),
    ),
  });
}

export const filePages: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  const { db } = context;

  for (const prefix of PLACES) {
    app.get<{ Params: Params }>(
      `${prefix}/files`,
      signedIn,
      async (request, reply) => {
        const place = await placeFromParams(db, request.actor, request.params);
        const folderId = await folderOfQuery(
          context,
          place,
          queryOf(request).folder,
        );
        return renderPlace(context, request, reply, place, folderId);
      },
    );

    app.post<{ Params: Params }>(
      `${prefix}/folders`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const form = formFields(request);
        const place = await placeFromParams(db, actor, request.params);
        const parentId = await folderOfQuery(context, place, form.folder);
        try {
          const name = readFolderName(form.name, 'folderName');
          await makeFolder(
            db,
            actor,
            place.container,
            { name, parentId },
            folderNotFound,
          );
          return reply.redirect(
            done(folderListPath(place, parentId), 'folder-created'),
            303,
          );
        } catch (error) {
          const errors = formErrors(error, 'folderName');
          if (!errors) {
            throw error;
          }
          if (errors.name) {
            errors.folderName = errors.name;
            delete errors.name;
          }
          const values = { folderName: textOf(form.name) };
          return renderPlace(
            context,
            request,
            reply,
            place,
            parentId,
            { errors, values },
            400,
          );
        }
      },
    );
  }

  await app.register(uploadPages, context);
  await app.register(fileItemPages, context);
  await app.register(folderPages, context);
};

/**
 * The upload form's target, in a scope whose multipart bodies stream:
 * the form posts here with the hidden `_csrf` field first.
 */
const uploadPages: FastifyPluginAsync<UploadContext> = async (app, context) => {
  const { db } = context;
  acceptMultipart(app, { maxFiles: context.limits.maxFilesPerRequest });
  closeOnError(app);

  for (const prefix of PLACES) {
    app.post<{ Params: Params }>(
      `${prefix}/files`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const form = formFields(request);
        const place = await placeFromParams(db, actor, request.params);
        const folderId = await folderOfQuery(context, place, form.folder);
        try {
          if (!multipartOf(request)) {
            throw noFileChosen();
          }
          await receiveUploads(
            context,
            request,
            actor,
            place.container,
            fileNotFound,
            { fields: form, rawName: null },
          );
        } catch (error) {
          closeAfterRefusal(reply);
          const errors = formErrors(error, 'file');
          if (!errors) {
            throw error;
          }
          const status =
            error instanceof AppError && error.status === 413 ? 413 : 400;
          const values = {
            title: textOf(form.title),
            description: textOf(form.description),
          };
          return renderPlace(
            context,
            request,
            reply,
            place,
            folderId,
            { errors, values },
            status,
          );
        }
        return reply.redirect(
          done(folderListPath(place, folderId), 'uploaded'),
          303,
        );
      },
    );
  }
};
