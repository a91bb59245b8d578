import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { HolderKind, RecordStatus } from './tables.ts';

/** A person named on a page, with enough to link to them. */
export interface PersonRef {
  id: number;
  name: string;
}

export interface PlaceRef {
  slug: string;
  name: string;
}

/** A post as lists and charts show it. */
export interface PostSummary {
  id: number;
  reference: string;
  jobTitle: string;
  grade: string | null;
  holderKind: HolderKind;
  status: RecordStatus;
  reportsToPostId: number | null;
  department: PlaceRef;
  unit: PlaceRef | null;
  holders: PersonRef[];
}

/** Everything known about one post. */
export interface PostDetail extends PostSummary {
  organisation: string | null;
  jobFunction: string | null;
  reportsToReference: string | null;
  fte: number | null;
  phone: string | null;
  email: string | null;
  payFloor: number | null;
  payCeiling: number | null;
  professionalGroup: string | null;
  endedAt: string | null;
  updatedAt: string;
}

export interface JuniorTeam {
  id: number;
  grade: string;
  jobTitle: string;
  unit: PlaceRef | null;
  professionalGroup: string | null;
  payscaleMin: number | null;
  payscaleMax: number | null;
  fte: number;
}

/** A node of the org chart: a post and the posts reporting to it. */
export interface ChartNode {
  post: PostSummary;
  /** Active posts reporting to this one, including those not loaded. */
  reportCount: number;
  children: ChartNode[];
}

function summaryQuery(db: Db) {
  return db
    .selectFrom('posts as p')
    .innerJoin('departments as d', 'd.id', 'p.department_id')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'p.id',
      'p.reference',
      'p.job_title',
      'p.grade',
      'p.holder_kind',
      'p.status',
      'p.reports_to_post_id',
      'd.slug as department_slug',
      'd.name as department_name',
      'u.slug as unit_slug',
      'u.name as unit_name',
    ]);
}

type SummaryRow = Awaited<
  ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>
>;

function toSummary(row: SummaryRow, holders: PersonRef[]): PostSummary {
  return {
    id: row.id,
    reference: row.reference,
    jobTitle: row.job_title,
    grade: row.grade,
    holderKind: row.holder_kind,
    status: row.status,
    reportsToPostId: row.reports_to_post_id,
    department: { slug: row.department_slug, name: row.department_name },
    unit:
      row.unit_slug && row.unit_name
        ? { slug: row.unit_slug, name: row.unit_name }
        : null,
    holders,
  };
}

/** The named holders of each post, by post id. */
async function holdersOf(
  db: Db,
  postIds: number[],
): Promise<Map<number, PersonRef[]>> {
  const map = new Map<number, PersonRef[]>();
  if (postIds.length === 0) {
    return map;
  }
  const rows = await db
    .selectFrom('post_holders as h')
    .innerJoin('people as p', 'p.id', 'h.person_id')
    .select(['h.post_id', 'p.id', 'p.display_name'])
    .where('h.post_id', 'in', postIds)
    .where('p.status', '=', 'active')
    .orderBy('p.sort_name')
    .execute();
  for (const row of rows) {
    const list = map.get(row.post_id) ?? [];
    list.push({ id: row.id, name: row.display_name });
    map.set(row.post_id, list);
  }
  return map;
}

async function withHolders(db: Db, rows: SummaryRow[]): Promise<PostSummary[]> {
  const holders = await holdersOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toSummary(row, holders.get(row.id) ?? []));
}

/** Posts by id, in no particular order; missing ids are left out. */
export async function getPostSummaries(
  db: Db,
  ids: number[],
): Promise<PostSummary[]> {
  if (ids.length === 0) {
    return [];
  }
  const rows = await summaryQuery(db).where('p.id', 'in', ids).execute();
  return withHolders(db, rows);
}

/** The posts a person holds, active first. */
export async function postsOfPerson(
  db: Db,
  personId: number,
): Promise<PostSummary[]> {
  const rows = await summaryQuery(db)
    .innerJoin('post_holders as h', 'h.post_id', 'p.id')
    .where('h.person_id', '=', personId)
    .orderBy('p.status')
    .orderBy('p.id')
    .limit(50)
    .execute();
  return withHolders(db, rows);
}

