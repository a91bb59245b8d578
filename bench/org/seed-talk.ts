// Talk at organisation scale: threads across every place, replies skewed
// as real discussions are (most threads get a few, one gets thousands),
// a busy thread with many watchers, and a site category every person
// watches, whose new threads the fan-out job tells 21,000 people of.
// Rows are the ones createThread, appendPost and markOwnPostRead would
// write, many a statement and one transaction a batch of threads.
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../src/database.ts';
import { countNewThreads } from '../../src/features/talk/category-counts.ts';
import { createSiteCategory } from '../../src/features/talk/categories.ts';
import { POSTS_PER_PAGE } from '../../src/features/talk/pages.ts';
import type { Place, SeedContext, SeedPart, WriteRequest } from './context.ts';
import type { BenchAuth } from './context.ts';

const THREAD_BATCH = 500;
const ROW_BATCH = 1_000;
/** The busy and the typical thread: an opening post and 19 replies. */
const TWENTY_POSTS = 19;
/** No thread but the long one grows past this many replies. */
const MOST_REPLIES = 1_000;
/** The deepest page of the long thread the bench opens, if it has it. */
const DEEP_PAGE = 250;
/** Before any seeded content (base.ts dates it over two years to 2026-12). */
const OPENED = '2024-11-01T00:00:00.000Z';
const NOTICES = { slug: 'all-staff-notices', name: 'All-staff notices' };

/** Times the fan-out of one new thread in the category all staff watch. */
export interface FanoutProbe {
  /** People its notification should reach: every watcher but the author. */
  expected: number;
  /** Notifications written so far for the newest thread titled `title`. */
  notified(db: Kysely<Database>, title: string): Promise<number>;
}

interface ThreadPlan {
  categoryId: number;
  /** Who may write there: a group's members, or everyone. */
  authors: readonly number[];
  replies: number;
  /** The member can read it, so may have read some of it. */
  memberReads: boolean;
  /** How far the member has read it, when set rather than drawn. */
  memberReadUpTo?: number;
}

export async function seedTalk(
  ctx: SeedContext,
): Promise<SeedPart & { fanout: FanoutProbe }> {
  const names = await displayNames(ctx.db);
  const notices = await createSiteCategory(
    ctx.db,
    null,
    {
      slug: NOTICES.slug,
      name: NOTICES.name,
      description: 'What everyone in the organisation needs to know.',
    },
    OPENED,
  );
  await inChunks(
    ctx.people.map((personId) => ({
      person_id: personId,
      thread_id: null,
      category_id: notices.id,
      level: 'watch' as const,
      created_at: notices.createdAt,
    })),
    (chunk) => ctx.db.insertInto('talk_watches').values(chunk).execute(),
  );

  const plans = planThreads(ctx);
  const ids: number[] = [];
  const counts = { threads: 0, posts: 0, reads: 0 };
  // New threads a category, counted once at the end rather than a batch
  // at a time: with 2,000 categories, each batch would write most rows.
  const perCategory = new Map<number, number>();
  for (let from = 0; from < plans.length; from += THREAD_BATCH) {
    const batch = plans.slice(from, from + THREAD_BATCH);
    const made = await ctx.db
      .transaction()
      .execute((trx) => writeThreads(trx, ctx, names, batch));
    ids.push(...made.ids);
    for (const plan of batch) {
      const before = perCategory.get(plan.categoryId) ?? 0;
      perCategory.set(plan.categoryId, before + 1);
    }
    counts.threads += batch.length;
    counts.posts += made.posts;
    counts.reads += made.reads;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const sorted = [...perCategory].sort(([a], [b]) => a - b);
    for (const [categoryId, made] of sorted) {
      await countNewThreads(trx, categoryId, made);
    }
  });
  const [longId, busyId, typicalId] = ids;
  if (longId === undefined || busyId === undefined || !typicalId) {
    throw new Error('the talk seed made too few threads');
  }

  const watchers = sample(ctx, ctx.people, ctx.shape.threadWatchers);
  await inChunks(
    watchers.map((personId) => ({
      person_id: personId,
      thread_id: busyId,
      category_id: null,
      level: 'watch' as const,
      created_at: ctx.at(),
    })),
    (chunk) => ctx.db.insertInto('talk_watches').values(chunk).execute(),
  );

  // The last full page, so it holds as many posts as page 1 does: the
  // very last of 5,001 posts at 25 a page holds one, and comparing it
  // with page 1 would flatter the deep page.
  const lastFullPage = Math.floor(
    (ctx.shape.longThreadReplies + 1) / POSTS_PER_PAGE,
  );
  const deep = Math.min(DEEP_PAGE, lastFullPage);
  const watchedBy = ctx.people.filter((id) => id !== ctx.memberId).length;
  return {
    reads: [
      { id: 'thread', name: 'thread of 20 posts', path: threadPath(typicalId) },
      {
        id: 'thread-long-1',
        name: 'long thread, page 1',
        path: threadPath(longId),
      },
      {
        id: 'thread-long-deep',
        name: `long thread, page ${deep}${deep === lastFullPage ? ' (last full)' : ''}`,
        path: `${threadPath(longId)}?page=${deep}`,
      },
      {
        id: 'talk-latest',
        name: 'latest threads, all I can see',
        path: '/talk/latest',
      },
    ],
    writes: [
      {
        id: 'reply-watched',
        name: `reply to a thread ${watchers.length} people watch`,
        request: (n, auth) =>
          formPost(`${threadPath(busyId)}/replies`, auth, {
            body: `Bench reply ${n}: ${ctx.text.body(30)}`,
          }),
      },
      {
        id: 'thread-new',
        name: `new thread in a category ${ctx.people.length} people watch`,
        request: (n, auth) =>
          formPost(`/talk/categories/${NOTICES.slug}/threads`, auth, {
            title: `Bench notice ${n}`,
            body: ctx.text.body(60),
          }),
      },
    ],
    counts: {
      'talk threads': counts.threads,
      'talk posts': counts.posts,
      'talk watches': ctx.people.length + watchers.length,
      'talk reads': counts.reads,
    },
    fanout: {
      expected: watchedBy,
      notified: (db, title) => notifiedOf(db, notices.id, title),
    },
  };
}

