import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { findFolder, folderNotFound } from './files.ts';
import type { FolderRecord } from './files.ts';
import { readFolderName } from './folders.ts';
import { folderChoices } from './listing.ts';
import { formFields } from './multipart.ts';
import {
  breadcrumbsTo,
  done,
  folderListPath,
  folderView,
  formErrors,
  noticeOf,
  personOf,
} from './page-support.ts';
import { placeOfContainer } from './places.ts';
import type { FilePlace } from './places.ts';
import { readIdParam, signedIn, textOf } from './route-support.ts';
import { containerRights, setFolderDeleted, updateFolder } from './service.ts';
import { readFolderId } from './upload-flow.ts';
import type { UploadContext } from './upload-flow.ts';

// A folder's own page: rename it, move it, delete it with what is in
// it, or restore it. Its content is listed on the place's files page.

type FolderParams = { Params: { folderId: string } };

/** A folder the reader may read, and its place; anything else is 404. */
async function openFolder(
  context: UploadContext,
  actor: Actor,
  folderIdParam: string,
): Promise<{ folder: FolderRecord; place: FilePlace }> {
  const id = readIdParam(folderIdParam, folderNotFound);
  const folder = await findFolder(context.db, id);
  if (!folder) {
    throw folderNotFound();
  }
  const rights = await containerRights(
    context.db,
    actor,
    folder.container,
    folderNotFound,
  );
  if (folder.deletedAt && !rights.manage) {
    throw folderNotFound();
  }
  const place = await placeOfContainer(
    context.db,
    actor,
    folder.container,
    rights,
  );
  return { folder, place };
}

async function renderFolder(
  context: UploadContext,
  request: FastifyRequest,
  reply: FastifyReply,
  opened: { folder: FolderRecord; place: FilePlace },
  extra: PageContext = {},
  status = 200,
) {
  const { folder, place } = opened;
  const mayChange =
    place.rights.manage ||
    (place.rights.upload &&
      request.actor.kind === 'person' &&
      folder.createdBy === request.actor.id);
  const choices = mayChange
    ? (await folderChoices(context.db, folder.container)).filter(
        (choice) => choice.id !== folder.id,
      )
    : [];
  return reply.render(
    'files/views/folder.njk',
    {
      folder: folderView(place, folder),
      place,
      breadcrumbs: await breadcrumbsTo(
        context.db,
        place,
        folder.parentId,
        true,
      ),
      parentPath: folderListPath(place, folder.parentId),
      mayChange,
      folders: choices,
      notice: noticeOf(request),
      values: {
        name: folder.name,
        parent: folder.parentId === null ? '' : String(folder.parentId),
      },
      ...extra,
    },
    status,
  );
}

export const folderPages: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  const { db } = context;

  app.get<FolderParams>(
    '/folders/:folderId',
    signedIn,
    async (request, reply) => {
      const opened = await openFolder(
        context,
        request.actor,
        request.params.folderId,
      );
      return renderFolder(context, request, reply, opened);
    },
  );

  app.post<FolderParams>(
    '/folders/:folderId/edit',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const form = formFields(request);
      const opened = await openFolder(context, actor, request.params.folderId);
      try {
        const check = new FieldValidator(form);
        const parentId = readFolderId(check, form.parent, 'parent');
        check.done();
        const name = readFolderName(form.name);
        await updateFolder(
          db,
          actor,
          opened.folder.container,
          opened.folder.id,
          { name, parentId },
          folderNotFound,
        );
        const path = `/folders/${opened.folder.id}`;
        return reply.redirect(done(path, 'folder-saved'), 303);
      } catch (error) {
        const errors = formErrors(error, 'name');
        if (!errors) {
          throw error;
        }
        const values = { name: textOf(form.name), parent: textOf(form.parent) };
        return renderFolder(
          context,
          request,
          reply,
          opened,
          { errors, values },
          400,
        );
      }
    },
  );

  for (const deleting of [true, false]) {
    const action = deleting ? 'delete' : 'restore';
    app.post<FolderParams>(
      `/folders/:folderId/${action}`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const opened = await openFolder(
          context,
          actor,
          request.params.folderId,
        );
        try {
          await setFolderDeleted(
            db,
            actor,
            opened.folder.container,
            opened.folder.id,
            deleting,
            folderNotFound,
          );
        } catch (error) {
          const errors = formErrors(error, 'restore');
          if (!errors) {
            throw error;
          }
          const status = error instanceof AppError ? error.status : 400;
          return renderFolder(
            context,
            request,
            reply,
            opened,
            { errors },
            status,
          );
        }
        const path = deleting
          ? folderListPath(opened.place, opened.folder.parentId)
          : `/folders/${opened.folder.id}`;
        const key = deleting ? 'folder-deleted' : 'folder-restored';
        return reply.redirect(done(path, key), 303);
      },
    );
  }
};
