// Options a route may set in its `config`, read by hooks that apply to
// every route.
declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Reachable without signing in. Everything else on an intranet needs a
     * signed-in reader, so this is the exception and must be asked for.
     */
    public?: boolean;
  }
}

export {};