function threadPath(threadId: number): string {
  return `/talk/threads/${threadId}`;
}

/** A form as a person's browser sends it, with the session's CSRF token. */
function formPost(
  path: string,
  auth: BenchAuth,
  fields: Record<string, string>,
): WriteRequest {
  return {
    method: 'POST',
    path,
    headers: {
      cookie: auth.cookie,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: auth.csrfToken, ...fields }).toString(),
  };
}

/**
 * The fan-out writes one 'watched' notification a recipient about the
 * thread (activity/hooks.ts threadStarted); a title used twice counts
 * for the newer thread.
 */
async function notifiedOf(
  db: Kysely<Database>,
  categoryId: number,
  title: string,
): Promise<number> {
  const thread = await db
    .selectFrom('talk_threads')
    .select('id')
    .where('category_id', '=', categoryId)
    .where('title', '=', title)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!thread) {
    return 0;
  }
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('subject_type', '=', 'talk_thread')
    .where('subject_id', '=', thread.id)
    .where('kind', '=', 'watched')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Who writes where, and how many replies each thread gets: the long
 * thread first, then the busy and the typical one, then the rest with
 * replies drawn from a log-normal spread, so most threads have a few.
 */
function planThreads(ctx: SeedContext): ThreadPlan[] {
  const { shape } = ctx;
  const inPlace = (place: Place | null, replies: number): ThreadPlan => ({
    categoryId: place ? place.categoryId : ctx.site.categoryId,
    authors: place && place.members.length > 0 ? place.members : ctx.people,
    replies,
    memberReads: place === null || place.members.includes(ctx.memberId),
  });
  const rest = shape.threads - 3;
  const spread = skewedCounts(
    ctx,
    rest,
    shape.replies - shape.longThreadReplies - 2 * TWENTY_POSTS,
  );
  return [
    inPlace(ctx.allStaff, shape.longThreadReplies),
    inPlace(ctx.allStaff, TWENTY_POSTS),
    { ...inPlace(ctx.allStaff, TWENTY_POSTS), memberReadUpTo: 10 },
    ...spread.map((replies) => inPlace(ctx.pickPlace(), replies)),
  ];
}

/** `total` split over `count` threads, heavy-tailed, summing exactly. */
function skewedCounts(
  ctx: SeedContext,
  count: number,
  total: number,
): number[] {
  const weights = Array.from({ length: count }, () => {
    const u = Math.max(ctx.text.random(), 1e-9);
    const v = ctx.text.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(1.5 * normal);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) =>
    Math.min(MOST_REPLIES, Math.floor((w / sum) * total)),
  );
  let left = total - counts.reduce((a, b) => a + b, 0);
  while (left > 0) {
    const at = Math.floor(ctx.text.random() * count);
    if ((counts[at] ?? MOST_REPLIES) < MOST_REPLIES) {
      counts[at] = (counts[at] ?? 0) + 1;
      left -= 1;
    }
  }
  return counts;
}

