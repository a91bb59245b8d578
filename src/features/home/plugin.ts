import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../database.ts';
import { peopleLikeYouPanel } from '../expertise/plugin.ts';
import { listStream } from '../activity/streams.ts';

// Areas whose features have not been built yet. Their pages say so plainly
// rather than pretending; each disappears from here when its feature lands.
const COMING: {
  path: string;
  area: string;
  plural: boolean;
  description: string;
}[] = [];

/** The home page, the API's index and the pages of areas still to come. */
export const homePlugin: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  // Guests land here too: the page gives them their own links and nothing
  // of the organisation.
  app.get<{ Querystring: { before?: string } }>(
    '/',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const actor = request.actor;
      const stream =
        actor.kind === 'person'
          ? await listStream(db, actor, { home: actor.id }, request.query)
          : null;
      return reply.render('home/views/home.njk', {
        peopleLikeYou: await peopleLikeYouPanel(db, request.actor),
        stream,
      });
    },
  );

  const staff = { config: { access: 'staff' } } as const;

  // The API's own table of contents, read from the routes themselves so it
  // cannot fall behind them; README.md describes each in full.
  app.get('/api/v1', staff, async () => ({
    name: 'CivilMedia API',
    version: 1,
    authentication:
      'the session cookie, or Authorization: Bearer TOKEN from `civilmedia token create EMAIL`',
    endpoints: app.routeTable
      .filter(
        (route) =>
          route.url.startsWith('/api/v1/') &&
          route.method !== 'HEAD' &&
          route.config.access !== 'admin',
      )
      .map((route) => `${route.method} ${route.url}`),
  }));

  for (const page of COMING) {
    app.get(page.path, staff, async (_request, reply) =>
      reply.render('home/views/not-yet.njk', page),
    );
  }
};
