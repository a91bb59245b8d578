import type { Db } from '../../../database.ts';

export interface SeedOptions {
  /** The demo accounts' password; a random one when not given. */
  password?: string;
}

export interface SeedResult {
  password: string;
  people: number;
  departments: number;
}

/** Adds the demo organisation to an empty database. */
export async function seedDemo(
  _db: Db,
  _options: SeedOptions,
): Promise<SeedResult> {
  throw new Error('the demo organisation is not written yet');
}
