import type { Db } from '../../database.ts';
import type { WikiPage } from './pages.ts';
import type { SpaceRow } from './spaces.ts';

// Watches on a page or a whole space: whoever watches one is told of each
// change to it (features/activity/fanout.ts).

/** Watches one page; watching it twice is one watch. */
export async function watchPage(
  db: Db,
  personId: number,
  page: WikiPage,
  now = new Date().toISOString(),
): Promise<void> {
  const existing = await db
    .selectFrom('wiki_watches')
    .select('person_id')
    .where('person_id', '=', personId)
    .where('page_id', '=', page.id)
    .executeTakeFirst();
  if (existing) {
    return;
  }
  await db
    .insertInto('wiki_watches')
    .values({
      person_id: personId,
      space_id: page.spaceId,
      page_id: page.id,
      created_at: now,
    })
    .execute();
}

/** Watches every page of a space. */
export async function watchSpace(
  db: Db,
  personId: number,
  space: SpaceRow,
  now = new Date().toISOString(),
): Promise<void> {
  const existing = await db
    .selectFrom('wiki_watches')
    .select('person_id')
    .where('person_id', '=', personId)
    .where('space_id', '=', space.id)
    .where('page_id', 'is', null)
    .executeTakeFirst();
  if (existing) {
    return;
  }
  await db
    .insertInto('wiki_watches')
    .values({
      person_id: personId,
      space_id: space.id,
      page_id: null,
      created_at: now,
    })
    .execute();
}

/** Stops watching a page, or the space when no page is given. */
export async function unwatch(
  db: Db,
  personId: number,
  target: { space: SpaceRow; page?: WikiPage },
): Promise<void> {
  let query = db
    .deleteFrom('wiki_watches')
    .where('person_id', '=', personId)
    .where('space_id', '=', target.space.id);
  query = target.page
    ? query.where('page_id', '=', target.page.id)
    : query.where('page_id', 'is', null);
  await query.execute();
}

/** What a person watches in a space: the space itself and which pages. */
export async function watchesOf(
  db: Db,
  personId: number,
  space: SpaceRow,
  page?: WikiPage,
): Promise<{ space: boolean; page: boolean }> {
  const rows = await db
    .selectFrom('wiki_watches')
    .select('page_id')
    .where('person_id', '=', personId)
    .where('space_id', '=', space.id)
    .where((eb) =>
      page
        ? eb.or([eb('page_id', 'is', null), eb('page_id', '=', page.id)])
        : eb('page_id', 'is', null),
    )
    .execute();
  return {
    space: rows.some((row) => row.page_id === null),
    page: page !== undefined && rows.some((row) => row.page_id === page.id),
  };
}

/** Who watches a page, directly or through its whole space. */
export async function watchersOfPage(
  db: Db,
  page: { id: number; spaceId: number },
): Promise<number[]> {
  const rows = await db
    .selectFrom('wiki_watches')
    .select('person_id')
    .where('space_id', '=', page.spaceId)
    .where((eb) =>
      eb.or([eb('page_id', 'is', null), eb('page_id', '=', page.id)]),
    )
    .execute();
  return [...new Set(rows.map((row) => row.person_id))];
}