export async function getPost(
  db: Db,
  id: number,
): Promise<PostDetail | undefined> {
  const row = await summaryQuery(db)
    .select([
      'p.organisation',
      'p.job_function',
      'p.reports_to_reference',
      'p.fte',
      'p.phone',
      'p.email',
      'p.pay_floor',
      'p.pay_ceiling',
      'p.professional_group',
      'p.ended_at',
      'p.updated_at',
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) {
    return undefined;
  }
  const holders = await holdersOf(db, [row.id]);
  return {
    ...toSummary(row, holders.get(row.id) ?? []),
    organisation: row.organisation,
    jobFunction: row.job_function,
    reportsToReference: row.reports_to_reference,
    fte: row.fte,
    phone: row.phone,
    email: row.email,
    payFloor: row.pay_floor,
    payCeiling: row.pay_ceiling,
    professionalGroup: row.professional_group,
    endedAt: row.ended_at,
    updatedAt: row.updated_at,
  };
}

/** Active posts reporting to a post, a page at a time, senior first. */
export async function listReportingPosts(
  db: Db,
  postId: number,
  limit: number,
  offset = 0,
): Promise<{ items: PostSummary[]; total: number }> {
  const base = db
    .selectFrom('posts')
    .where('reports_to_post_id', '=', postId)
    .where('status', '=', 'active');
  const [{ total }, ids] = await Promise.all([
    base
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    base.select(['id', 'grade', 'job_title']).execute(),
  ]);
  // A post rarely has more than a few dozen reports; ordering by grade
  // seniority needs the grade ladder, which lives in code, not SQL.
  const ordered = ids
    .sort(bySeniority)
    .slice(offset, offset + limit)
    .map((row) => row.id);
  const summaries = await getPostSummaries(db, ordered);
  const byId = new Map(summaries.map((post) => [post.id, post]));
  return {
    items: ordered.flatMap((id) => byId.get(id) ?? []),
    total,
  };
}

// Grades from most to least senior, as organograms write them. Anything
// not listed sorts after these, alphabetically.
const GRADE_LADDER = [
  'permanent secretary',
  'scs4',
  'scs3',
  'scs2',
  'scs1',
  'of-6',
  'g6',
  'grade 6',
  'g7',
  'grade 7',
  'seo',
  'heo',
  'eo',
  'ao',
  'aa',
];

/** Where a grade sits on the ladder: 0 is most senior. */
export function gradeRank(grade: string | null): number {
  const index = GRADE_LADDER.indexOf((grade ?? '').toLowerCase().trim());
  return index === -1 ? GRADE_LADDER.length : index;
}

function bySeniority(
  a: { grade: string | null; job_title: string; id: number },
  b: { grade: string | null; job_title: string; id: number },
): number {
  return (
    gradeRank(a.grade) - gradeRank(b.grade) ||
    a.job_title.localeCompare(b.job_title, 'en-GB') ||
    a.id - b.id
  );
}

/**
 * The chain of posts above a post, nearest first, up to the top of its
 * tree. A loop in the reporting lines stops the walk where it repeats.
 */
export async function postChain(
  db: Db,
  postId: number,
): Promise<PostSummary[]> {
  const rows = await sql<{ id: number; depth: number }>`
    with recursive chain(id, depth) as (
      select reports_to_post_id, 1 from posts
      where id = ${postId} and reports_to_post_id is not null
      union all
      select p.reports_to_post_id, c.depth + 1
      from posts p join chain c on p.id = c.id
      where p.reports_to_post_id is not null and c.depth < 50
    )
    select id, depth from chain order by depth`.execute(db);
  const seen = new Set<number>([postId]);
  const ids: number[] = [];
  for (const row of rows.rows) {
    if (seen.has(row.id)) {
      break;
    }
    seen.add(row.id);
    ids.push(row.id);
  }
  const posts = await getPostSummaries(db, ids);
  const byId = new Map(posts.map((post) => [post.id, post]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The ids of a department's active posts that report to no post. */
async function rootPostIds(db: Db, departmentId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('posts')
    .select('id')
    .where('department_id', '=', departmentId)
    .where('reports_to_post_id', 'is', null)
    .where('status', '=', 'active')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The org chart below some posts, `depth` levels deep (0 is the posts
 * themselves) and at most `maxNodes` posts; deeper posts are counted on
 * their parent's `reportCount` and reached from that post's own page.
 */
export async function chartFrom(
  db: Db,
  rootIds: number[],
  depth: number,
  maxNodes = 1500,
): Promise<ChartNode[]> {
  if (rootIds.length === 0) {
    return [];
  }
  const roots = sql.join(rootIds);
  const rows = await sql<{ id: number; depth: number }>`
    with recursive tree(id, depth) as (
      select id, 0 from posts where id in (${roots})
      union all
      select p.id, t.depth + 1
      from posts p join tree t on p.reports_to_post_id = t.id
      where t.depth < ${depth} and p.status = 'active'
    )
    select id, min(depth) as depth from tree group by id
    order by min(depth), id limit ${maxNodes}`.execute(db);
  const ids = rows.rows.map((row) => row.id);
  const [posts, counts] = await Promise.all([
    getPostSummaries(db, ids),
    reportCounts(db, ids),
  ]);
  const nodes = new Map<number, ChartNode>(
    posts.map((post) => [
      post.id,
      { post, reportCount: counts.get(post.id) ?? 0, children: [] },
    ]),
  );
  const rootSet = new Set(rootIds);
  for (const node of nodes.values()) {
    const parentId = node.post.reportsToPostId;
    const parent = parentId === null ? undefined : nodes.get(parentId);
    if (parent && !rootSet.has(node.post.id)) {
      parent.children.push(node);
    }
  }
  for (const node of nodes.values()) {
    node.children.sort((a, b) => bySeniority(rowOf(a.post), rowOf(b.post)));
  }
  return rootIds.flatMap((id) => nodes.get(id) ?? []);
}

function rowOf(post: PostSummary) {
  return { grade: post.grade, job_title: post.jobTitle, id: post.id };
}

async function reportCounts(
  db: Db,
  ids: number[],
): Promise<Map<number, number>> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('posts')
    .select(['reports_to_post_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('reports_to_post_id', 'in', ids)
    .where('status', '=', 'active')
    .groupBy('reports_to_post_id')
    .execute();
  return new Map(
    rows.flatMap((row) =>
      row.reports_to_post_id === null ? [] : [[row.reports_to_post_id, row.n]],
    ),
  );
}

/** A department's org chart from its top posts down `depth` levels. */
export async function departmentChart(
  db: Db,
  departmentId: number,
  depth: number,
): Promise<ChartNode[]> {
  return chartFrom(db, await rootPostIds(db, departmentId), depth);
}

/**
 * A unit's org chart: its active posts, each under its manager when the
 * manager is in the same unit, otherwise at the top.
 */
export async function unitChart(
  db: Db,
  unitId: number,
  depth: number,
): Promise<ChartNode[]> {
  const rows = await db
    .selectFrom('posts as p')
    .leftJoin('posts as m', 'm.id', 'p.reports_to_post_id')
    .select('p.id')
    .where('p.unit_id', '=', unitId)
    .where('p.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('m.id', 'is', null),
        eb('m.unit_id', 'is', null),
        eb('m.unit_id', '!=', unitId),
      ]),
    )
    .orderBy('p.id')
    .limit(500)
    .execute();
  return chartFrom(
    db,
    rows.map((row) => row.id),
    depth,
  );
}

/**
 * The shape of a department's reporting tree: its top posts and how many
 * levels deep the deepest chain of active posts goes (1 for a lone post).
 */
export async function departmentTreeShape(
  db: Db,
  departmentId: number,
): Promise<{ rootIds: number[]; depth: number }> {
  const rootIds = await rootPostIds(db, departmentId);
  if (rootIds.length === 0) {
    return { rootIds, depth: 0 };
  }
  const result = await sql<{ depth: number | null }>`
    with recursive tree(id, depth) as (
      select id, 1 from posts where id in (${sql.join(rootIds)})
      union all
      select p.id, t.depth + 1
      from posts p join tree t on p.reports_to_post_id = t.id
      where p.status = 'active' and t.depth < 100
    )
    select max(depth) as depth from tree`.execute(db);
  return { rootIds, depth: Number(result.rows[0]?.depth ?? 0) };
}

/** The junior staff reporting to a senior post, by grade and title. */
export async function juniorTeamsOf(
  db: Db,
  postId: number,
): Promise<JuniorTeam[]> {
  const rows = await db
    .selectFrom('junior_teams as j')
    .leftJoin('units as u', 'u.id', 'j.unit_id')
    .select([
      'j.id',
      'j.grade',
      'j.job_title',
      'j.professional_group',
      'j.payscale_min',
      'j.payscale_max',
      'j.fte',
      'u.slug as unit_slug',
      'u.name as unit_name',
    ])
    .where('j.senior_post_id', '=', postId)
    .where('j.status', '=', 'active')
    .orderBy('j.grade')
    .orderBy('j.job_title')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    grade: row.grade,
    jobTitle: row.job_title,
    unit:
      row.unit_slug && row.unit_name
        ? { slug: row.unit_slug, name: row.unit_name }
        : null,
    professionalGroup: row.professional_group,
    payscaleMin: row.payscale_min,
    payscaleMax: row.payscale_max,
    fte: row.fte,
  }));
}

/** A department's posts a page at a time, in the order they were added. */
export async function listDepartmentPosts(
  db: Db,
  departmentId: number,
  status: RecordStatus | 'all',
  limit: number,
  offset: number,
): Promise<{ items: PostSummary[]; total: number }> {
  let base = db.selectFrom('posts').where('department_id', '=', departmentId);
  if (status !== 'all') {
    base = base.where('status', '=', status);
  }
  const [count, rows] = await Promise.all([
    base
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    base.select('id').orderBy('id').limit(limit).offset(offset).execute(),
  ]);
  const ids = rows.map((row) => row.id);
  const posts = await getPostSummaries(db, ids);
  const byId = new Map(posts.map((post) => [post.id, post]));
  return { items: ids.flatMap((id) => byId.get(id) ?? []), total: count.total };
}
