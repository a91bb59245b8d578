/**
 * Who may reach a route, as the route declares it. Every route declares
 * one: the app refuses to start when a route has none, so a new route is
 * never open or closed by accident.
 *
 * - `public`: anyone, signed in or not (sign-in, health check, assets);
 * - `staff`: signed-in people who are not guests, the usual level;
 * - `signed-in`: any signed-in person, guests included; the handler shows
 *   each only what they may see;
 * - `readers`: as `signed-in`, and signed-out visitors too while an
 *   administrator has opened open groups' content to them;
 * - `admin`: site administrators only;
 * - `credentials`: the route checks its own credentials (SCIM's bearer
 *   tokens), so no session or personal token is looked up.
 */
export const ROUTE_ACCESS = [
  'public',
  'staff',
  'signed-in',
  'readers',
  'admin',
  'credentials',
] as const;

export type RouteAccess = (typeof ROUTE_ACCESS)[number];

// Options a route may set in its `config`, read by hooks that apply to
// every route.
declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may reach the route. Required: optional here only because a
     * plugin may set it for all its routes in its own `onRoute` hook.
     */
    access?: RouteAccess;
    /**
     * `false` exempts the route from the CSRF check. Only for routes that
     * accept no credential a browser sends by itself, such as SCIM's.
     */
    csrf?: boolean;
  }
}
