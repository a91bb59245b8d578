import type { FastifyPluginAsync } from 'fastify';
import type { FilesOptions } from '../plugin.ts';
import { attachmentsApi } from './api.ts';
import { attachmentPages } from './page-routes.ts';

/**
 * Files attached to wiki pages, Talk posts and blog posts: each item's
 * attachments page and upload form, and the attachments API.
 */
export const attachmentsPlugin: FastifyPluginAsync<FilesOptions> = async (
  app,
  options,
) => {
  await app.register(attachmentsApi, options);
  await app.register(attachmentPages, options);
};
