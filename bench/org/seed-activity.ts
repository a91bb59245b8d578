// Seeds status posts, activity events, follows, watches and the member's
// notifications at organisation scale, after Talk, blogs and the wiki are
// in place, so every event names a real subject. The events are the ones
// src/features/activity/hooks.ts records as content is written: the same
// verbs, subjects, groups, summaries, addresses and keys, dated at the
// content's own instant. Each source table is read a page at a time by id,
// never whole, so org5's ten million events fit in a small heap.
//
// The content holds fewer happenings than the shape's event count at org
// (about 700,000 for 2 million). The rest repeat real events at a later
// instant under a key of their own (`<key>:again:<n>`): the same people,
// groups and subjects, so streams filter and page over as many rows as an
// organisation that has been busy for two years. Where the content holds
// more happenings than wanted (scale small), an even share of each kind
// is written instead.
import { sql } from 'kysely';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database } from '../../src/database.ts';
import type { ActivityVerb } from '../../src/features/activity/record.ts';
import type { SubjectType } from '../../src/features/activity/subjects.ts';
import type { WatchLevel } from '../../src/features/activity/tables.ts';
import { postPath } from '../../src/features/blogs/representations.ts';
import type { NotificationKind } from '../../src/features/notifications/service.ts';
import { tagsOf } from '../../src/features/talk/status/text.ts';
import { wikiPagePath } from '../../src/features/wiki/rendering.ts';
import type { Place, SeedContext, SeedPart } from './context.ts';

type Db = Kysely<Database>;

const BATCH = 1_000;
const HOUR = 3_600_000;

/** One event as recordActivity would write it, before its copies. */
interface Happening {
  actorId: number;
  verb: ActivityVerb;
  type: SubjectType;
  id: number;
  groupId: number | null;
  announcement: boolean;
  summary: string;
  url: string;
  key: string;
  createdAt: string;
}

/** A kind of content that makes events: how many, and a page by id. */
interface Source {
  name: string;
  /** Never repeated: a site announcement is made once. */
  once?: boolean;
  count(db: Db): Promise<number>;
  /** Up to BATCH rows with id above `after`, in id order. */
  page(db: Db, after: number): Promise<{ last: number; rows: Happening[] }>;
}

export async function seedActivity(ctx: SeedContext): Promise<SeedPart> {
  const names = await displayNames(ctx.db);
  const counts: Record<string, number> = {};
  counts['status posts'] = await seedStatusPosts(ctx);
  counts['activity events'] = await seedEvents(ctx, names);
  counts.follows = await seedFollows(ctx);
  Object.assign(counts, await seedWatches(ctx));
  counts.notifications = await seedNotifications(ctx);
  const followed = await busiestFollowed(ctx.db, ctx.memberId);
  return {
    reads: [
      { id: 'home', name: 'Home page activity stream', path: '/' },
      {
        // Every signed-in page counts the unread notifications before its
        // handler runs; this page does nothing else with the database.
        id: 'unread',
        name: 'Header unread count (on /account/password, the lightest page)',
        path: '/account/password',
      },
      {
        id: 'profile-activity',
        name: 'Profile of a followed person, with their latest activity',
        path: `/people/${followed}`,
      },
    ],
    writes: [],
    counts,
  };
}

/** Everyone's display name by id, read a page at a time. */
async function displayNames(db: Db): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom('people')
      .select(['id', 'display_name'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(10_000)
      .execute();
    for (const row of rows) {
      names.set(row.id, row.display_name);
    }
    const last = rows.at(-1);
    if (!last) {
      return names;
    }
    after = last.id;
  }
}

/**
 * Status posts, about two and a half for every thread: four in five are
 * posts (in a group or on the author's profile), the rest replies to a
 * post of the same batch, in its group and later than it.
 */
