import type { FastifyPluginAsync } from 'fastify';

// Areas whose features have not been built yet. Their pages say so plainly
// rather than pretending; each disappears from here when its feature lands.
const COMING = [
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

// The API's own table of contents; README.md describes each in full.
const API_INDEX = {
  name: 'CivilMedia API',
  version: 1,
  authentication:
    'the session cookie, or Authorization: Bearer TOKEN from `civilmedia token create EMAIL`',
  endpoints: [
    'GET /api/v1/people?q=&department=&grade=&location=&type=&page=&pageSize=',
    'GET /api/v1/people/:id',
    'PATCH /api/v1/people/:id',
    'GET /api/v1/departments',
    'GET /api/v1/departments/:slug',
    'GET /api/v1/departments/:slug/posts?status=&page=&pageSize=',
    'GET /api/v1/posts/:id',
    'GET /api/v1/posts/:id/reports?page=&pageSize=',
  ],
};

/** The home page, the API's index and the pages of areas still to come. */
export const homePlugin: FastifyPluginAsync = async (app) => {
  // Guests land here too: the page gives them their own links and nothing
  // of the organisation.
  app.get('/', { config: { access: 'signed-in' } }, async (_request, reply) =>
    reply.render('home/views/home.njk'),
  );

  const staff = { config: { access: 'staff' } } as const;

  app.get('/api/v1', staff, async () => API_INDEX);

  for (const page of COMING) {
    app.get(page.path, staff, async (_request, reply) =>
      reply.render('home/views/not-yet.njk', page),
    );
  }
};
