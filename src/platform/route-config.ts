// Options a route may set in its `config`, read by hooks that apply to
// every route.
declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Reachable without signing in. Everything else on an intranet needs a
     * signed-in reader, so this is the exception and must be asked for.
     */
    public?: boolean;
    /**
     * Open to guests from partner bodies. Guests see only the groups they
     * were invited to, so every other route is closed to them unless it
     * says so.
     */
    guests?: boolean;
    /**
     * The route checks the request's credentials itself (SCIM's own bearer
     * tokens), so sessions and personal API tokens are not looked up.
     */
    ownAuthentication?: boolean;
    /**
     * `false` exempts the route from the CSRF check. Only for routes that
     * accept no credential a browser sends by itself, such as SCIM's.
     */
    csrf?: boolean;
  }
}

export {};
