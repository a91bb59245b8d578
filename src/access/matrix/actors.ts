import type { FastifyInstance } from 'fastify';
import { ANONYMOUS } from '../actor.ts';
import type { Actor } from '../actor.ts';
import type { Db } from '../../database.ts';
import { SYSTEM_ACTOR } from '../../features/audit/audit.ts';
import { deactivateAccount } from '../../features/auth/lifecycle.ts';
import type { GroupRole } from '../../features/groups/tables.ts';
import type { PersonRole } from '../../features/people/tables.ts';
import { createFeedToken } from '../../features/feeds/tokens.ts';
import { bearer, buildAccount, TestBrowser } from '../../test-support/app.ts';
import { addGroupMember } from '../../test-support/groups.ts';
import type { GroupKey, World } from './world.ts';

/** One kind of person (or no one) the matrix sends every request as. */
export interface ActorSpec {
  /** The actor's column in the printed table. */
  key: string;
  /** Absent for a signed-out visitor. */
  person?: { role: PersonRole; displayName: string };
  memberships?: Partial<Record<GroupKey, GroupRole>>;
  /** Runs while an administrator has opened open groups to the public. */
  publicReading?: boolean;
  /**
   * Signs in and takes a token, then is deactivated: whatever they still
   * hold must get them nothing (BUG-15).
   */
  deactivated?: boolean;
}

// Each person is a member of a different group, in a different role, so
// that one run tells apart a route that checks membership from one that
// checks only that someone signed in.
export const ACTOR_SPECS: readonly ActorSpec[] = [
  { key: 'signed-out' },
  {
    key: 'deactivated',
    person: { role: 'member', displayName: 'Dora Deactivated' },
    memberships: { closed: 'admin', secret: 'member' },
    deactivated: true,
  },
  {
    key: 'non-member',
    person: { role: 'member', displayName: 'Nia Nonmember' },
  },
  {
    key: 'guest',
    person: { role: 'guest', displayName: 'Gus Guest' },
    memberships: { partner: 'member' },
  },
  {
    key: 'member',
    person: { role: 'member', displayName: 'Mo Member' },
    memberships: { closed: 'member' },
  },
  {
    key: 'group-admin',
    person: { role: 'member', displayName: 'Ana Groupadmin' },
    memberships: { secret: 'admin' },
  },
  {
    key: 'site-admin',
    person: { role: 'admin', displayName: 'Ada Siteadmin' },
  },
  { key: 'public', publicReading: true },
];

/** An actor ready to send requests. */
export interface MatrixActor {
  spec: ActorSpec;
  /**
   * Who the access rule takes the requests to come from: a deactivated
   * person is no one at all.
   */
  rule: Actor;
  /** Sent to pages: the session cookie, if any. */
  pageHeaders: Record<string, string>;
  /** Sent to /api/: the personal token, if any. */
  apiHeaders: Record<string, string>;
  /**
   * Put in personal feed addresses (/feeds/:token/…): the person's own
   * feed token, or for someone signed out one that names nobody.
   */
  feedToken: string;
}

/** The feed token of an actor who is no one. */
export const NO_FEED_TOKEN = 'matrix-no-feed-token';

/**
 * Makes each actor's person and memberships, signs them in through the
 * form and gives them an API token and a feed token; deactivates those
 * who are to be.
 */
export async function prepareActors(
  app: FastifyInstance,
  db: Db,
  world: World,
): Promise<MatrixActor[]> {
  const actors: MatrixActor[] = [];
  for (const spec of ACTOR_SPECS) {
    if (!spec.person) {
      const rule: Actor = spec.publicReading
        ? { kind: 'anonymous', publicReading: true }
        : ANONYMOUS;
      actors.push({
        spec,
        rule,
        pageHeaders: {},
        apiHeaders: {},
        feedToken: NO_FEED_TOKEN,
      });
      continue;
    }
    const account = await buildAccount(db, spec.person);
    for (const [group, role] of Object.entries(spec.memberships ?? {})) {
      await addGroupMember(
        db,
        world.groups[group as GroupKey],
        account.id,
        role,
      );
    }
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    const actor: MatrixActor = {
      spec,
      rule: {
        kind: 'person',
        id: account.id,
        role: spec.person.role,
        displayName: spec.person.displayName,
        via: 'session',
      },
      pageHeaders: { cookie: `cm_session=${browser.cookie('cm_session')}` },
      apiHeaders: { authorization: await bearer(db, account.id) },
      feedToken: (await createFeedToken(db, account.id)).token,
    };
    if (spec.deactivated) {
      await deactivateAccount(db, account.id, {
        actor: SYSTEM_ACTOR,
        via: 'access matrix',
      });
      actor.rule = ANONYMOUS;
    }
    actors.push(actor);
  }
  return actors;
}
