import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Actor } from '../../../access/actor.ts';
import { readableContent } from '../../../access/groups.ts';
import { can } from '../../../access/policy.ts';
import type { Db } from '../../../database.ts';
import type { ThreadTag } from '../tags/tags.ts';
import type { Thread } from '../threads.ts';
import { tagLabelKeys, titleKeys } from './words.ts';
import { spreadAcrossDepartments } from '../../../platform/spread.ts';

// "People who may know": for a question, up to five people from any
// department whose skills or interests name its tags or the words of its
// title, or whose answers were accepted on other threads with its tags,
// each with the reasons in words. A skill weighs three times an interest;
// each accepted answer weighs two, up to three answers.
//
// Every query is bounded: people's tags are found through their index
// (kind, label_key) and summed in the database, keeping the best few;
// accepted answers are counted over the latest threads of each tag, only
// those the VIEWER may read, so a count never tells of a secret group's
// threads. The asker, people who have already written in the thread,
// deactivated or closed people and guests are never suggested.

/** How many people the panel shows. */
export const EXPERTS_SHOWN = 5;

const SKILL_WEIGHT = 3;
const INTEREST_WEIGHT = 1;
const ANSWER_WEIGHT = 2;
const ANSWERS_COUNTED = 3;

/** Candidates kept from each query before the final ranking. */
const CANDIDATES = 20;

/** Threads of one tag whose accepted answers are counted, newest first. */
const THREADS_PER_TAG = 1000;

export interface Expert {
  person: {
    id: number;
    name: string;
    jobTitle: string | null;
    department: string | null;
  };
  /** "Skill: Kubernetes", "Interest: procurement", "3 accepted answers on #networking". */
  reasons: string[];
  score: number;
}

interface Candidate {
  score: number;
  answers: { tag: string; count: number }[];
}

/** Whether `viewer` may be shown the panel: it names people. */
export function maySeeExperts(viewer: Actor): boolean {
  return can(viewer, { name: 'directory.read' });
}

/**
 * A condition on `p`, the people table: active staff who are not the
 * asker and have not written in the thread (a deleted post does not
 * count: its author has taken it back).
 */
function suggestable(threadId: number, askerId: number | null) {
  return sql<SqlBool>`(p.status = 'active' and p.closed_at is null
    and p.role <> 'guest' and p.id <> ${askerId ?? 0}
    and not exists (select 1 from talk_posts as written
      where written.author_id = p.id and written.thread_id = ${threadId}
      and written.deleted_at is null))`;
}

/**
 * Up to EXPERTS_SHOWN people for the question `thread` with `tags`, best
 * first; none unless `viewer` may read the directory.
 */
export async function peopleWhoMayKnow(
  db: Db,
  viewer: Actor,
  thread: Thread,
  tags: readonly ThreadTag[],
): Promise<Expert[]> {
  if (!maySeeExperts(viewer) || !thread.isQuestion) {
    return [];
  }
  const keys = [
    ...new Set([
      ...tags.flatMap(({ key }) => tagLabelKeys(key)),
      ...titleKeys(thread.title),
    ]),
  ];
  const candidates = new Map<number, Candidate>();
  const candidate = (id: number) => {
    const found = candidates.get(id) ?? { score: 0, answers: [] };
    candidates.set(id, found);
    return found;
  };
  for (const row of await tagMatches(db, thread, keys)) {
    candidate(row.person_id).score += Number(row.score);
  }
  for (const tag of tags) {
    for (const row of await acceptedAnswers(db, viewer, thread, tag.key)) {
      candidate(row.person_id).answers.push({
        tag: tag.tag,
        count: Number(row.answers),
      });
    }
  }
  for (const found of candidates.values()) {
    const answers = found.answers.reduce((sum, a) => sum + a.count, 0);
    found.score += ANSWER_WEIGHT * Math.min(answers, ANSWERS_COUNTED);
  }
  return describe(db, candidates, keys);
}

