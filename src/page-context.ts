import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageContext } from './platform/views.ts';

/** The areas in the service navigation, in order. */
const AREAS = [
  { text: 'People', href: '/people' },
  { text: 'Groups', href: '/groups' },
  { text: 'Talk', href: '/talk' },
  { text: 'Blogs', href: '/blogs' },
  { text: 'Wiki', href: '/wiki' },
  { text: 'Search', href: '/search' },
];

/** What every page template can use: the reader, tokens, navigation. */
export function pageContext(
  request: FastifyRequest,
  reply: FastifyReply,
): PageContext {
  const path = request.url.split('?')[0] ?? '/';
  const actor = request.actor;
  const signedIn = actor.kind === 'person';
  return {
    actor: signedIn ? actor : null,
    isAdmin: signedIn && actor.role === 'admin',
    csrfToken: reply.generateCsrf(),
    currentPath: path,
    currentUrl: request.url,
    // Counted before the handler ran (features/notifications/routes.ts).
    unreadNotifications: request.unreadNotifications ?? null,
    // Guests see only their groups, so the site-wide areas are not offered.
    navigation:
      signedIn && actor.role !== 'guest'
        ? AREAS.map((area) => ({
            ...area,
            active: path === area.href || path.startsWith(`${area.href}/`),
          }))
        : [],
  };
}
