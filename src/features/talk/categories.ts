import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { AppError, ForbiddenError } from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { slugify } from '../../platform/text.ts';
import { recordAudit } from '../audit/audit.ts';
import { auditActorOf } from '../groups/groups.ts';
import { findCategoryRow, GROUP_CATEGORY_PREFIX } from './places.ts';
import type { Category } from './places.ts';

// Making categories: site ones by administrators, one level deep; a
// group's own on first use.

export interface NewCategory {
  slug?: string;
  name: string;
  description?: string;
  /** The slug of a top-level site category. */
  parent?: string | null;
  position?: number;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** /talk/categories/new is the form to make one, so no category is it. */
export const NEW_CATEGORY_SLUG = 'new';

function assertAdmin(actor: PersonActor | null): void {
  if (actor !== null && actor.role !== 'admin') {
    throw new ForbiddenError(
      'TALK_FORBIDDEN',
      'Only site administrators can make or change categories',
    );
  }
}

function readNameAndDescription(check: FieldValidator) {
  const name = check.text('name', { label: 'Name', max: 100, required: true });
  const description =
    check.text('description', {
      label: 'Description',
      max: 2000,
      multiline: true,
    }) ?? '';
  return { name: name ?? '', description };
}

/**
 * A site category, made by an administrator, or found again when one
 * with the same slug exists and `reuse` is set (the importer's case).
 * Checks the input; the caller owns the transaction.
 */
export async function createSiteCategory(
  db: Db,
  actor: PersonActor | null,
  input: Record<string, unknown>,
  now = new Date().toISOString(),
): Promise<Category> {
  assertAdmin(actor);
  const check = new FieldValidator(input);
  const { name, description } = readNameAndDescription(check);
  const given = check.text('slug', { label: 'Web address', max: 60 });
  const slug = given ?? slugify(name, 'category').slice(0, 60);
  if (!SLUG.test(slug)) {
    check.fail('slug', 'Web address may use a to z, 0 to 9 and hyphens');
  } else if (slug.startsWith(GROUP_CATEGORY_PREFIX)) {
    check.fail('slug', 'Web addresses starting group- are for groups');
  } else if (slug === NEW_CATEGORY_SLUG) {
    check.fail('slug', 'Choose another web address: new is taken by a page');
  }
  const parentSlug = check.text('parent', { label: 'Parent', max: 60 });
  check.done();

  let parentId: number | null = null;
  if (parentSlug !== null) {
    const parent = await findCategoryRow(db, { slug: parentSlug });
    if (!parent || parent.groupId !== null || parent.parentId !== null) {
      check.fail('parent', 'Choose a top-level site category as the parent');
      check.done();
    }
    parentId = parent?.id ?? null;
  }
  if (await findCategoryRow(db, { slug })) {
    throw new AppError(
      409,
      'CATEGORY_SLUG_TAKEN',
      'A category already uses that web address',
    );
  }
  const created = await insertCategory(db, {
    slug,
    name,
    description,
    parentId,
    groupId: null,
    now,
  });
  if (actor) {
    await recordAudit(
      db,
      {
        action: 'talk.category.created',
        actor: auditActorOf(actor),
        subject: { type: 'talk-category', id: created.id },
        details: { slug },
      },
      now,
    );
  }
  return created;
}

/**
 * Changes a site category's name and description, checked as when it
 * was made; its web address and place stay. The caller owns the
 * transaction.
 */
export async function editSiteCategory(
  db: Db,
  actor: PersonActor,
  category: Category,
  input: Record<string, unknown>,
  now = new Date().toISOString(),
): Promise<void> {
  assertAdmin(actor);
  if (category.groupId !== null) {
    throw new ForbiddenError(
      'TALK_FORBIDDEN',
      'A group’s discussions take the group’s name',
    );
  }
  const check = new FieldValidator(input);
  const { name, description } = readNameAndDescription(check);
  check.done();
  if (name === category.name && description === category.description) {
    return;
  }
  await db
    .updateTable('talk_categories')
    .set({ name, description })
    .where('id', '=', category.id)
    .execute();
  await recordAudit(
    db,
    {
      action: 'talk.category.changed',
      actor: auditActorOf(actor),
      subject: { type: 'talk-category', id: category.id },
      details: { slug: category.slug },
    },
    now,
  );
}

/** The site category `slug`, made with `name` when it does not exist. */
export async function ensureSiteCategory(
  db: Db,
  slug: string,
  name: string,
  now = new Date().toISOString(),
): Promise<Category> {
  const found = await findCategoryRow(db, { slug });
  if (found) {
    return found;
  }
  return createSiteCategory(db, null, { slug, name }, now);
}

/** The group's own category, made on first use. Checks nobody's access. */
export async function ensureGroupCategory(
  db: Db,
  group: { id: number; slug: string; name: string },
  now = new Date().toISOString(),
): Promise<Category> {
  const found = await findCategoryRow(db, { groupId: group.id });
  if (found) {
    return found;
  }
  // Two first posters may meet here; the second one's insert does nothing.
  await db
    .insertInto('talk_categories')
    .values({
      slug: GROUP_CATEGORY_PREFIX + group.slug,
      name: group.name,
      group_id: group.id,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const made = await findCategoryRow(db, { groupId: group.id });
  if (!made) {
    throw new Error(`no category for group ${group.id}`);
  }
  return made;
}

async function insertCategory(
  db: Db,
  values: {
    slug: string;
    name: string;
    description: string;
    parentId: number | null;
    groupId: number | null;
    now: string;
  },
): Promise<Category> {
  const row = await db
    .insertInto('talk_categories')
    .values({
      slug: values.slug,
      name: values.name,
      description: values.description,
      parent_id: values.parentId,
      group_id: values.groupId,
      created_at: values.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const made = await findCategoryRow(db, { id: row.id });
  if (!made) {
    throw new Error(`category ${row.id} vanished`);
  }
  return made;
}