async function seedStatusPosts(ctx: SeedContext): Promise<number> {
  const { db, text } = ctx;
  const total = Math.round(ctx.shape.threads * 2.5);
  const places = new Map(
    [...ctx.open, ...ctx.restricted].map((place) => [place.groupId, place]),
  );
  for (let done = 0; done < total; done += BATCH) {
    const size = Math.min(BATCH, total - done);
    const posts = Math.max(1, Math.round(size * 0.8));
    const specs = Array.from({ length: posts }, () => {
      const place = ctx.pickPlace();
      return {
        author_id: authorIn(ctx, place),
        group_id: place?.groupId ?? null,
        parent_id: null,
        body: statusBody(ctx),
        created_at: ctx.at(),
      };
    });
    await db.transaction().execute(async (trx) => {
      const made = await trx
        .insertInto('status_posts')
        .values(specs)
        .returning(['id', 'group_id', 'created_at'])
        .execute();
      const replies = Array.from({ length: size - posts }, () => {
        const parent = text.choose(made);
        const place =
          parent.group_id === null
            ? null
            : (places.get(parent.group_id) ?? null);
        const later = Date.parse(parent.created_at) + text.random() * 48 * HOUR;
        return {
          author_id: authorIn(ctx, place),
          group_id: parent.group_id,
          parent_id: parent.id,
          body: statusBody(ctx),
          created_at: new Date(later).toISOString(),
        };
      });
      const all =
        replies.length === 0
          ? made
          : [
              ...made,
              ...(await trx
                .insertInto('status_posts')
                .values(replies)
                .returning(['id', 'group_id', 'created_at'])
                .execute()),
            ];
      const bodies = [...specs, ...replies].map((spec) => spec.body);
      const tags = all.flatMap((row, i) =>
        tagsOf(bodies[i] ?? '').map(({ key, tag }) => ({
          post_id: row.id,
          tag_key: key,
          tag,
        })),
      );
      if (tags.length > 0) {
        await trx.insertInto('status_post_tags').values(tags).execute();
      }
    });
  }
  return total;
}

// None of them is a word the search bench plants (bench/search-text.ts).
const TAGS = ['#team-news', '#shoutout', '#onboarding', '#wins', '#thanks'];

function statusBody(ctx: SeedContext): string {
  const body = ctx.text.body(6 + Math.floor(ctx.text.random() * 40));
  const tagged =
    ctx.text.random() < 0.15 ? `${body} ${ctx.text.choose(TAGS)}` : body;
  return tagged.slice(0, 500).trim();
}

function authorIn(ctx: SeedContext, place: Place | null): number {
  const members = place?.members ?? [];
  return members.length > 0
    ? ctx.text.choose(members)
    : ctx.text.choose(ctx.people);
}

/**
 * Writes exactly the shape's count of events: each source's happenings,
 * repeated or thinned evenly so that every kind keeps its share.
 */
async function seedEvents(
  ctx: SeedContext,
  names: Map<number, string>,
): Promise<number> {
  const sources = eventSources(names);
  const sizes = await Promise.all(
    sources.map((source) => source.count(ctx.db)),
  );
  const natural = sizes.reduce((sum, size) => sum + size, 0);
  const target = ctx.shape.activityEvents;
  if (natural === 0) {
    return 0;
  }
  // Shares rounded down, the remainder given to the largest source that
  // may repeat; what is made once keeps at most its own size.
  const shares = sizes.map((size, index) => {
    const share = Math.floor((size * target) / natural);
    return sources[index]?.once === true ? Math.min(size, share) : share;
  });
  const largest = sizes.indexOf(
    Math.max(...sizes.filter((_, index) => sources[index]?.once !== true)),
  );
  shares[largest] =
    (shares[largest] ?? 0) + target - shares.reduce((a, b) => a + b, 0);
  let written = 0;
  for (const [index, source] of sources.entries()) {
    written += await writeSource(
      ctx,
      source,
      sizes[index] ?? 0,
      shares[index] ?? 0,
    );
  }
  return written;
}

/** Writes `share` events from `size` happenings, spread evenly. */
async function writeSource(
  ctx: SeedContext,
  source: Source,
  size: number,
  share: number,
): Promise<number> {
  let seen = 0;
  let written = 0;
  let present = 0;
  let pending: ReturnType<typeof eventRow>[] = [];
  const flush = async () => {
    if (pending.length === 0) {
      return;
    }
    const rows = pending;
    pending = [];
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('activity_events').values(rows).execute();
    });
    written += rows.length;
  };
  for (let after = 0; seen < size;) {
    const { last, rows } = await source.page(ctx.db, after);
    if (rows.length === 0) {
      break;
    }
    // The demo writes a little content through the product, which
    // recorded its events already.
    const recorded = await recordedKeys(
      ctx.db,
      rows.map((row) => row.key),
    );
    for (const happening of rows) {
      // How many events this happening stands for: 0, 1 or more.
      const copies =
        Math.floor(((seen + 1) * share) / size) -
        Math.floor((seen * share) / size);
      seen += 1;
      const first = recorded.has(happening.key) && copies > 0 ? 1 : 0;
      present += first;
      for (let copy = first; copy < copies; copy += 1) {
        pending.push(eventRow(ctx, happening, copy));
      }
      if (pending.length >= BATCH) {
        await flush();
      }
    }
    after = last;
  }
  await flush();
  return written + present;
}

