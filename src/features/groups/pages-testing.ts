import type { FastifyInstance } from 'fastify';
import { buildAccount, TestBrowser } from '../../test-support/app.ts';
import type { TestDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { buildGroup } from '../../test-support/groups.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';

// Fixtures for the tests of the groups' pages, which drive the app as a
// browser would: people signed in, groups, and what the database holds.

/** The fixtures for one app on one test database. */
export function pageFixtures(
  app: () => FastifyInstance,
  database: () => TestDatabase,
) {
  return {
    /** A new person with this site role, signed in in a browser. */
    async person(
      role: 'admin' | 'member' | 'guest' = 'member',
      displayName = `Person ${nextNumber()}`,
    ) {
      const { db } = database();
      const account = await buildAccount(db, { role, displayName });
      const browser = new TestBrowser(app());
      await browser.signIn(account.email);
      return { id: account.id, displayName, browser };
    },

    /** A group owned by `ownerId`, named and addressed uniquely. */
    async group(
      ownerId: number,
      visibility: GroupVisibility,
      description = '',
    ) {
      const word = `wren${nextNumber()}`;
      return buildGroup(database().db, ownerId, {
        slug: `${word}-${visibility}`,
        name: `${word} ${visibility} group`,
        description,
        visibility,
      });
    },

    /** A person's role in a group as stored, or null. */
    async roleIn(groupId: number, personId: number): Promise<GroupRole | null> {
      const row = await database()
        .db.selectFrom('group_members')
        .select('role')
        .where('group_id', '=', groupId)
        .where('person_id', '=', personId)
        .executeTakeFirst();
      return row?.role ?? null;
    },

    /** Whether a request to join waits in a group. */
    async hasRequest(groupId: number, personId: number): Promise<boolean> {
      const row = await database()
        .db.selectFrom('group_requests')
        .select('person_id')
        .where('group_id', '=', groupId)
        .where('person_id', '=', personId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

/** The value of the input or textarea with this id, as a page has it. */
export function fieldValue(body: string, id: string): string | undefined {
  const input = new RegExp(`<input[^>]* id="${id}"[^>]*>`).exec(body)?.[0];
  if (input) {
    return /value="([^"]*)"/.exec(input)?.[1] ?? '';
  }
  return new RegExp(`<textarea[^>]* id="${id}"[^>]*>([^<]*)</textarea>`)
    .exec(body)?.[1]
    ?.trim();
}
