import type { FastifyPluginAsync } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { personOf } from '../groups/page-support.ts';
import {
  categoryPath,
  done,
  formOf,
  readerIdOf,
  signedIn,
  textOf,
} from './page-routes-support.ts';
import { findCategoryRow, placeOf, requireReadablePlace } from './places.ts';
import type { Place } from './places.ts';
import { clearWatch, setWatch, watchLevelOf } from './reading.ts';

// A category's page beyond its threads: the reader's watch or mute of
// it, and where it sits among site categories (its parent in the
// breadcrumbs, its children listed).

type CategoryParams = { Params: { category: string } };

/** Subcategories shown on a parent's page; site admins keep them few. */
const CHILDREN_SHOWN = 50;

/** The page a category is read on: a group's discussions live there. */
export function placePath(place: Place): string {
  return place.group
    ? `/talk/groups/${encodeURIComponent(place.group.slug)}`
    : categoryPath(place.category.slug);
}

/**
 * The Watch / Mute form for a signed-in reader, or null for a guest
 * or a group whose discussions have not started (no category yet).
 */
export async function categoryWatchView(db: Db, actor: Actor, place: Place) {
  const readerId = readerIdOf(actor);
  if (readerId === null || place.category.id === 0) {
    return null;
  }
  const categoryId = place.category.id;
  return {
    action: `${categoryPath(place.category.slug)}/watch`,
    level: await watchLevelOf(db, readerId, { categoryId }),
  };
}

/**
 * A site category's parent as a breadcrumb, and its children the actor
 * may read as links. Site categories are one level deep, so a child has
 * no children and a parent no parent.
 */
export async function categoryFamily(db: Db, actor: Actor, place: Place) {
  const { category } = place;
  if (category.groupId !== null || category.id === 0) {
    return { parentCrumbs: [], children: [] };
  }
  if (category.parentId !== null) {
    const parent = await findCategoryRow(db, { id: category.parentId });
    const readable = parent && (await placeOf(db, actor, parent)).mayRead;
    return {
      parentCrumbs:
        parent && readable
          ? [{ text: parent.name, href: categoryPath(parent.slug) }]
          : [],
      children: [],
    };
  }
  // Uses talk_categories_parent (parent_id, position, id).
  const rows = await db
    .selectFrom('talk_categories')
    .select(['slug', 'name', 'description'])
    .where('parent_id', '=', category.id)
    .where('group_id', 'is', null)
    .orderBy('position')
    .orderBy('id')
    .limit(CHILDREN_SHOWN)
    .execute();
  return {
    parentCrumbs: [],
    children: rows.map((row) => ({
      name: row.name,
      description: row.description,
      path: categoryPath(row.slug),
    })),
  };
}

export const talkCategoryPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  app.post<CategoryParams>(
    '/talk/categories/:category/watch',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const place = await requireReadablePlace(
        db,
        actor,
        request.params.category,
      );
      const level = textOf(formOf(request).level);
      const target = { categoryId: place.category.id };
      if (level === 'watch' || level === 'mute') {
        await setWatch(db, actor.id, target, level);
      } else {
        await clearWatch(db, actor.id, target);
      }
      const key =
        level === 'watch'
          ? 'category-watching'
          : level === 'mute'
            ? 'category-muted'
            : 'category-unwatched';
      return reply.redirect(done(placePath(place), key), 303);
    },
  );
};
