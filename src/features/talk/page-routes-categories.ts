import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  ValidationError,
} from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views.ts';
import { personOf } from '../groups/page-support.ts';
import { createSiteCategory, editSiteCategory } from './categories.ts';
import {
  categoryPath,
  done,
  formErrors,
  formOf,
  readerIdOf,
  signedIn,
  TALK_CRUMB,
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
/** Top-level categories offered as a parent; a site has a handful. */
const PARENTS_OFFERED = 100;

const staff = { config: { access: 'staff' } } as const;

export function mayManageCategories(actor: Actor): boolean {
  return actor.kind === 'person' && actor.role === 'admin';
}

function assertManager(actor: Actor): void {
  if (!mayManageCategories(actor)) {
    throw new ForbiddenError(
      'TALK_FORBIDDEN',
      'Only site administrators can make or change categories',
    );
  }
}

/** The top-level site categories, as a parent's radio buttons. */
async function parentOptions(db: Db, chosen: string) {
  // Uses talk_categories_parent (parent_id, position, id).
  const rows = await db
    .selectFrom('talk_categories')
    .select(['slug', 'name'])
    .where('parent_id', 'is', null)
    .where('group_id', 'is', null)
    .orderBy('position')
    .orderBy('id')
    .limit(PARENTS_OFFERED)
    .execute();
  return [
    { value: '', text: 'None: a top-level category', checked: chosen === '' },
    ...rows.map((row) => ({
      value: row.slug,
      text: row.name,
      checked: row.slug === chosen,
    })),
  ];
}

function categoryForm(form: Record<string, unknown>) {
  return {
    slug: textOf(form.slug),
    name: textOf(form.name),
    description: textOf(form.description),
    parent: textOf(form.parent),
  };
}

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
  async function renderNew(
    reply: FastifyReply,
    context: PageContext & { values: ReturnType<typeof categoryForm> },
    status = 200,
  ) {
    return reply.render(
      'talk/views/category-form.njk',
      {
        breadcrumbs: [TALK_CRUMB],
        creating: true,
        action: '/talk/categories/new',
        backPath: '/talk',
        parents: await parentOptions(db, context.values.parent),
        ...context,
      },
      status,
    );
  }

  app.get('/talk/categories/new', staff, async (request, reply) => {
    assertManager(request.actor);
    const values = categoryForm({});
    return renderNew(reply, { values });
  });

  app.post('/talk/categories/new', staff, async (request, reply) => {
    const actor = personOf(request);
    assertManager(actor);
    const values = categoryForm(formOf(request));
    let slug = '';
    const errors = await formErrors(async () => {
      const made = await db
        .transaction()
        .execute((trx) => createSiteCategory(trx, actor, values))
        .catch((error: unknown) => {
          throw slugTaken(error);
        });
      slug = made.slug;
    });
    if (errors) {
      return renderNew(reply, { values, errors }, 400);
    }
    return reply.redirect(done(categoryPath(slug), 'category-made'), 303);
  });

  function renderEdit(
    reply: FastifyReply,
    place: Place,
    context: PageContext,
    status = 200,
  ) {
    const path = categoryPath(place.category.slug);
    return reply.render(
      'talk/views/category-form.njk',
      {
        breadcrumbs: [TALK_CRUMB, { text: place.category.name, href: path }],
        creating: false,
        category: { name: place.category.name, slug: place.category.slug },
        action: `${path}/edit`,
        backPath: path,
        ...context,
      },
      status,
    );
  }

  /** A site category an administrator may change. */
  async function requireManaged(actor: Actor, slug: string) {
    assertManager(actor);
    const place = await requireReadablePlace(db, actor, slug);
    if (place.category.groupId !== null) {
      throw new ForbiddenError(
        'TALK_FORBIDDEN',
        'A group’s discussions take the group’s name',
      );
    }
    return place;
  }

  app.get<CategoryParams>(
    '/talk/categories/:category/edit',
    staff,
    async (request, reply) => {
      const place = await requireManaged(
        request.actor,
        request.params.category,
      );
      const { name, description } = place.category;
      return renderEdit(reply, place, { values: { name, description } });
    },
  );

  app.post<CategoryParams>(
    '/talk/categories/:category/edit',
    staff,
    async (request, reply) => {
      const actor = personOf(request);
      const place = await requireManaged(actor, request.params.category);
      const form = formOf(request);
      const values = {
        name: textOf(form.name),
        description: textOf(form.description),
      };
      const errors = await formErrors(() =>
        db
          .transaction()
          .execute((trx) =>
            editSiteCategory(trx, actor, place.category, values),
          ),
      );
      if (errors) {
        return renderEdit(reply, place, { values, errors }, 400);
      }
      const path = categoryPath(place.category.slug);
      return reply.redirect(done(path, 'category-changed'), 303);
    },
  );

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

/** A taken web address, said on the form's field like any other error. */
function slugTaken(error: unknown): unknown {
  return error instanceof AppError && error.code === 'CATEGORY_SLUG_TAKEN'
    ? new ValidationError({ slug: error.message })
    : error;
}
