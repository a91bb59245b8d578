import type { FastifyPluginAsync } from 'fastify';

// Areas whose features have not been built yet. Their pages say so plainly
// rather than pretending; each disappears from here when its feature lands.
const COMING = [
  {
    path: '/groups',
    area: 'Groups',
    plural: true,
    description:
      'Groups will be open, closed or secret spaces for teams from any department.',
  },
  {
    path: '/talk',
    area: 'Talk',
    plural: false,
    description: 'Talk will hold status posts, discussions and questions.',
  },
  {
    path: '/blogs',
    area: 'Blogs',
    plural: true,
    description: 'Every person and group will have a blog.',
  },
  {
    path: '/wiki',
    area: 'The wiki',
    plural: false,
    description:
      'The wiki will keep full page history and merge edit conflicts.',
  },
];

/** The home page and the pages of areas still to come. */
export const homePlugin: FastifyPluginAsync = async (app) => {
  app.get('/', async (_request, reply) => reply.render('home/views/home.njk'));

  for (const page of COMING) {
    app.get(page.path, async (_request, reply) =>
      reply.render('home/views/not-yet.njk', page),
    );
  }
};
