import { randomBytes } from 'node:crypto';
import type { Db } from '../../../database.ts';
import { hashPassword } from '../../auth/passwords.ts';
import {
  DEFAULT_DEMO_PEOPLE,
  DEFAULT_DEMO_SEED,
  generateOrganisation,
} from './generate.ts';
import { writeOrganisation } from './write.ts';

export interface SeedOptions {
  /** The demo accounts' password; a random one when not given. */
  password?: string;
  /** Staff to invent, not counting the administrator; 2,000 by default. */
  people?: number;
  /** Another seed invents another organisation of the same shape. */
  seed?: number;
  /** When the rows say they were created; now by default. */
  now?: string;
}

export interface SeedResult {
  password: string;
  /** Everyone added, the administrator included. */
  people: number;
  /** Departments, not counting the agencies that belong to them. */
  departments: number;
  agencies: number;
  posts: number;
}

/**
 * Adds the demo organisation to an empty database, in one transaction
 * unless `db` is already one. Every demo person, the administrator
 * included, signs in with the same password; it is hashed once, since
 * argon2 is slow on purpose and two thousand hashes would take minutes.
 */
export async function seedDemo(
  db: Db,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const organisation = generateOrganisation({
    people: options.people ?? DEFAULT_DEMO_PEOPLE,
    seed: options.seed ?? DEFAULT_DEMO_SEED,
  });
  const password = options.password ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const now = options.now ?? new Date().toISOString();

  if (db.isTransaction) {
    await writeOrganisation(db, organisation, passwordHash, now);
  } else {
    await db
      .transaction()
      .execute((trx) =>
        writeOrganisation(trx, organisation, passwordHash, now),
      );
  }
  const agencies = organisation.bodies.filter((body) => body.parentKey);
  return {
    password,
    people: organisation.people.length,
    departments: organisation.bodies.length - agencies.length,
    agencies: agencies.length,
    posts: organisation.posts.length,
  };
}
