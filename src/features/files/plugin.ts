import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import { filesApi } from './api.ts';
import { filePages } from './page-routes.ts';
import type { FileLimits } from './quota.ts';

export interface FilesOptions {
  db: Kysely<Database>;
  store: BlobStore;
  limits: FileLimits;
}

// One request may carry this many files: enough for a folder's worth
// dragged in at once, few enough that one request stays short.
const MAX_FILES_PER_REQUEST = 20;

/** The upload limits the configuration sets. */
export function fileLimitsOf(
  config: Pick<Config, 'fileMaxBytes' | 'groupQuotaBytes' | 'personQuotaBytes'>,
): FileLimits {
  return {
    maxBytes: config.fileMaxBytes,
    groupQuotaBytes: config.groupQuotaBytes,
    personQuotaBytes: config.personQuotaBytes,
    maxFilesPerRequest: MAX_FILES_PER_REQUEST,
  };
}

/** Files in groups and people's spaces: their JSON API and their pages. */
export const filesPlugin: FastifyPluginAsync<FilesOptions> = async (
  app,
  options,
) => {
  await app.register(filesApi, options);
  await app.register(filePages, options);
};
