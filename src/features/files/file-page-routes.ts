import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import { AppError, NotFoundError } from '../../platform/errors.ts';
import type { FileContainer } from '../../access/files.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { withQuery } from '../../platform/views.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { isRasterImage } from '../../platform/sniff.ts';
import { isBlank } from '../../platform/text.ts';
import { sendRendition, sendVersion } from './downloads.ts';
import {
  fileNotFound,
  findVersion,
  currentVersion,
  listVersions,
  readFileName,
  versionNotFound,
} from './files.ts';
import { folderChoices } from './listing.ts';
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
  formErrors,
  noticeOf,
  personOf,
  versionView,
} from './page-support.ts';
import { placeOfContainer } from './places.ts';
import {
  readIdParam,
  readVersionParam,
  signedIn,
  textOf,
} from './route-support.ts';
import { openFile, revertFile, setFileDeleted, updateFile } from './service.ts';
import type { FileAccess } from './service.ts';
import { formatBytes } from '../../platform/storage/sizes.ts';
import {
  closeAfterRefusal,
  closeOnError,
  readFolderId,
  receiveVersion,
} from './upload-flow.ts';
import type { UploadContext } from './upload-flow.ts';

// One file's page and what changes it: its details, versions (each
// downloadable, any revertable), a form for a new version, moving,
// deleting and restoring; and the addresses that send its bytes.

type FileParams = { Params: { fileId: string } };
type VersionParams = { Params: { fileId: string; number: string } };

const VERSIONS_PAGE_SIZE = 20;

async function openFromParams(
  context: UploadContext,
  actor: Actor,
  fileId: string,
): Promise<FileAccess> {
  return openFile(context.db, actor, readIdParam(fileId, fileNotFound));
}

/** The file's page, with the forms its reader may use. */
async function renderFile(
  context: UploadContext,
  request: FastifyRequest,
  reply: FastifyReply,
  access: FileAccess,
  extra: PageContext = {},
  status = 200,
) {
  const { db } = context;
  const { file, rights, mayChange } = access;
  const page = readPageRequest(
    request.query as Record<string, unknown>,
    VERSIONS_PAGE_SIZE,
  );
  const [place, versions, current] = await Promise.all([
    placeOfContainer(db, request.actor, file.container, rights),
    listVersions(db, file.id, page),
    currentVersion(db, file),
  ]);
  if (page.page > pageCount(versions.total, page.pageSize)) {
    throw versionNotFound();
  }
  const choices =
    mayChange && place.listPath ? await folderChoices(db, file.container) : [];
  const attachedTo = await attachedItemOf(db, request.actor, file.container);
  const crumbs = await breadcrumbsTo(db, place, file.folderId, true);
  if (attachedTo) {
    crumbs.push({ text: attachedTo.title, href: attachedTo.path });
  }
  return reply.render(
    'files/views/file.njk',
    {
      file: fileView(file),
      place,
      breadcrumbs: crumbs,
      attachedTo,
      current: current ? versionView(file, current, false) : null,
      // Until the background job has drawn a display copy, a raster
      // image shows from its original, which is sent as an attachment:
      // an <img> still shows it, and opened alone it only downloads.
      displayPath: current?.displaySha256
        ? `/files/${file.id}/display`
        : current && isRasterImage(current.mime)
          ? `/files/${file.id}/download`
          : null,
      thumbnailPath: current?.thumbnailSha256
        ? `/files/${file.id}/thumbnail`
        : null,
      versions: versions.items.map((version) =>
        versionView(file, version, mayChange && file.deletedAt === null),
      ),
      versionTotal: versions.total,
      mayUpload: rights.upload && mayChange && file.deletedAt === null,
      mayChange,
      folders: choices,
      folderListPath: place.listPath
        ? folderListPath(place, file.folderId)
        : null,
      maxSizeText: formatBytes(context.limits.maxBytes),
      notice: noticeOf(request),
      pagination: paginationParams(
        page.page,
        versions.total,
        page.pageSize,
        (n) => withQuery(request.url, { page: n === 1 ? null : n }),
      ),
      values: {
        name: file.name,
        title: file.title,
        description: file.description,
        altText: file.altText ?? '',
        folder: file.folderId === null ? '' : String(file.folderId),
      },
      ...extra,
    },
    status,
  );
}

