import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { callerOf } from '../../groups/api-support.ts';
import { pageOf, readPageRequest } from '../../../platform/pagination.ts';
import { fileNotFound, findFile } from '../files.ts';
import { acceptMultipart, formFields, multipartOf } from '../multipart.ts';
import { readIdParam, signedIn } from '../route-support.ts';
import { closeOnError, RAW_BODY } from '../upload-flow.ts';
import type { UploadContext } from '../upload-flow.ts';
import { openItem, readItemParams } from './items.ts';
import type { AttachmentItem } from './items.ts';
import {
  attachmentView,
  listAttachments,
  removeAttachment,
} from './service.ts';
import type { Attachment } from './service.ts';
import { receiveAttachments } from './upload.ts';

// The attachments API (DESIGN.md): an item's attachments as a paginated
// list, uploads as a multipart form or a raw body with `?name=` (and
// `?alt=` for an image), and removing one. An item the caller cannot
// read answers 404 ITEM_NOT_FOUND; one they read but may not attach to,
// 403 FORBIDDEN.

type ItemParams = { Params: { kind: string; id: string } };
type FileParams = { Params: { kind: string; id: string; fileId: string } };

const PREFIX = '/api/v1/attachments/:kind/:id';

function itemJson(item: AttachmentItem) {
  return {
    kind: item.kind,
    id: item.id,
    title: item.title,
    page: item.path,
    mayAttach: item.mayAttach,
  };
}

/** An attachment in JSON: the file, its Markdown and image source. */
export function attachmentJson(file: Attachment) {
  const view = attachmentView(file);
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    type: file.mime,
    size: file.size,
    image: view.isImage,
    altText: view.isImage ? view.altText : null,
    createdBy: file.createdBy,
    createdAt: file.createdAt,
    page: view.path,
    download: view.downloadPath,
    imageSource: view.imageSrc,
    markdown: view.markdown,
  };
}

/** Where uploads stream: no body parser but multipart and raw bytes. */
const uploadRoutes: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  const { db } = context;
  app.removeAllContentTypeParsers();
  acceptMultipart(app, { maxFiles: context.limits.maxFilesPerRequest });
  closeOnError(app);
  app.addContentTypeParser('*', (_request, payload, done) => {
    done(null, { [RAW_BODY]: payload as Readable });
  });

  app.post<ItemParams>(PREFIX, signedIn, async (request, reply) => {
    const actor = callerOf(request);
    const query = request.query as Record<string, unknown>;
    const { kind, id } = readItemParams(request.params);
    const item = await openItem(db, actor, kind, id);
    const rawName = typeof query.name === 'string' ? query.name : null;
    const fields = multipartOf(request) ? formFields(request) : query;
    const recorded = await receiveAttachments(context, request, actor, item, {
      fields,
      rawName,
    });
    const items = [];
    for (const each of recorded) {
      const file = await findFile(db, each.fileId);
      if (file) {
        items.push({
          ...attachmentJson({ ...file, hasDisplay: false }),
          version: each.versionNumber,
          created: each.created,
        });
      }
    }
    reply.code(201);
    return { item: itemJson(item), items };
  });
};

export const attachmentsApi: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  const { db } = context;

  app.get<ItemParams>(PREFIX, signedIn, async (request) => {
    const page = readPageRequest(request.query as Record<string, unknown>);
    const { kind, id } = readItemParams(request.params);
    const item = await openItem(db, request.actor, kind, id);
    const result = await listAttachments(db, request.actor, item, page);
    return pageOf(result, page, attachmentJson);
  });

  app.delete<FileParams>(
    `${PREFIX}/:fileId`,
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const { kind, id } = readItemParams(request.params);
      const item = await openItem(db, actor, kind, id);
      const fileId = readIdParam(request.params.fileId, fileNotFound);
      await removeAttachment(db, actor, item, fileId);
      return reply.code(204).send();
    },
  );

  await app.register(uploadRoutes, context);
};
