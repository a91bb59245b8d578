import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { spreadAcrossDepartments } from '../../platform/spread.ts';
import {
  answerAuthors,
  blogAuthors,
  listablePeople,
  tagScores,
  wikiAuthors,
} from './sources.ts';
import type { Listable } from './sources.ts';
import { wordsMatch } from './words.ts';
import type { Topic } from './words.ts';

// "Who knows about …": people ranked by what their profile says and what
// they wrote, each with the reasons in words. A skill weighs most, then a
// project, then an interest (sources.ts); each wiki page or blog post on
// the topic adds two and each accepted answer three, up to five of each,
// so a prolific writer does not bury everyone else. Equal scores reach
// into other departments first (platform/spread.ts).

const PAGE_WEIGHT = 2;
const ANSWER_WEIGHT = 3;
const POST_WEIGHT = 2;
const COUNTED = 5;

export interface ExpertQuery {
  topic: Topic;
  /** Only people from departments other than the viewer's. */
  otherDepartments: boolean;
}

export interface FoundExpert {
  person: {
    id: number;
    name: string;
    jobTitle: string | null;
    department: string | null;
  };
  /**
   * "Skill: Kubernetes", "Wrote 3 wiki pages on Kubernetes", …: naming
   * what matched, not the whole query.
   */
  reasons: string[];
  score: number;
}

interface Evidence {
  score: number;
  pages: number;
  answers: Map<string | null, number>;
  posts: number;
}

/**
 * A page of the people who know about `query.topic`, best first, with
 * the number of people found (at most a few thousand: each source keeps
 * its best PEOPLE_CANDIDATES).
 */
export async function findExperts(
  db: Db,
  viewer: PersonActor,
  query: ExpertQuery,
  request: PageRequest,
  now = new Date().toISOString(),
): Promise<{ items: FoundExpert[]; total: number }> {
  const listable = await listableFor(db, viewer, query.otherDepartments);
  const { topic } = query;
  const [tags, pages, answers, posts] = await Promise.all([
    tagScores(db, topic, listable),
    wikiAuthors(db, viewer, topic, listable),
    answerAuthors(db, viewer, topic, listable),
    blogAuthors(db, viewer, topic, listable, now),
  ]);

  const evidence = new Map<number, Evidence>();
  const of = (id: number) => {
    const found = evidence.get(id) ?? {
      score: 0,
      pages: 0,
      answers: new Map(),
      posts: 0,
    };
    evidence.set(id, found);
    return found;
  };
  for (const { personId, score } of tags) {
    of(personId).score += score;
  }
  for (const [id, count] of pages) {
    of(id).pages = count;
    of(id).score += PAGE_WEIGHT * Math.min(count, COUNTED);
  }
  for (const [id, byTag] of answers) {
    const count = [...byTag.values()].reduce((sum, n) => sum + n, 0);
    of(id).answers = byTag;
    of(id).score += ANSWER_WEIGHT * Math.min(count, COUNTED);
  }
  for (const [id, count] of posts) {
    of(id).posts = count;
    of(id).score += POST_WEIGHT * Math.min(count, COUNTED);
  }
  if (evidence.size === 0) {
    return { items: [], total: 0 };
  }

  const people = await db
    .selectFrom('people as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .select(['p.id', 'p.display_name', 'p.sort_name', 'p.job_title'])
    .select('d.name as department')
    .where('p.id', 'in', [...evidence.keys()])
    .where(listablePeople(listable))
    .execute();
  const sorted = people
    .map((person) => ({
      person,
      score: evidence.get(person.id)?.score ?? 0,
      department: person.department,
    }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.person.sort_name.localeCompare(b.person.sort_name) ||
        a.person.id - b.person.id,
    );
  const shown = spreadAcrossDepartments(
    sorted,
    request.offset + request.pageSize,
  ).slice(request.offset);
  const labels = await matchedLabels(
    db,
    shown.map(({ person }) => person.id),
    topic,
  );
  return {
    items: shown.map(({ person, score }) => ({
      person: {
        id: person.id,
        name: person.display_name,
        jobTitle: person.job_title,
        department: person.department,
      },
      reasons: [
        ...(labels.get(person.id) ?? []),
        ...reasonsFrom(evidence.get(person.id), matchedText(topic)),
      ],
      score,
    })),
    total: sorted.length,
  };
}

/** Who the viewer may be shown, with their department when asked. */
async function listableFor(
  db: Db,
  viewer: PersonActor,
  otherDepartments: boolean,
): Promise<Listable> {
  if (!otherDepartments) {
    return { viewerId: viewer.id };
  }
  const row = await db
    .selectFrom('people')
    .select('department_id')
    .where('id', '=', viewer.id)
    .executeTakeFirst();
  return {
    viewerId: viewer.id,
    otherThan: { departmentId: row?.department_id ?? null },
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * What a match on the topic is named by in a reason: its meaningful words
 * as typed, which every matching title holds and a matching tag is made
 * of, never words that matched nothing ("Welcome <b>x</b>" → "Welcome").
 */
// TODO: A page or post found only by a tag that is one word of a longer
// topic ("data" for "open data") is still said to be on the whole topic;
// counting each person's pages per matched tag would name the tag itself.
function matchedText(topic: Topic): string {
  return topic.matched || (topic.keys[0] ?? topic.text);
}

/** What a person wrote on the topic, in words. */
function reasonsFrom(found: Evidence | undefined, text: string): string[] {
  if (!found) {
    return [];
  }
  const reasons: string[] = [];
  if (found.pages > 0) {
    reasons.push(
      `Wrote ${plural(found.pages, 'wiki page', 'wiki pages')} on ${text}`,
    );
  }
  const answers = [...found.answers].sort(
    ([a, x], [b, y]) => y - x || (a ?? '').localeCompare(b ?? ''),
  );
  for (const [tag, count] of answers) {
    const what = plural(count, 'accepted answer', 'accepted answers');
    reasons.push(
      tag === null ? `${what} on ${text}` : `${what} tagged #${tag}`,
    );
  }
  if (found.posts > 0) {
    reasons.push(
      `Wrote ${plural(found.posts, 'blog post', 'blog posts')} on ${text}`,
    );
  }
  return reasons;
}

const KIND_NAMES = { skill: 'Skill', project: 'Project', interest: 'Interest' };
const KIND_ORDER = ['skill', 'project', 'interest'];

/** Each person's matching skills, projects and interests, as reasons. */
async function matchedLabels(
  db: Db,
  personIds: number[],
  topic: Topic,
): Promise<Map<number, string[]>> {
  const reasons = new Map<number, string[]>();
  if (personIds.length === 0) {
    return reasons;
  }
  const keys = new Set(topic.keys);
  // A page of people's tags: few enough to check each one's words here.
  const rows = (
    await db
      .selectFrom('person_tags')
      .select(['person_id', 'kind', 'label', 'label_key', 'position'])
      .where('person_id', 'in', personIds)
      .where('kind', 'in', ['skill', 'project', 'interest'])
      .execute()
  ).filter((row) => keys.has(row.label_key) || wordsMatch(row.label, topic));
  rows.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.position - b.position,
  );
  for (const row of rows) {
    const list = reasons.get(row.person_id) ?? [];
    list.push(`${KIND_NAMES[row.kind]}: ${row.label}`);
    reasons.set(row.person_id, list);
  }
  return reasons;
}