async function recordedKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('activity_events')
    .select('event_key')
    .where('event_key', 'in', keys)
    .execute();
  return new Set(rows.map((row) => row.event_key));
}

function eventRow(ctx: SeedContext, happening: Happening, copy: number) {
  const first = copy === 0;
  const later = ctx.at();
  return {
    actor_id: happening.actorId,
    verb: happening.verb,
    subject_type: happening.type,
    subject_id: happening.id,
    group_id: happening.groupId,
    announcement: happening.announcement ? 1 : 0,
    summary: happening.summary,
    url: happening.url,
    event_key: first ? happening.key : `${happening.key}:again:${copy}`,
    created_at:
      first || later < happening.createdAt ? happening.createdAt : later,
  };
}

/** Where each verb's happenings are read from, as hooks.ts words them. */
function eventSources(names: Map<number, string>): Source[] {
  const name = (id: number) => names.get(id) ?? 'Someone';
  const after = <T extends { id: number }>(
    rows: T[],
    map: (row: T) => Happening,
  ) => ({
    last: rows.at(-1)?.id ?? 0,
    rows: rows.map(map),
  });
  const statusPosts = (db: Db) =>
    db.selectFrom('status_posts').where('parent_id', 'is', null);
  const threads = (db: Db) =>
    db
      .selectFrom('talk_threads as t')
      .innerJoin('talk_categories as c', 'c.id', 't.category_id')
      .where('t.awaiting_approval', '=', 0)
      .where('t.author_id', 'is not', null);
  const replies = (db: Db) =>
    db
      .selectFrom('talk_posts as p')
      .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
      .innerJoin('talk_categories as c', 'c.id', 't.category_id')
      .where('p.position', '>', 1)
      .where('p.shown_position', 'is not', null)
      .where('p.author_id', 'is not', null);
  const accepted = (db: Db) =>
    db
      .selectFrom('talk_threads as t')
      .innerJoin('talk_posts as p', 'p.id', 't.accepted_post_id')
      .innerJoin('talk_categories as c', 'c.id', 't.category_id')
      .where('t.author_id', 'is not', null);
  // Drafts are nobody's news; a scheduled post is news at its instant.
  const blogPosts = (db: Db, site: boolean) =>
    db
      .selectFrom('blog_posts as p')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .where('b.kind', site ? '=' : '!=', 'site')
      .where('p.status', '!=', 'draft')
      .where('p.publish_at', 'is not', null)
      .where('p.author_id', 'is not', null);
  const comments = (db: Db) =>
    db
      .selectFrom('blog_comments as bc')
      .innerJoin('blog_posts as p', 'p.id', 'bc.post_id')
      .innerJoin('blogs as b', 'b.id', 'p.blog_id')
      .where('bc.status', '=', 'approved')
      .where('bc.author_id', 'is not', null);
  const revisions = (db: Db) =>
    db
      .selectFrom('wiki_revisions as r')
      .innerJoin('wiki_pages as wp', 'wp.id', 'r.page_id')
      .innerJoin('wiki_spaces as s', 's.id', 'wp.space_id')
      .where('r.kind', 'not in', ['delete', 'import'])
      .where('r.author_id', 'is not', null);
  const blogPostsOf = (site: boolean): Source => ({
    name: site ? 'site blog posts' : 'blog posts',
    once: site,
    count: (db) => total(blogPosts(db, site)),
    page: async (db, from) =>
      after(
        await blogPosts(db, site)
          .select([
            'p.id',
            'p.author_id',
            'p.title',
            'p.slug',
            'p.publish_at',
            'b.slug as blog_slug',
            'b.kind',
            'b.group_id',
          ])
          .where('p.id', '>', from)
          .orderBy('p.id')
          .limit(BATCH)
          .execute(),
        (row) => ({
          actorId: row.author_id ?? 0,
          verb: 'blog_post.published',
          type: 'blog_post',
          id: row.id,
          groupId: row.group_id,
          // A post in a site blog is a site announcement.
          announcement: row.kind === 'site',
          summary: `${name(row.author_id ?? 0)} published “${row.title}”`,
          url: postPath(row.blog_slug, row.slug),
          key: `blog_post.published:blog_post:${row.id}`,
          createdAt: row.publish_at ?? '',
        }),
      ),
  });
  return [
    {
      name: 'status posts',
      count: (db) => total(statusPosts(db)),
      page: async (db, from) =>
        after(
          await statusPosts(db)
            .select(['id', 'author_id', 'group_id', 'body', 'created_at'])
            .where('id', '>', from)
            .orderBy('id')
            .limit(BATCH)
            .execute(),
          (row) => {
            const excerpt =
              row.body.length > 80 ? `${row.body.slice(0, 79)}…` : row.body;
            return {
              actorId: row.author_id,
              verb: 'status.posted',
              type: 'status_post',
              id: row.id,
              groupId: row.group_id,
              announcement: false,
              summary: `${name(row.author_id)}: ${excerpt}`,
              url: `/talk/status/${row.id}`,
              key: `status.posted:status_post:${row.id}`,
              createdAt: row.created_at,
            };
          },
        ),
    },
    {
      name: 'threads',
      count: (db) => total(threads(db)),
      page: async (db, from) =>
        after(
          await threads(db)
            .select([
              't.id',
              't.author_id',
              't.title',
              'c.group_id',
              't.created_at',
            ])
            .where('t.id', '>', from)
            .orderBy('t.id')
            .limit(BATCH)
            .execute(),
          (row) => ({
            actorId: row.author_id ?? 0,
            verb: 'thread.started',
            type: 'talk_thread',
            id: row.id,
            groupId: row.group_id,
            announcement: false,
            summary: `${name(row.author_id ?? 0)} started “${row.title}”`,
            url: `/talk/threads/${row.id}`,
            key: `thread.started:talk_thread:${row.id}`,
            createdAt: row.created_at,
          }),
        ),
    },
    {
      name: 'replies',
      count: (db) => total(replies(db)),
      page: async (db, from) =>
        after(
          await replies(db)
            .select([
              'p.id',
              'p.author_id',
              't.title',
              'c.group_id',
              'p.created_at',
            ])
            .where('p.id', '>', from)
            .orderBy('p.id')
            .limit(BATCH)
            .execute(),
          (row) => ({
            actorId: row.author_id ?? 0,
            verb: 'reply.posted',
            type: 'talk_post',
            id: row.id,
            groupId: row.group_id,
            announcement: false,
            summary: `${name(row.author_id ?? 0)} replied to “${row.title}”`,
            url: `/talk/posts/${row.id}`,
            key: `reply.posted:talk_post:${row.id}`,
            createdAt: row.created_at,
          }),
        ),
    },
    {
      name: 'accepted answers',
      count: (db) => total(accepted(db)),
      page: async (db, from) =>
        after(
          await accepted(db)
            .select([
              't.id',
              't.author_id',
              't.title',
              'c.group_id',
              'p.id as post_id',
              'p.created_at',
            ])
            .where('t.id', '>', from)
            .orderBy('t.id')
            .limit(BATCH)
            .execute(),
          (row) => ({
            actorId: row.author_id ?? 0,
            verb: 'answer.accepted',
            type: 'talk_post',
            id: row.post_id,
            groupId: row.group_id,
            announcement: false,
            summary: `${name(row.author_id ?? 0)} accepted an answer to “${row.title}”`,
            url: `/talk/posts/${row.post_id}`,
            key: `answer.accepted:talk_post:${row.post_id}`,
            createdAt: new Date(
              Date.parse(row.created_at) + HOUR,
            ).toISOString(),
          }),
        ),
    },
    blogPostsOf(false),
    blogPostsOf(true),
    {
      name: 'blog comments',
      count: (db) => total(comments(db)),
      page: async (db, from) =>
        after(
          await comments(db)
            .select([
              'bc.id',
              'bc.author_id',
              'bc.created_at',
              'p.title',
              'p.slug',
              'b.slug as blog_slug',
              'b.group_id',
            ])
            .where('bc.id', '>', from)
            .orderBy('bc.id')
            .limit(BATCH)
            .execute(),
          (row) => ({
            actorId: row.author_id ?? 0,
            verb: 'blog_comment.added',
            type: 'blog_comment',
            id: row.id,
            groupId: row.group_id,
            announcement: false,
            summary: `${name(row.author_id ?? 0)} commented on “${row.title}”`,
            url: `${postPath(row.blog_slug, row.slug)}#comment-${row.id}`,
            key: `blog_comment.added:blog_comment:${row.id}`,
            createdAt: row.created_at,
          }),
        ),
    },
    {
      name: 'wiki revisions',
      count: (db) => total(revisions(db)),
      page: async (db, from) =>
        after(
          await revisions(db)
            .select([
              'r.id',
              'r.author_id',
              'r.kind',
              'r.created_at',
              'wp.id as page_id',
              'wp.title',
              's.key',
              's.group_id',
            ])
            .where('r.id', '>', from)
            .orderBy('r.id')
            .limit(BATCH)
            .execute(),
          (row) => ({
            actorId: row.author_id ?? 0,
            verb:
              row.kind === 'create' ? 'wiki_page.created' : 'wiki_page.changed',
            type: 'wiki_page',
            id: row.page_id,
            groupId: row.group_id,
            announcement: false,
            summary: `${name(row.author_id ?? 0)} ${wikiWords(row.kind)} “${row.title}”`,
            url: wikiPagePath(row.key, row.title),
            key: `wiki_revision:${row.id}`,
            createdAt: row.created_at,
          }),
        ),
    },
  ];
}

