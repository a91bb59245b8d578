import type { Db } from '../../database.ts';
import { cleanLine, nameKey, slugify } from '../../platform/text.ts';

export interface Department {
  id: number;
  slug: string;
  name: string;
  parentId: number | null;
}

export interface Unit {
  id: number;
  departmentId: number;
  slug: string;
  name: string;
}

/**
 * Finds a department by name, ignoring case and spacing, or creates it with
 * a slug of its own. `parentId` is set only when the department is new.
 */
export async function ensureDepartment(
  db: Db,
  name: string,
  now: string,
  parentId: number | null = null,
): Promise<{ department: Department; created: boolean }> {
  const key = nameKey(name);
  const existing = await db
    .selectFrom('departments')
    .select(['id', 'slug', 'name', 'parent_id'])
    .where('name_key', '=', key)
    .executeTakeFirst();
  if (existing) {
    return { department: toDepartment(existing), created: false };
  }
  const slug = await uniqueSlug(
    slugify(name, 'department'),
    async (candidate) =>
      Boolean(
        await db
          .selectFrom('departments')
          .select('id')
          .where('slug', '=', candidate)
          .executeTakeFirst(),
      ),
  );
  const row = await db
    .insertInto('departments')
    .values({
      slug,
      name: cleanLine(name),
      name_key: key,
      parent_id: parentId,
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'slug', 'name', 'parent_id'])
    .executeTakeFirstOrThrow();
  return { department: toDepartment(row), created: true };
}

/** Finds a unit of a department by name, or creates it. */
export async function ensureUnit(
  db: Db,
  departmentId: number,
  name: string,
  now: string,
): Promise<Unit> {
  const key = nameKey(name);
  const existing = await db
    .selectFrom('units')
    .select(['id', 'department_id', 'slug', 'name'])
    .where('department_id', '=', departmentId)
    .where('name_key', '=', key)
    .executeTakeFirst();
  if (existing) {
    return toUnit(existing);
  }
  const slug = await uniqueSlug(slugify(name, 'unit'), async (candidate) =>
    Boolean(
      await db
        .selectFrom('units')
        .select('id')
        .where('department_id', '=', departmentId)
        .where('slug', '=', candidate)
        .executeTakeFirst(),
    ),
  );
  const row = await db
    .insertInto('units')
    .values({
      department_id: departmentId,
      slug,
      name: cleanLine(name),
      name_key: key,
      created_at: now,
    })
    .returning(['id', 'department_id', 'slug', 'name'])
    .executeTakeFirstOrThrow();
  return toUnit(row);
}

/**
 * `base`, or `base-2`, `base-3` … whichever is free first. Slugs are
 * never reused for something else while their first owner exists.
 */
export async function uniqueSlug(
  base: string,
  taken: (slug: string) => Promise<boolean>,
): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await taken(candidate))) {
      return candidate;
    }
  }
}

export async function findDepartmentBySlug(
  db: Db,
  slug: string,
): Promise<Department | undefined> {
  const row = await db
    .selectFrom('departments')
    .select(['id', 'slug', 'name', 'parent_id'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row && toDepartment(row);
}

export async function findDepartmentById(
  db: Db,
  id: number,
): Promise<Department | undefined> {
  const row = await db
    .selectFrom('departments')
    .select(['id', 'slug', 'name', 'parent_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toDepartment(row);
}

// Departments are public bodies: a few hundred even for a whole civil
// service, so the filter list takes them all, up to this bound.
const MAX_DEPARTMENTS = 2000;

/**
 * Every department, by name, with the slug of the department it belongs
 * to (for an agency) and how many active people it has.
 */
export async function listDepartments(
  db: Db,
): Promise<(Department & { parentSlug: string | null; people: number })[]> {
  const rows = await db
    .selectFrom('departments as d')
    .leftJoin('departments as parent', 'parent.id', 'd.parent_id')
    .select([
      'd.id',
      'd.slug',
      'd.name',
      'd.parent_id',
      'parent.slug as parent_slug',
    ])
    .select((eb) =>
      eb
        .selectFrom('people as p')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('p.department_id', '=', 'd.id')
        .where('p.status', '=', 'active')
        .as('people'),
    )
    .orderBy('d.name_key')
    .limit(MAX_DEPARTMENTS)
    .execute();
  return rows.map((row) => ({
    ...toDepartment(row),
    parentSlug: row.parent_slug,
    people: row.people ?? 0,
  }));
}

/** Every department's id, slug and name, by name: for filter lists. */
export async function listDepartmentOptions(db: Db): Promise<Department[]> {
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'slug', 'name', 'parent_id'])
    .orderBy('name_key')
    .limit(MAX_DEPARTMENTS)
    .execute();
  return rows.map(toDepartment);
}

/** The bodies that belong to a department, by name. */
export async function listChildDepartments(
  db: Db,
  parentId: number,
): Promise<Department[]> {
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'slug', 'name', 'parent_id'])
    .where('parent_id', '=', parentId)
    .orderBy('name_key')
    .limit(MAX_DEPARTMENTS)
    .execute();
  return rows.map(toDepartment);
}

/** A department's units by name, with their count of active posts. */
export async function listUnits(
  db: Db,
  departmentId: number,
): Promise<(Unit & { posts: number })[]> {
  const rows = await db
    .selectFrom('units as u')
    .select(['u.id', 'u.department_id', 'u.slug', 'u.name'])
    .select((eb) =>
      eb
        .selectFrom('posts as p')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('p.unit_id', '=', 'u.id')
        .where('p.status', '=', 'active')
        .as('posts'),
    )
    .where('u.department_id', '=', departmentId)
    .orderBy('u.name_key')
    .limit(MAX_DEPARTMENTS)
    .execute();
  return rows.map((row) => ({ ...toUnit(row), posts: row.posts ?? 0 }));
}

/** A department's unit with this name, ignoring case and spacing. */
export async function findUnitByName(
  db: Db,
  departmentId: number,
  name: string,
): Promise<Unit | undefined> {
  const row = await db
    .selectFrom('units')
    .select(['id', 'department_id', 'slug', 'name'])
    .where('department_id', '=', departmentId)
    .where('name_key', '=', nameKey(name))
    .executeTakeFirst();
  return row && toUnit(row);
}

export async function findUnit(
  db: Db,
  departmentId: number,
  slug: string,
): Promise<Unit | undefined> {
  const row = await db
    .selectFrom('units')
    .select(['id', 'department_id', 'slug', 'name'])
    .where('department_id', '=', departmentId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row && toUnit(row);
}

function toDepartment(row: {
  id: number;
  slug: string;
  name: string;
  parent_id: number | null;
}): Department {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    parentId: row.parent_id,
  };
}

function toUnit(row: {
  id: number;
  department_id: number;
  slug: string;
  name: string;
}): Unit {
  return {
    id: row.id,
    departmentId: row.department_id,
    slug: row.slug,
    name: row.name,
  };
}
