import type { Db } from '../../database.ts';
import type { PersonThing } from '../../access/policy.ts';
import {
  getPostSummaries,
  listReportingPosts,
  postsOfPerson,
} from './posts.ts';
import type { PlaceRef, PostSummary } from './posts.ts';
import type { PersonRole, PersonStatus, TagKind } from './tables.ts';

/** A person as a directory list shows them. */
export interface PersonSummary {
  id: number;
  name: string;
  jobTitle: string | null;
  grade: string | null;
  /** The department, or the parent department of the body they work in. */
  department: PlaceRef | null;
  /** The body they work in, when it is an agency of a department. */
  organisation: PlaceRef | null;
  unit: PlaceRef | null;
  location: string | null;
  email: string | null;
  phone: string | null;
  status: PersonStatus;
}

export interface PersonProfile extends PersonSummary {
  about: string;
  skills: string[];
  interests: string[];
  projects: string[];
  role: PersonRole;
  source: string;
  createdAt: string;
  updatedAt: string;
  /** The posts the person holds. */
  posts: PostSummary[];
  /** The posts their active posts report to, with whoever holds them. */
  managers: PostSummary[];
  /** The first posts reporting to their active posts. */
  reports: PostSummary[];
  /** How many active posts report to theirs in all. */
  reportCount: number;
}

// A profile lists this many direct reports; the post's own page pages
// through the rest.
const REPORTS_ON_PROFILE = 50;

function personQuery(db: Db) {
  return db
    .selectFrom('people as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('departments as parent', 'parent.id', 'd.parent_id')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'p.id',
      'p.display_name',
      'p.job_title',
      'p.grade',
      'p.location',
      'p.email',
      'p.phone',
      'p.status',
      'd.slug as department_slug',
      'd.name as department_name',
      'parent.slug as parent_slug',
      'parent.name as parent_name',
      'u.slug as unit_slug',
      'u.name as unit_name',
    ]);
}

type PersonRow = Awaited<
  ReturnType<ReturnType<typeof personQuery>['executeTakeFirstOrThrow']>
>;

function place(slug: string | null, name: string | null): PlaceRef | null {
  return slug && name ? { slug, name } : null;
}

function toSummary(row: PersonRow): PersonSummary {
  const body = place(row.department_slug, row.department_name);
  const parent = place(row.parent_slug, row.parent_name);
  return {
    id: row.id,
    name: row.display_name,
    jobTitle: row.job_title,
    grade: row.grade,
    department: parent ?? body,
    organisation: parent ? body : null,
    unit: place(row.unit_slug, row.unit_name),
    location: row.location,
    email: row.email,
    phone: row.phone,
    status: row.status,
  };
}

/** People by id, in the order asked; missing ids are left out. */
export async function getPersonSummaries(
  db: Db,
  ids: number[],
): Promise<PersonSummary[]> {
  if (ids.length === 0) {
    return [];
  }
  const rows = await personQuery(db).where('p.id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, toSummary(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** What the access rule needs to know about a person. */
export async function getPersonThing(
  db: Db,
  id: number,
): Promise<PersonThing | undefined> {
  const row = await db
    .selectFrom('people')
    .select(['id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { type: 'person', id: row.id, status: row.status };
}

/** Everything a profile page shows about a person. */
export async function getPersonProfile(
  db: Db,
  id: number,
): Promise<PersonProfile | undefined> {
  const row = await personQuery(db)
    .select([
      'p.about_md',
      'p.role',
      'p.source',
      'p.created_at',
      'p.updated_at',
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) {
    return undefined;
  }
  const [tags, posts] = await Promise.all([
    getTags(db, id),
    postsOfPerson(db, id),
  ]);
  return {
    ...toSummary(row),
    about: row.about_md,
    skills: tags.skill,
    interests: tags.interest,
    projects: tags.project,
    role: row.role,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    posts,
    ...(await reportingLines(db, posts)),
  };
}

async function reportingLines(
  db: Db,
  posts: PostSummary[],
): Promise<Pick<PersonProfile, 'managers' | 'reports' | 'reportCount'>> {
  const active = posts.filter((post) => post.status === 'active');
  const managerIds = [
    ...new Set(active.flatMap((post) => post.reportsToPostId ?? [])),
  ];
  const [managers, ...reportPages] = await Promise.all([
    getPostSummaries(db, managerIds),
    ...active.map((post) =>
      listReportingPosts(db, post.id, REPORTS_ON_PROFILE),
    ),
  ]);
  return {
    managers,
    reports: reportPages
      .flatMap((page) => page.items)
      .slice(0, REPORTS_ON_PROFILE),
    reportCount: reportPages.reduce((sum, page) => sum + page.total, 0),
  };
}

/** A person's skills, interests and projects, each in the order given. */
export async function getTags(
  db: Db,
  personId: number,
): Promise<Record<TagKind, string[]>> {
  const rows = await db
    .selectFrom('person_tags')
    .select(['kind', 'label'])
    .where('person_id', '=', personId)
    .orderBy('kind')
    .orderBy('position')
    .execute();
  const tags: Record<TagKind, string[]> = {
    skill: [],
    interest: [],
    project: [],
  };
  for (const row of rows) {
    tags[row.kind].push(row.label);
  }
  return tags;
}

/** Replaces one kind of a person's tags with `labels`, in that order. */
export async function setTags(
  db: Db,
  personId: number,
  kind: TagKind,
  labels: string[],
): Promise<void> {
  await db
    .deleteFrom('person_tags')
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .execute();
  if (labels.length === 0) {
    return;
  }
  await db
    .insertInto('person_tags')
    .values(
      labels.map((label, position) => ({
        person_id: personId,
        kind,
        label,
        label_key: label.toLowerCase(),
        position,
      })),
    )
    .execute();
}

/**
 * A profile as a reader who may not see the organisation's structure (a
 * guest) sees it: without posts, managers or reports, which would name
 * people and pages closed to them.
 */
export function withoutStructure(profile: PersonProfile): PersonProfile {
  return { ...profile, posts: [], managers: [], reports: [], reportCount: 0 };
}