/** How many rows a source's query finds. */
async function total<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
): Promise<number> {
  const row: unknown = await query
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number((row as { n: number | string }).n);
}

const WIKI_WORDS: Record<string, string> = {
  create: 'created the page',
  revert: 'reverted the page',
  rename: 'moved the page to',
  restore: 'restored the page',
};

/** What hooks.ts says a revision of this kind did to its page. */
function wikiWords(kind: string): string {
  return WIKI_WORDS[kind] ?? 'changed the page';
}

/**
 * The member follows about fifty people; everyone else a few (none to
 * six, three on average).
 */
async function seedFollows(ctx: SeedContext): Promise<number> {
  const { db, text, people } = ctx;
  let written = 0;
  let pending: {
    follower_id: number;
    person_id: number;
    created_at: string;
  }[] = [];
  const flush = async () => {
    if (pending.length > 0) {
      const rows = pending;
      pending = [];
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('follows').values(rows).execute();
      });
      written += rows.length;
    }
  };
  for (const follower of people) {
    const wanted =
      follower === ctx.memberId
        ? Math.min(50, people.length - 1)
        : Math.floor(text.random() * 7);
    const chosen = new Set<number>();
    for (
      let tries = 0;
      chosen.size < wanted && tries < wanted * 4;
      tries += 1
    ) {
      const person = text.choose(people);
      if (person !== follower) {
        chosen.add(person);
      }
    }
    for (const person of chosen) {
      pending.push({
        follower_id: follower,
        person_id: person,
        created_at: ctx.at(),
      });
    }
    if (pending.length >= BATCH) {
      await flush();
    }
  }
  await flush();
  return written;
}