/**
 * The item an attached file belongs to, for the link back to it; null
 * for other files, and for an item the reader cannot open.
 */
async function attachedItemOf(
  db: UploadContext['db'],
  actor: Actor,
  container: FileContainer,
): Promise<{ title: string; path: string } | null> {
  if (container.kind !== 'attached') {
    return null;
  }
  // Imported when needed, as in ./service.ts: the items module reaches
  // into wiki, Talk and blogs, whose pages show attachments through us.
  const { openItem, pathKindOf } = await import('./attachments/items.ts');
  try {
    const item = await openItem(
      db,
      actor,
      pathKindOf(container.attachedKind),
      container.attachedId,
    );
    return { title: item.title, path: item.path };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return null;
    }
    throw error;
  }
}

/** A details form: name, title, description, alternative text. */
function readDetails(form: Record<string, unknown>) {
  const check = new FieldValidator(form);
  let name: string | undefined;
  if (typeof form.name !== 'string' || isBlank(form.name)) {
    check.fail('name', 'Enter a file name');
  } else {
    const read = readFileName(form.name);
    if ('error' in read) {
      check.fail('name', read.error);
    } else {
      name = read.name;
    }
  }
  const title =
    check.text('title', { label: 'Title', max: 200, required: true }) ?? '';
  const description =
    check.text('description', {
      label: 'Description',
      max: 5000,
      multiline: true,
    }) ?? '';
  const altText = check.text('altText', {
    label: 'Alternative text',
    max: 500,
  });
  check.done();
  return { name, title, description, altText };
}

