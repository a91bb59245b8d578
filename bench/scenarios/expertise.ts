import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../src/access/actor.ts';
import type { Database, Db } from '../../src/database.ts';
import { seedDemoSite } from '../../src/demo-site.ts';
import { findExperts } from '../../src/features/expertise/finder.ts';
import { topicOf } from '../../src/features/expertise/words.ts';
import { reindexEverything } from '../../src/features/search/reindex.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { dialectOf } from '../../src/platform/db/dialect.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { createBenchDatabase } from '../database.ts';
import { percentiles } from '../load.ts';
import type { DatabaseKind } from '../options.ts';

// "Who knows about …" in process, on an organisation of the size issue 8
// names: the demo's people with their skills and interests, and 20,000
// wiki pages with 200,000 revisions, 20,000 answered questions and 5,000
// blog posts on the topics those skills name, a fifth of it in groups.

export const EXPERTISE = {
  id: 'expertise',
  name: 'who knows about, in process',
};

const SIZES = {
  pages: 20_000,
  revisionsPerPage: 10,
  answers: 20_000,
  posts: 5_000,
};
const BATCH = 500;
const NOW = '2026-06-01T09:00:00.000Z';

export interface ExpertiseTimings {
  people: number;
  seedSeconds: number;
  /** One line a query kind: its percentiles in milliseconds. */
  byQuery: Record<string, ReturnType<typeof percentiles> & { samples: number }>;
}

/** A cheap repeatable sequence, so every run seeds the same content. */
function sequence(seed: number) {
  let state = seed;
  return (below: number) => {
    // MINSTD: the product stays within a double's exact integers.
    state = (state * 48_271) % 2_147_483_647;
    return Math.floor((state / 2_147_483_647) * below);
  };
}

async function inBatches<T>(
  rows: T[],
  write: (batch: T[]) => Promise<unknown>,
): Promise<void> {
  for (let at = 0; at < rows.length; at += BATCH) {
    await write(rows.slice(at, at + BATCH));
  }
}

