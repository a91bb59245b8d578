import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { blogsApi } from './api.ts';
import { blogCommentPages } from './page-routes-comments.ts';
import { blogOwnerPages } from './page-routes-owners.ts';
import { blogReadPages } from './page-routes.ts';
import { blogWritePages } from './page-routes-write.ts';

export interface BlogsOptions {
  db: Kysely<Database>;
}

/** Blogs: personal, group and site blogs, their posts and comments. */
export const blogsPlugin: FastifyPluginAsync<BlogsOptions> = async (
  app,
  options,
) => {
  await app.register(blogsApi, { db: options.db });
  await app.register(blogWritePages, { db: options.db });
  await app.register(blogCommentPages, { db: options.db });
  await app.register(blogOwnerPages, { db: options.db });
  await app.register(blogReadPages, { db: options.db });
};