/** One batch of threads with their posts and their authors' reads. */
async function writeThreads(
  trx: Db,
  ctx: SeedContext,
  names: Map<number, string>,
  plans: ThreadPlan[],
): Promise<{ ids: number[]; posts: number; reads: number }> {
  const drawn = plans.map((plan) => {
    const times = Array.from({ length: plan.replies + 1 }, () =>
      ctx.at(),
    ).sort();
    const authors = times.map(() => ctx.text.choose(plan.authors));
    return { plan, times, authors };
  });
  const threads = await trx
    .insertInto('talk_threads')
    .values(
      drawn.map(({ plan, times, authors }) => {
        const opened = times[0] ?? ctx.at();
        const last = plan.replies > 0 ? (times.at(-1) ?? opened) : null;
        const authorId = authors[0] ?? ctx.memberId;
        return {
          category_id: plan.categoryId,
          title: ctx.text.title(),
          author_id: authorId,
          author_name: names.get(authorId) ?? '',
          created_at: opened,
          updated_at: opened,
          last_reply_at: last,
          last_activity_at: last ?? opened,
          reply_count: plan.replies,
        };
      }),
    )
    .returning('id')
    .execute();

  const posts = [];
  const reads = new Map<string, { position: number; at: string }>();
  const read = (
    personId: number,
    threadId: number,
    position: number,
    at: string,
  ) => {
    const key = `${personId}:${threadId}`;
    if ((reads.get(key)?.position ?? 0) < position) {
      reads.set(key, { position, at });
    }
  };
  for (const [i, { plan, times, authors }] of drawn.entries()) {
    const threadId = threads[i]?.id ?? 0;
    for (const [k, createdAt] of times.entries()) {
      const authorId = authors[k] ?? ctx.memberId;
      posts.push({
        thread_id: threadId,
        position: k + 1,
        shown_position: k + 1,
        author_id: authorId,
        author_name: names.get(authorId) ?? '',
        body: ctx.text.body(k === 0 ? 60 : 30),
        created_at: createdAt,
      });
      // markOwnPostRead: what a person wrote is read by them.
      read(authorId, threadId, k + 1, createdAt);
    }
    // The member has read part of the typical thread, and of some others,
    // so their pages carry unread markers.
    const drawRead = plan.memberReads && ctx.text.random() < 0.05;
    if (plan.memberReadUpTo !== undefined || drawRead) {
      const upTo =
        plan.memberReadUpTo ?? 1 + Math.floor(ctx.text.random() * times.length);
      read(ctx.memberId, threadId, upTo, times[upTo - 1] ?? ctx.at());
    }
  }
  await inChunks(posts, (chunk) =>
    trx.insertInto('talk_posts').values(chunk).execute(),
  );
  await inChunks(
    [...reads].map(([key, { position, at }]) => {
      const [personId, threadId] = key.split(':').map(Number);
      return {
        person_id: personId ?? 0,
        thread_id: threadId ?? 0,
        last_read_position: position,
        read_at: at,
      };
    }),
    (chunk) => trx.insertInto('talk_reads').values(chunk).execute(),
  );
  return {
    ids: threads.map((row) => row.id),
    posts: posts.length,
    reads: reads.size,
  };
}

/** `rows` a thousand a statement; the caller owns any transaction. */
async function inChunks<R>(
  rows: readonly R[],
  write: (chunk: R[]) => Promise<unknown>,
): Promise<void> {
  for (let at = 0; at < rows.length; at += ROW_BATCH) {
    await write(rows.slice(at, at + ROW_BATCH));
  }
}

/** `count` distinct people drawn at random, or everyone when fewer. */
function sample(
  ctx: SeedContext,
  people: readonly number[],
  count: number,
): number[] {
  const shuffled = [...people];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(ctx.text.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] ?? 0, shuffled[i] ?? 0];
  }
  return shuffled.slice(0, Math.min(count, shuffled.length));
}

/** Every person's display name, for the names written beside their ids. */
async function displayNames(db: Db): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'display_name'])
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}