/** Wiki pages, answered questions and blog posts by random people. */
async function seedContent(db: Db, topics: string[], people: number[]) {
  const pick = sequence(7);
  const person = () => people[pick(people.length)] ?? 0;
  const groups = await db.selectFrom('groups').select(['id', 'slug']).execute();
  const spaces = [
    (
      await db
        .insertInto('wiki_spaces')
        .values({ key: 'bench-site', group_id: null, created_at: NOW })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  ];
  for (const group of groups.slice(0, 20)) {
    const row = await db
      .insertInto('wiki_spaces')
      .values({
        key: `bench-${group.slug}`,
        group_id: group.id,
        created_at: NOW,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      spaces.push(row.id);
    }
  }
  const pageRows = Array.from({ length: SIZES.pages }, (_, n) => {
    const topic = topics[pick(topics.length)] ?? 'Policy';
    const space =
      pick(5) === 0 ? spaces[1 + pick(spaces.length - 1)] : spaces[0];
    const title = `${topic} notes ${n + 1}`;
    return { n, topic, space: space ?? spaces[0] ?? 0, title };
  });
  await inBatches(pageRows, async (batch) => {
    const pages = await db
      .insertInto('wiki_pages')
      .values(
        batch.map((p) => ({
          space_id: p.space,
          title: p.title,
          title_key: p.title.toLowerCase(),
          parent_key: '',
          created_at: NOW,
          updated_at: NOW,
        })),
      )
      .returning(['id', 'title'])
      .execute();
    await db
      .insertInto('wiki_page_tags')
      .values(
        pages.map((page, i) => ({
          page_id: page.id,
          tag_key: (batch[i]?.topic ?? '').toLowerCase(),
          tag: batch[i]?.topic ?? '',
        })),
      )
      .execute();
    const revisions = pages.flatMap((page) =>
      Array.from({ length: SIZES.revisionsPerPage }, (_, r) => {
        const author = person();
        return {
          page_id: page.id,
          number: r + 1,
          author_id: author,
          author_name: `Person ${author}`,
          created_at: NOW,
          summary: '',
          body: 'Text',
          size: 4,
          size_delta: 4,
          kind: r === 0 ? 'create' : 'edit',
        } as const;
      }),
    );
    await inBatches(revisions, (rows) =>
      db.insertInto('wiki_revisions').values(rows).execute(),
    );
  });

  const category = await db
    .insertInto('talk_categories')
    .values({ slug: 'bench-questions', name: 'Questions', created_at: NOW })
    .returning('id')
    .executeTakeFirstOrThrow();
  const questions = Array.from({ length: SIZES.answers }, (_, n) => ({
    n,
    topic: topics[pick(topics.length)] ?? 'Policy',
    asker: person(),
    answerer: person(),
  }));
  await inBatches(questions, async (batch) => {
    const threads = await db
      .insertInto('talk_threads')
      .values(
        batch.map((q) => ({
          category_id: category.id,
          title: `How do we handle ${q.topic.toLowerCase()} case ${q.n + 1}?`,
          author_id: q.asker,
          author_name: 'Asker',
          created_at: NOW,
          updated_at: NOW,
          last_activity_at: NOW,
          is_question: 1,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('talk_thread_tags')
      .values(
        threads.map((t, i) => ({
          thread_id: t.id,
          tag: batch[i]?.topic ?? '',
          tag_key: (batch[i]?.topic ?? '').toLowerCase(),
        })),
      )
      .execute();
    const posts = await db
      .insertInto('talk_posts')
      .values(
        threads.flatMap((t, i) => [
          {
            thread_id: t.id,
            position: 1,
            shown_position: 1,
            author_id: batch[i]?.asker ?? null,
            author_name: 'Asker',
            body: 'Question',
            created_at: NOW,
          },
          {
            thread_id: t.id,
            position: 2,
            shown_position: 2,
            author_id: batch[i]?.answerer ?? null,
            author_name: 'Answerer',
            body: 'Answer',
            created_at: NOW,
          },
        ]),
      )
      .returning(['id', 'thread_id', 'position'])
      .execute();
    for (const post of posts.filter((p) => p.position === 2)) {
      await db
        .updateTable('talk_threads')
        .set({ accepted_post_id: post.id, reply_count: 1 })
        .where('id', '=', post.thread_id)
        .execute();
    }
  });

  const writers = Array.from({ length: 1_000 }, () => person());
  const blogs = new Map<number, number>();
  for (const writer of new Set(writers)) {
    await db
      .insertInto('blogs')
      .values({
        slug: `bench-blog-${writer}`,
        kind: 'person',
        person_id: writer,
        group_id: null,
        title: 'Blog',
        created_at: NOW,
        updated_at: NOW,
      })
      .onConflict((oc) => oc.column('person_id').doNothing())
      .execute();
  }
  const owned = await db
    .selectFrom('blogs')
    .select(['id', 'person_id'])
    .where('person_id', 'in', [...new Set(writers)])
    .execute();
  for (const row of owned) {
    blogs.set(row.person_id ?? 0, row.id);
  }
  const writerIds = [...blogs.keys()];
  const postRows = Array.from({ length: SIZES.posts }, (_, n) => ({
    n,
    writer: writerIds[pick(writerIds.length)] ?? 0,
    topic: topics[pick(topics.length)] ?? 'Policy',
  }));
  await inBatches(postRows, async (batch) => {
    const posts = await db
      .insertInto('blog_posts')
      .values(
        batch.map((p) => ({
          blog_id: blogs.get(p.writer) ?? 0,
          slug: `post-${p.n}`,
          title: `Lessons in ${p.topic.toLowerCase()} ${p.n}`,
          body: 'Text',
          status: 'published',
          audience: 'everyone',
          publish_at: NOW,
          author_id: p.writer,
          author_name: 'Writer',
          created_at: NOW,
          updated_at: NOW,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('blog_post_authors')
      .values(
        posts.map((p, i) => ({
          post_id: p.id,
          position: 1,
          person_id: batch[i]?.writer ?? null,
          name: 'Writer',
        })),
      )
      .execute();
    await db
      .insertInto('blog_post_tags')
      .values(
        posts.map((p, i) => ({
          post_id: p.id,
          tag: batch[i]?.topic ?? '',
          tag_key: (batch[i]?.topic ?? '').toLowerCase(),
        })),
      )
      .execute();
  });
}

/** The demo organisation of `people` with content on its skills. */
export async function seedExpertise(db: Kysely<Database>, people: number) {
  await seedDemoSite(db, {
    people,
    password: randomBytes(12).toString('base64url'),
  });
  const labels = await db
    .selectFrom('person_tags')
    .select(['label', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', '=', 'skill')
    .groupBy('label')
    .orderBy('n', 'desc')
    .execute();
  const topics = labels.map((row) => row.label);
  const ids = await db
    .selectFrom('people')
    .select('id')
    .where('role', '=', 'member')
    .orderBy('id')
    .execute();
  await db.transaction().execute((trx) =>
    seedContent(
      trx,
      topics,
      ids.map((row) => row.id),
    ),
  );
  // The finder matches titles and profile words through the search index.
  await reindexEverything(db);
  if (dialectOf(db) === 'postgres') {
    // What autovacuum would do after a load this size: without statistics
    // the planner walks all 200,000 revisions for a few hundred pages.
    await sql`analyze`.execute(db);
  }
  return { topics, ids };
}

/**
 * Seeds a fresh database of `kind`, then times `rounds` finder queries
 * of each kind: a common skill, a rare one, two words, and each of those
 * for other departments only.
 */
export async function measureExpertise(
  kind: DatabaseKind,
  people: number,
  rounds: number,
): Promise<ExpertiseTimings> {
  const database = await createBenchDatabase(kind);
  const handle = openDatabase<Database>(database.url);
  try {
    const db = handle.db;
    await migrateToLatest(db);
    const started = performance.now();
    const { topics, ids } = await seedExpertise(db, people);
    const seedSeconds = (performance.now() - started) / 1000;
    const viewer = ids[0]?.id ?? 0;
    const actor: PersonActor = {
      kind: 'person',
      id: viewer,
      role: 'member',
      displayName: 'Bench',
      via: 'token',
    };
    const common = topics[0] ?? 'Policy';
    const rare = topics[topics.length - 1] ?? 'Policy';
    const queries: Record<string, string> = {
      common: common,
      rare: rare,
      plural: `${common}s`,
      'two words': `${common} ${rare}`,
    };
    const byQuery: ExpertiseTimings['byQuery'] = {};
    for (const [name, q] of Object.entries(queries)) {
      for (const otherDepartments of [false, true]) {
        const timings: number[] = [];
        for (let round = 0; round < rounds; round += 1) {
          const start = performance.now();
          await findExperts(
            db,
            actor,
            { topic: topicOf(q), otherDepartments },
            { page: 1 + (round % 3), pageSize: 25, offset: (round % 3) * 25 },
          );
          timings.push(performance.now() - start);
        }
        const label = `${name}${otherDepartments ? ', other depts' : ''}`;
        byQuery[`${label} (${q})`] = {
          ...percentiles(timings),
          samples: timings.length,
        };
      }
    }
    return { people: ids.length, seedSeconds, byQuery };
  } finally {
    await handle.close();
    await database.drop();
  }
}

/** The timings as lines of text. */
export function formatExpertise(timings: ExpertiseTimings): string {
  const lines = [
    `Who knows about: ${timings.people} staff, seeded in ` +
      `${timings.seedSeconds.toFixed(1)} s (milliseconds a query)`,
  ];
  for (const [name, t] of Object.entries(timings.byQuery)) {
    lines.push(
      `  ${name.padEnd(48)} p50 ${t.p50.toFixed(1).padStart(7)}  ` +
        `p95 ${t.p95.toFixed(1).padStart(7)}  p99 ${t.p99.toFixed(1).padStart(7)}`,
    );
  }
  return lines.join('\n');
}
