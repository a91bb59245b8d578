import type { Insertable } from 'kysely';
import type { Db } from '../../../database.ts';
import { cleanLine, sortKey } from '../../../platform/text.ts';
import { emailKey } from '../accounts.ts';
import { ensureDepartment, ensureUnit } from '../departments.ts';
import { reindexPeople, reindexPosts } from '../directory-index.ts';
import type { PeopleTable, PersonTagsTable, PostsTable } from '../tables.ts';
import type { DemoOrganisation, DemoPost } from './generate.ts';

// Seeding writes rows in batches rather than through createPerson, which
// takes several queries per person: 21,000 people one at a time would
// take minutes. Each statement binds at most this many values, well
// inside SQLite's and PostgreSQL's limits.
const MAX_VALUES = 16_000;

interface BodyIds {
  id: number;
  name: string;
  units: Map<string, number>;
}

/**
 * Writes a generated organisation into an empty directory: bodies, units,
 * people and their tags, posts and who holds them, then the search index.
 * The caller owns the transaction.
 */
export async function writeOrganisation(
  db: Db,
  organisation: DemoOrganisation,
  passwordHash: string,
  now: string,
): Promise<void> {
  const bodies = await writeBodies(db, organisation, now);
  const personIds = await writePeople(
    db,
    organisation,
    bodies,
    passwordHash,
    now,
  );
  await writeTags(db, organisation, personIds);
  const postIds = await writePosts(db, organisation, bodies, now);
  const holders = organisation.people.map((person, index) => ({
    person_id: personIds[index] as number,
    post_id: postIds[person.post] as number,
  }));
  await inBatches(holders, (batch) =>
    db.insertInto('post_holders').values(batch).execute(),
  );
  await reindexPeople(db, personIds);
  await reindexPosts(db, postIds);
}

async function writeBodies(
  db: Db,
  organisation: DemoOrganisation,
  now: string,
): Promise<Map<string, BodyIds>> {
  const bodies = new Map<string, BodyIds>();
  // A department comes before its agency, so its id is known by then.
  for (const body of organisation.bodies) {
    const parentId =
      body.parentKey === null ? null : (bodies.get(body.parentKey)?.id ?? null);
    const { department } = await ensureDepartment(db, body.name, now, parentId);
    const units = new Map<string, number>();
    for (const name of body.units) {
      units.set(name, (await ensureUnit(db, department.id, name, now)).id);
    }
    bodies.set(body.key, { id: department.id, name: department.name, units });
  }
  return bodies;
}

function placeOf(bodies: Map<string, BodyIds>, post: DemoPost) {
  const body = bodies.get(post.bodyKey);
  if (!body) {
    throw new Error(`post ${post.reference} names no known body`);
  }
  return {
    department_id: body.id,
    unit_id: post.unit === null ? null : (body.units.get(post.unit) ?? null),
  };
}

/** Adds the people and answers their ids, in the organisation's order. */
async function writePeople(
  db: Db,
  organisation: DemoOrganisation,
  bodies: Map<string, BodyIds>,
  passwordHash: string,
  now: string,
): Promise<number[]> {
  const rows = organisation.people.map((person): Insertable<PeopleTable> => {
    const post = organisation.posts[person.post] as DemoPost;
    const name = cleanLine(person.displayName);
    return {
      display_name: name,
      sort_name: sortKey(name),
      email: person.email,
      email_key: emailKey(person.email),
      phone: person.phone,
      job_title: post.jobTitle,
      grade: post.grade,
      ...placeOf(bodies, post),
      location: person.location,
      about_md: person.about,
      role: person.role,
      password_hash: passwordHash,
      source: 'demo',
      created_at: now,
      updated_at: now,
    };
  });
  // RETURNING promises no order, so ids are matched to people by their
  // unique address.
  const byEmail = new Map<string | null, number>();
  await inBatches(rows, async (batch) => {
    const inserted = await db
      .insertInto('people')
      .values(batch)
      .returning(['id', 'email_key'])
      .execute();
    for (const row of inserted) {
      byEmail.set(row.email_key, row.id);
    }
  });
  return rows.map((row) => byEmail.get(row.email_key ?? null) as number);
}

async function writeTags(
  db: Db,
  organisation: DemoOrganisation,
  personIds: number[],
): Promise<void> {
  const rows: Insertable<PersonTagsTable>[] = [];
  organisation.people.forEach((person, index) => {
    const kinds = [
      ['skill', person.skills],
      ['interest', person.interests],
      ['project', person.projects],
    ] as const;
    for (const [kind, labels] of kinds) {
      labels.forEach((label, position) => {
        rows.push({
          person_id: personIds[index] as number,
          kind,
          label,
          label_key: label.toLowerCase(),
          position,
        });
      });
    }
  });
  await inBatches(rows, (batch) =>
    db.insertInto('person_tags').values(batch).execute(),
  );
}

/**
 * Adds the posts a level of the tree at a time, top first, so the post
 * each one reports to already has its id. Answers the ids in the
 * organisation's order.
 */
async function writePosts(
  db: Db,
  organisation: DemoOrganisation,
  bodies: Map<string, BodyIds>,
  now: string,
): Promise<number[]> {
  const byReference = new Map<string, number>();
  const levels: DemoPost[][] = [];
  for (const post of organisation.posts) {
    (levels[post.depth] ??= []).push(post);
  }
  for (const level of levels) {
    const rows = level.map((post) => postRow(post, bodies, byReference, now));
    await inBatches(rows, async (batch) => {
      const inserted = await db
        .insertInto('posts')
        .values(batch)
        .returning(['id', 'reference'])
        .execute();
      for (const row of inserted) {
        byReference.set(row.reference, row.id);
      }
    });
  }
  return organisation.posts.map(
    (post) => byReference.get(post.reference) as number,
  );
}

function postRow(
  post: DemoPost,
  bodies: Map<string, BodyIds>,
  byReference: Map<string, number>,
  now: string,
): Insertable<PostsTable> {
  return {
    ...placeOf(bodies, post),
    reference: post.reference,
    organisation: bodies.get(post.bodyKey)?.name ?? null,
    job_title: post.jobTitle,
    job_function: post.profession,
    grade: post.grade,
    holder_kind: post.vacant ? 'vacant' : 'named',
    reports_to_reference: post.reportsTo,
    reports_to_post_id:
      post.reportsTo === null
        ? null
        : (byReference.get(post.reportsTo) ?? null),
    fte: 1,
    pay_floor: post.pay[0],
    pay_ceiling: post.pay[1],
    professional_group: post.profession,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Runs `write` over `rows` in batches small enough that their values stay
 * within MAX_VALUES; every row has the same columns as the first.
 */
async function inBatches<T extends object>(
  rows: readonly T[],
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  const columns = Object.keys(rows[0] ?? {}).length;
  const size = Math.max(1, Math.floor(MAX_VALUES / Math.max(1, columns)));
  for (let start = 0; start < rows.length; start += size) {
    await write(rows.slice(start, start + size));
  }
}
