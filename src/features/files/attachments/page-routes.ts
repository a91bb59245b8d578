import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../../platform/pagination.ts';
import type { PageContext } from '../../../platform/views.ts';
import { withQuery } from '../../../platform/views.ts';
import { formatBytes } from '../../../platform/storage/sizes.ts';
import { fileNotFound } from '../files.ts';
import {
  acceptMultipart,
  formFields,
  multipartOf,
  noFileChosen,
} from '../multipart.ts';
import { formErrors, personOf } from '../page-support.ts';
import { readIdParam, signedIn, textOf } from '../route-support.ts';
import { closeAfterRefusal, closeOnError } from '../upload-flow.ts';
import type { UploadContext } from '../upload-flow.ts';
import { openItem, readItemParams } from './items.ts';
import type { AttachmentItem } from './items.ts';
import {
  attachmentView,
  listAttachments,
  removeAttachment,
} from './service.ts';
import { receiveAttachments } from './upload.ts';

// An item's attachments page: every attachment with the Markdown that
// places it in the item's text, the form that adds more (a plain file
// input, no script needed) and a button that removes one. The item
// pages show their attachments themselves through ./views/_macros.njk.

type ItemParams = { Params: { kind: string; id: string } };
type FileParams = { Params: { kind: string; id: string; fileId: string } };

const PAGE_SIZE = 50;
const MAX_ADDED_SHOWN = 20;

const NOTICES: Record<string, string> = {
  added:
    'Your attachment has been added. To place it in the text, copy its ' +
    'Markdown into the text when you edit it.',
  removed: 'The attachment has been removed.',
};

/** The ids `?added=` names, as the redirect after an upload wrote them. */
function addedIds(value: unknown): Set<number> {
  const ids = textOf(value)
    .split(',')
    .filter((part) => /^[1-9]\d{0,9}$/.test(part))
    .slice(0, MAX_ADDED_SHOWN)
    .map(Number);
  return new Set(ids);
}

async function openFromParams(
  context: UploadContext,
  request: FastifyRequest<ItemParams>,
): Promise<AttachmentItem> {
  const { kind, id } = readItemParams(request.params);
  return openItem(context.db, request.actor, kind, id);
}

async function renderItem(
  context: UploadContext,
  request: FastifyRequest<ItemParams>,
  reply: FastifyReply,
  item: AttachmentItem,
  extra: PageContext = {},
  status = 200,
) {
  const query = request.query as Record<string, unknown>;
  const page = readPageRequest(query, PAGE_SIZE);
  const result = await listAttachments(context.db, request.actor, item, page);
  if (page.page > pageCount(result.total, page.pageSize)) {
    throw new AppError(404, 'PAGE_NOT_FOUND', 'There is no such page');
  }
  const added = addedIds(query.added);
  const views = result.items.map(attachmentView);
  const doneKey = textOf(query.done);
  return reply.render(
    'files/attachments/views/item.njk',
    {
      item,
      breadcrumbs: [{ text: item.title, href: item.path }],
      attachments: views,
      added: views.filter((view) => added.has(view.id)),
      total: result.total,
      notice: Object.hasOwn(NOTICES, doneKey) ? NOTICES[doneKey] : undefined,
      maxSizeText: formatBytes(context.limits.maxBytes),
      maxFiles: context.limits.maxFilesPerRequest,
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery(item.attachmentsPath, { page: n === 1 ? null : n }),
      ),
      values: {},
      ...extra,
    },
    status,
  );
}

/** The upload form's target, in a scope where multipart bodies stream. */
const uploadPage: FastifyPluginAsync<UploadContext> = async (app, context) => {
  acceptMultipart(app, { maxFiles: context.limits.maxFilesPerRequest });
  closeOnError(app);

  app.post<ItemParams>(
    '/attachments/:kind/:id',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const form = formFields(request);
      const item = await openFromParams(context, request);
      let added: number[] = [];
      try {
        if (!multipartOf(request)) {
          throw noFileChosen();
        }
        const recorded = await receiveAttachments(
          context,
          request,
          actor,
          item,
          { fields: form, rawName: null },
        );
        added = recorded.map((each) => each.fileId);
      } catch (error) {
        closeAfterRefusal(reply);
        const errors = formErrors(error, 'file');
        if (!errors) {
          throw error;
        }
        const status =
          error instanceof AppError && error.status === 413 ? 413 : 400;
        const values = {
          altText: textOf(form.altText),
          decorative: textOf(form.decorative) !== '',
        };
        return renderItem(
          context,
          request,
          reply,
          item,
          { errors, values },
          status,
        );
      }
      const path = withQuery(item.attachmentsPath, {
        done: 'added',
        added: added.join(','),
      });
      return reply.redirect(`${path}#added`, 303);
    },
  );
};

export const attachmentPages: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  app.get<ItemParams>(
    '/attachments/:kind/:id',
    signedIn,
    async (request, reply) => {
      const item = await openFromParams(context, request);
      return renderItem(context, request, reply, item);
    },
  );

  app.post<FileParams>(
    '/attachments/:kind/:id/:fileId/remove',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const item = await openFromParams(context, request);
      const fileId = readIdParam(request.params.fileId, fileNotFound);
      await removeAttachment(context.db, actor, item, fileId);
      return reply.redirect(
        withQuery(item.attachmentsPath, { done: 'removed' }),
        303,
      );
    },
  );

  await app.register(uploadPage, context);
};
