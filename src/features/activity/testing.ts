import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import type { PersonRole } from '../people/tables.ts';
import { buildAccount } from '../../test-support/app.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { ensureGroupCategory } from '../talk/categories.ts';
import { replyToThread, startThread } from '../talk/discussions.ts';
import { placeOf } from '../talk/places.ts';

// Helpers for the activity and notification tests: people with handles
// one can @mention, and threads written through Talk's own service, so
// the calls into activity are the ones the product makes.

export interface TestPerson extends PersonActor {
  /** What to write after @ to mention them. */
  handle: string;
}

export async function buildMember(
  db: Db,
  name: string,
  role: PersonRole = 'member',
): Promise<TestPerson> {
  const handle = `${name.toLowerCase()}${nextNumber()}`;
  const { id } = await buildAccount(db, {
    displayName: name,
    email: `${handle}@example.gov.uk`,
    role,
  });
  return { kind: 'person', id, role, displayName: name, via: 'token', handle };
}

/** Starts a thread in a group's discussions as `author`. */
export async function startGroupThread(
  db: Db,
  author: PersonActor,
  group: { id: number; slug: string; name: string },
  title: string,
  body: string,
  options: { now?: string; question?: boolean } = {},
): Promise<{ threadId: number; postId: number }> {
  const category = await ensureGroupCategory(db, group);
  const place = await placeOf(db, author, category);
  const isQuestion = options.question === true;
  const input = { title, body, isQuestion, tags: [] };
  return startThread(db, author, place, input, options.now);
}

export async function reply(
  db: Db,
  author: PersonActor,
  threadId: number,
  body: string,
  now?: string,
): Promise<number> {
  return replyToThread(db, author, threadId, { body, quoteOf: null }, now);
}