/** The people whose skills or interests match `keys`, best first. */
async function tagMatches(db: Db, thread: Thread, keys: string[]) {
  if (keys.length === 0) {
    return [];
  }
  return db
    .selectFrom('person_tags as pt')
    .innerJoin('people as p', 'p.id', 'pt.person_id')
    .where('pt.kind', 'in', ['skill', 'interest'])
    .where('pt.label_key', 'in', keys)
    .where(suggestable(thread.id, thread.authorId))
    .select([
      'pt.person_id',
      // Literals, not parameters: PostgreSQL cannot type a parameter
      // inside sum(case …).
      sql<number>`sum(case when pt.kind = 'skill'
        then ${sql.lit(SKILL_WEIGHT)} else ${sql.lit(INTEREST_WEIGHT)} end)`.as(
        'score',
      ),
    ])
    .groupBy('pt.person_id')
    .orderBy('score', 'desc')
    .orderBy('pt.person_id')
    .limit(CANDIDATES)
    .execute();
}

/**
 * Who wrote the accepted answers on the latest threads tagged `tagKey`
 * that `viewer` may read, with how many each, most first.
 */
async function acceptedAnswers(
  db: Db,
  viewer: Actor,
  thread: Thread,
  tagKey: string,
) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('talk_thread_tags')
        .select('thread_id')
        .where('tag_key', '=', tagKey)
        .where('thread_id', '!=', thread.id)
        .orderBy('thread_id', 'desc')
        .limit(THREADS_PER_TAG)
        .as('recent'),
    )
    .innerJoin('talk_threads as t', 't.id', 'recent.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .innerJoin('talk_posts as a', 'a.id', 't.accepted_post_id')
    .innerJoin('people as p', 'p.id', 'a.author_id')
    .where('t.deleted_at', 'is', null)
    .where('t.hidden', '=', 0)
    .where('t.awaiting_approval', '=', 0)
    .where('a.shown_position', 'is not', null)
    .where(readableContent(db, viewer, 'c.group_id'))
    .where(suggestable(thread.id, thread.authorId))
    .select(['p.id as person_id', (eb) => eb.fn.countAll().as('answers')])
    .groupBy('p.id')
    .orderBy('answers', 'desc')
    .orderBy('p.id')
    .limit(CANDIDATES)
    .execute();
}

/** The best candidates with who they are and why, in rank order. */
async function describe(
  db: Db,
  candidates: Map<number, Candidate>,
  keys: string[],
): Promise<Expert[]> {
  if (candidates.size === 0) {
    return [];
  }
  const ids = [...candidates.keys()];
  const people = await db
    .selectFrom('people as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .select(['p.id', 'p.display_name', 'p.sort_name', 'p.job_title'])
    .select('d.name as department')
    .where('p.id', 'in', ids)
    .execute();
  const sorted = people
    .map((person) => {
      const found = candidates.get(person.id) ?? { score: 0, answers: [] };
      return {
        person,
        found,
        score: found.score,
        department: person.department,
      };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.person.sort_name.localeCompare(b.person.sort_name) ||
        a.person.id - b.person.id,
    );
  const ranked = spreadAcrossDepartments(sorted, EXPERTS_SHOWN);
  const labels = await matchedLabels(
    db,
    ranked.map(({ person }) => person.id),
    keys,
  );
  return ranked.map(({ person, found }) => ({
    person: {
      id: person.id,
      name: person.display_name,
      jobTitle: person.job_title,
      department: person.department,
    },
    reasons: [
      ...(labels.get(person.id) ?? []),
      ...found.answers.map(
        ({ tag, count }) =>
          `${count} accepted ${count === 1 ? 'answer' : 'answers'} on #${tag}`,
      ),
    ],
    score: found.score,
  }));
}

/** Each person's matching skills, then interests, as reasons. */
async function matchedLabels(
  db: Db,
  personIds: number[],
  keys: string[],
): Promise<Map<number, string[]>> {
  const reasons = new Map<number, string[]>();
  if (personIds.length === 0 || keys.length === 0) {
    return reasons;
  }
  const rows = await db
    .selectFrom('person_tags')
    .select(['person_id', 'kind', 'label'])
    .where('person_id', 'in', personIds)
    .where('kind', 'in', ['skill', 'interest'])
    .where('label_key', 'in', keys)
    .orderBy('person_id')
    .orderBy('kind', 'desc')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = reasons.get(row.person_id) ?? [];
    list.push(`${row.kind === 'skill' ? 'Skill' : 'Interest'}: ${row.label}`);
    reasons.set(row.person_id, list);
  }
  return reasons;
}
