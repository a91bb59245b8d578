import type { PersonRole } from '../features/people/tables.ts';

/** Whoever is making a request. */
export type Actor = AnonymousActor | PersonActor;

export interface AnonymousActor {
  kind: 'anonymous';
  /**
   * Set when an administrator has opened open groups' content to
   * signed-out readers and the route serves such readers.
   */
  publicReading?: boolean;
}

export interface PersonActor {
  kind: 'person';
  id: number;
  role: PersonRole;
  displayName: string;
  /** How the request proved who it is. */
  via: 'session' | 'token';
}

export const ANONYMOUS: AnonymousActor = { kind: 'anonymous' };

export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'person' && actor.role === 'admin';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set for every request before any route runs. */
    actor: Actor;
  }
}
