import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import './route-config.ts';
import { getStylesheet } from './stylesheet.ts';
import { GOVUK_DIST } from './views.ts';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));

/**
 * Serves our stylesheet, GOV.UK Frontend's script and our own files under
 * /assets/. The GOV.UK crown, logotype and typeface are not served: they are
 * only for services on GOV.UK.
 */
export const assetsPlugin: FastifyPluginAsync = async (app) => {
  const govukScript = join(GOVUK_DIST, 'govuk', 'govuk-frontend.min.js');
  let script: Buffer | undefined;

  app.get(
    '/assets/app.css',
    { config: { access: 'public' } },
    async (request, reply) => {
      const sheet = await getStylesheet();
      reply.header('cache-control', 'public, max-age=3600');
      reply.header('etag', sheet.etag);
      if (request.headers['if-none-match'] === sheet.etag) {
        return reply.code(304).send();
      }
      return reply.type('text/css; charset=utf-8').send(sheet.css);
    },
  );

  app.get(
    '/assets/govuk-frontend.min.js',
    { config: { access: 'public' } },
    async (_request, reply) => {
      script ??= await readFile(govukScript);
      reply.header('cache-control', 'public, max-age=86400');
      return reply.type('text/javascript; charset=utf-8').send(script);
    },
  );

  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await scope.register(fastifyStatic, {
      root: PUBLIC,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      maxAge: 86_400_000,
    });
  });
};
