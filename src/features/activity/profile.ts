import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { isFollowing } from './follows.ts';
import { listStream } from './streams.ts';
import type { StreamPage } from './streams.ts';

const PROFILE_ITEMS = 5;

/**
 * What a profile shows of a person's activity: their latest events the
 * viewer may read (BUG-04), and whether the viewer follows them.
 */
export async function profileActivity(
  db: Db,
  viewer: Actor,
  personId: number,
): Promise<{ activity: StreamPage; following: boolean | null }> {
  const staff = viewer.kind === 'person' && viewer.role !== 'guest';
  const [activity, following] = await Promise.all([
    listStream(db, viewer, { personId }, { limit: PROFILE_ITEMS }),
    staff && viewer.id !== personId
      ? isFollowing(db, viewer.id, personId)
      : Promise.resolve(null),
  ]);
  return { activity, following };
}