export const fileItemPages: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  const { db, store } = context;

  app.get<FileParams>('/files/:fileId', signedIn, async (request, reply) => {
    const access = await openFromParams(
      context,
      request.actor,
      request.params.fileId,
    );
    return renderFile(context, request, reply, access);
  });

  app.get<FileParams>(
    '/files/:fileId/download',
    signedIn,
    async (request, reply) => {
      const { file } = await openFromParams(
        context,
        request.actor,
        request.params.fileId,
      );
      const version = await currentVersion(db, file);
      if (!version) {
        throw fileNotFound();
      }
      return sendVersion(request, reply, store, version, file.name);
    },
  );

  app.get<VersionParams>(
    '/files/:fileId/versions/:number/download',
    signedIn,
    async (request, reply) => {
      const { file } = await openFromParams(
        context,
        request.actor,
        request.params.fileId,
      );
      const number = readVersionParam(request.params.number);
      const version = await findVersion(db, file.id, number);
      if (!version) {
        throw versionNotFound();
      }
      return sendVersion(request, reply, store, version, version.originalName);
    },
  );

  for (const kind of ['display', 'thumbnail'] as const) {
    app.get<FileParams>(
      `/files/:fileId/${kind}`,
      signedIn,
      async (request, reply) => {
        const { file } = await openFromParams(
          context,
          request.actor,
          request.params.fileId,
        );
        const version = await currentVersion(db, file);
        const sha256 =
          kind === 'display'
            ? (version?.displaySha256 ?? null)
            : (version?.thumbnailSha256 ?? null);
        if (
          kind === 'display' &&
          sha256 === null &&
          version &&
          isRasterImage(version.mime)
        ) {
          // No display copy yet, or none could be drawn: the Markdown of
          // an attached image points here, so send the original, as an
          // attachment like every original. An <img> still shows it.
          return sendVersion(request, reply, store, version, file.name);
        }
        const stem = file.name.replace(/\.[^.]*$/, '');
        return sendRendition(db, reply, store, sha256, `${stem}-${kind}`);
      },
    );
  }

  app.post<FileParams>(
    '/files/:fileId/edit',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const form = formFields(request);
      const access = await openFromParams(
        context,
        actor,
        request.params.fileId,
      );
      try {
        const details = readDetails(form);
        await updateFile(db, actor, access.file.id, details);
        return reply.redirect(done(`/files/${access.file.id}`, 'saved'), 303);
      } catch (error) {
        const errors = formErrors(error, 'name');
        if (!errors) {
          throw error;
        }
        const values = {
          name: textOf(form.name),
          title: textOf(form.title),
          description: textOf(form.description),
          altText: textOf(form.altText),
        };
        return renderFile(
          context,
          request,
          reply,
          access,
          { errors, values },
          400,
        );
      }
    },
  );

  app.post<FileParams>(
    '/files/:fileId/move',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const form = formFields(request);
      const access = await openFromParams(
        context,
        actor,
        request.params.fileId,
      );
      try {
        const check = new FieldValidator(form);
        const folderId = readFolderId(check, form.folder);
        check.done();
        await updateFile(db, actor, access.file.id, { folderId });
        return reply.redirect(done(`/files/${access.file.id}`, 'moved'), 303);
      } catch (error) {
        const errors = formErrors(error, 'folder');
        if (!errors) {
          throw error;
        }
        const values = { folder: textOf(form.folder) };
        return renderFile(
          context,
          request,
          reply,
          access,
          { errors, values },
          400,
        );
      }
    },
  );

  for (const deleting of [true, false]) {
    const action = deleting ? 'delete' : 'restore';
    app.post<FileParams>(
      `/files/:fileId/${action}`,
      signedIn,
      async (request, reply) => {
        const actor = personOf(request);
        const access = await openFromParams(
          context,
          actor,
          request.params.fileId,
        );
        try {
          await setFileDeleted(db, actor, access.file.id, deleting);
        } catch (error) {
          const errors = formErrors(error, 'restore');
          if (!errors) {
            throw error;
          }
          const status = error instanceof AppError ? error.status : 400;
          return renderFile(
            context,
            request,
            reply,
            access,
            { errors },
            status,
          );
        }
        const key = deleting ? 'deleted' : 'restored';
        return reply.redirect(done(`/files/${access.file.id}`, key), 303);
      },
    );
  }

  app.post<VersionParams>(
    '/files/:fileId/versions/:number/revert',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const access = await openFromParams(
        context,
        actor,
        request.params.fileId,
      );
      const number = readVersionParam(request.params.number);
      await revertFile(db, actor, access.file.id, number, context.limits);
      return reply.redirect(done(`/files/${access.file.id}`, 'reverted'), 303);
    },
  );

  await app.register(versionUploadPage, context);
};

/** The "upload a new version" form's target, where multipart streams. */
const versionUploadPage: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  acceptMultipart(app, { maxFiles: 1 });
  closeOnError(app);

  app.post<FileParams>(
    '/files/:fileId/versions',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const form = formFields(request);
      const access = await openFromParams(
        context,
        actor,
        request.params.fileId,
      );
      try {
        if (!multipartOf(request)) {
          throw noFileChosen('version');
        }
        await receiveVersion(context, request, actor, access, {
          fields: form,
          rawName: null,
        });
      } catch (error) {
        closeAfterRefusal(reply);
        const errors = formErrors(error, 'version');
        if (!errors) {
          throw error;
        }
        if (errors.file) {
          errors.version = errors.file;
          delete errors.file;
        }
        const status =
          error instanceof AppError && error.status === 413 ? 413 : 400;
        const values = { comment: textOf(form.comment) };
        return renderFile(
          context,
          request,
          reply,
          access,
          { errors, values },
          status,
        );
      }
      return reply.redirect(
        done(`/files/${access.file.id}`, 'version-uploaded'),
        303,
      );
    },
  );
};