/**
 * Watches as people set them: the member watches about ten of their
 * groups and mutes the busiest (all staff), and watches the site blog and
 * a few group blogs; of everyone else, one membership in twenty becomes a
 * group watch (one in ten of those a mute) and one in fifty a blog watch.
 */
async function seedWatches(ctx: SeedContext): Promise<Record<string, number>> {
  const { db, text } = ctx;
  const groups: {
    person_id: number;
    group_id: number;
    level: WatchLevel;
    created_at: string;
  }[] = [];
  const blogs: {
    person_id: number;
    blog_id: number;
    level: WatchLevel;
    created_at: string;
  }[] = [];
  const places = [ctx.allStaff, ...ctx.open, ...ctx.restricted].filter(
    (place, index, all) =>
      all.findIndex((p) => p.groupId === place.groupId) === index,
  );
  const mine = places.filter(
    (place) => place.members.includes(ctx.memberId) && place !== ctx.allStaff,
  );
  for (const place of mine.slice(0, 10)) {
    groups.push({
      person_id: ctx.memberId,
      group_id: place.groupId,
      level: 'watch',
      created_at: ctx.at(),
    });
  }
  if (ctx.allStaff.members.includes(ctx.memberId)) {
    groups.push({
      person_id: ctx.memberId,
      group_id: ctx.allStaff.groupId,
      level: 'mute',
      created_at: ctx.at(),
    });
  }
  const myBlogs = [
    ctx.site.blogId,
    ...mine.slice(0, 4).map((place) => place.blogId),
  ];
  for (const blogId of new Set(myBlogs)) {
    blogs.push({
      person_id: ctx.memberId,
      blog_id: blogId,
      level: 'watch',
      created_at: ctx.at(),
    });
  }
  let groupWatches = 0;
  let blogWatches = 0;
  const flush = async (all: boolean) => {
    if (groups.length >= BATCH || (all && groups.length > 0)) {
      const rows = groups.splice(0);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('group_watches').values(rows).execute();
      });
      groupWatches += rows.length;
    }
    if (blogs.length >= BATCH || (all && blogs.length > 0)) {
      const rows = blogs.splice(0);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('blog_watches').values(rows).execute();
      });
      blogWatches += rows.length;
    }
  };
  for (const place of places) {
    for (const personId of place.members) {
      if (personId === ctx.memberId) {
        continue;
      }
      const roll = text.random();
      if (roll < 0.05) {
        const level: WatchLevel = roll < 0.005 ? 'mute' : 'watch';
        groups.push({
          person_id: personId,
          group_id: place.groupId,
          level,
          created_at: ctx.at(),
        });
      } else if (roll < 0.07) {
        blogs.push({
          person_id: personId,
          blog_id: place.blogId,
          level: 'watch',
          created_at: ctx.at(),
        });
      }
    }
    await flush(false);
  }
  await flush(true);
  return { 'group watches': groupWatches, 'blog watches': blogWatches };
}

/** The notification each verb makes for a watcher or the one answered. */
const NOTIFIED: Partial<
  Record<string, { kind: NotificationKind; key: (e: EventRow) => string }>
> = {
  'reply.posted': { kind: 'reply', key: (e) => `talk_post:${e.subject_id}` },
  'status.posted': {
    kind: 'watched',
    key: (e) => `status_post:${e.subject_id}`,
  },
  'blog_post.published': {
    kind: 'watched',
    key: (e) => `blog_post:${e.subject_id}`,
  },
  'blog_comment.added': {
    kind: 'reply',
    key: (e) => `blog_comment:${e.subject_id}`,
  },
  'wiki_page.changed': { kind: 'page_changed', key: (e) => e.event_key },
  'wiki_page.created': { kind: 'page_changed', key: (e) => e.event_key },
};

interface EventRow {
  actor_id: number;
  verb: string;
  subject_type: string;
  subject_id: number;
  summary: string;
  url: string;
  event_key: string;
  created_at: string;
}

/**
 * The member's notifications: of the newest original events in the
 * groups they watch and the blogs they watch, as the fan-out would make
 * them; the newest forty unread, the rest read an hour after they came.
 */
async function seedNotifications(ctx: SeedContext): Promise<number> {
  const { db, memberId } = ctx;
  const watched = (
    await db
      .selectFrom('group_watches')
      .select('group_id')
      .where('person_id', '=', memberId)
      .where('level', '=', 'watch')
      .execute()
  ).map((row) => row.group_id);
  if (watched.length === 0) {
    return 0;
  }
  const events = await db
    .selectFrom('activity_events')
    .select([
      'actor_id',
      'verb',
      'subject_type',
      'subject_id',
      'summary',
      'url',
      'event_key',
      'created_at',
    ])
    .where('group_id', 'in', watched)
    .where('actor_id', '!=', memberId)
    .where('event_key', 'not like', '%:again:%')
    .where('verb', 'in', Object.keys(NOTIFIED))
    .orderBy('created_at', 'desc')
    .limit(400)
    .execute();
  const rows = events.flatMap((event, index) => {
    const made = NOTIFIED[event.verb];
    if (!made) {
      return [];
    }
    const read = new Date(Date.parse(event.created_at) + HOUR).toISOString();
    return [
      {
        person_id: memberId,
        kind: made.kind,
        actor_id: event.actor_id,
        subject_type: event.subject_type,
        subject_id: event.subject_id,
        event_key: made.key(event),
        summary: event.summary,
        url: event.url,
        created_at: event.created_at,
        read_at: index < 40 ? null : read,
      },
    ];
  });
  // Oldest first, so ids grow with time as the fan-out would leave them.
  rows.reverse();
  for (let start = 0; start < rows.length; start += BATCH) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('notifications')
        .values(rows.slice(start, start + BATCH))
        .onConflict((oc) => oc.columns(['person_id', 'event_key']).doNothing())
        .execute();
    });
  }
  return rows.length;
}

/** The person the member follows with the most events: a full profile. */
async function busiestFollowed(db: Db, memberId: number): Promise<number> {
  const row = await db
    .selectFrom('follows as f')
    .innerJoin('activity_events as e', 'e.actor_id', 'f.person_id')
    .select(['f.person_id', sql<number>`count(*)`.as('n')])
    .where('f.follower_id', '=', memberId)
    .groupBy('f.person_id')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.person_id ?? memberId;
}
