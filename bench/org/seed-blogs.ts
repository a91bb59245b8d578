// Blogs at organisation scale: published posts across the groups' and
// the site's blogs, approved comments skewed over them, and one post in
// the all-staff blog with exactly fifty comments for the bench to open.
// Rows are the ones createPost and addComment would write (slugs unique
// in their blog, the first author also in blog_post_authors, comment
// counts kept), many a statement and one transaction a batch of posts.
import type { Db } from '../../src/database.ts';
import { postPath } from '../../src/features/blogs/representations.ts';
import { slugify } from '../../src/platform/text.ts';
import type { Place, SeedContext, SeedPart } from './context.ts';

const POST_BATCH = 500;
const ROW_BATCH = 1_000;
/** Comments on the post the bench opens. */
const COMMENTED = 50;
/** No other post draws more comments than this. */
const MOST_COMMENTS = 300;
/** Addresses under a blog that are pages, as posts.ts keeps free. */
const RESERVED = ['new', 'drafts', 'settings', 'feed', 'comments'];

interface PostPlan {
  blogId: number;
  /** Who may write and comment there: a group's members, or everyone. */
  people: readonly number[];
  comments: number;
}

export async function seedBlogs(ctx: SeedContext): Promise<SeedPart> {
  const names = await displayNames(ctx.db);
  const slugs = await takenSlugs(ctx.db);
  const plans = planPosts(ctx);
  let first: { id: number; slug: string } | undefined;
  let comments = 0;
  for (let from = 0; from < plans.length; from += POST_BATCH) {
    const batch = plans.slice(from, from + POST_BATCH);
    const made = await ctx.db
      .transaction()
      .execute((trx) => writePosts(trx, ctx, names, slugs, batch));
    first ??= made.first;
    comments += made.comments;
  }
  const blog = await ctx.db
    .selectFrom('blogs')
    .select('slug')
    .where('id', '=', ctx.allStaff.blogId)
    .executeTakeFirstOrThrow();
  if (!first) {
    throw new Error('the blog seed made no posts');
  }
  return {
    reads: [
      {
        id: 'blog-post-50',
        name: `blog post with ${COMMENTED} comments`,
        path: postPath(blog.slug, first.slug),
      },
    ],
    writes: [],
    counts: {
      'blog posts': plans.length,
      'blog comments': comments,
    },
  };
}

/** The post the bench opens first, then the rest, comments skewed. */
function planPosts(ctx: SeedContext): PostPlan[] {
  const inPlace = (place: Place | null, comments: number): PostPlan => ({
    blogId: place ? place.blogId : ctx.site.blogId,
    people: place && place.members.length > 0 ? place.members : ctx.people,
    comments,
  });
  const rest = ctx.shape.blogPosts - 1;
  const spread = skewedCounts(ctx, rest, ctx.shape.blogComments - COMMENTED);
  return [
    inPlace(ctx.allStaff, COMMENTED),
    ...spread.map((count) => inPlace(ctx.pickPlace(), count)),
  ];
}

/** `total` split over `count` posts, heavy-tailed, summing exactly. */
function skewedCounts(ctx: SeedContext, count: number, total: number) {
  const weights = Array.from({ length: count }, () => {
    const u = Math.max(ctx.text.random(), 1e-9);
    const v = ctx.text.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(1.2 * normal);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) =>
    Math.min(MOST_COMMENTS, Math.floor((w / sum) * total)),
  );
  let left = total - counts.reduce((a, b) => a + b, 0);
  while (left > 0) {
    const at = Math.floor(ctx.text.random() * count);
    if ((counts[at] ?? MOST_COMMENTS) < MOST_COMMENTS) {
      counts[at] = (counts[at] ?? 0) + 1;
      left -= 1;
    }
  }
  return counts;
}

/** A slug for `title` not yet taken in the blog, as freePostSlug finds. */
function freeSlug(taken: Set<string>, title: string): string {
  const base = slugify(title, 'post');
  let slug = base;
  for (let n = 2; taken.has(slug); n += 1) {
    slug = `${base}-${n}`;
  }
  taken.add(slug);
  return slug;
}

/** One batch of posts with their authors and comments. */
async function writePosts(
  trx: Db,
  ctx: SeedContext,
  names: Map<number, string>,
  slugs: Map<number, Set<string>>,
  plans: PostPlan[],
): Promise<{
  first: { id: number; slug: string } | undefined;
  comments: number;
}> {
  const drawn = plans.map((plan) => {
    const times = Array.from({ length: plan.comments + 1 }, () =>
      ctx.at(),
    ).sort();
    const title = ctx.text.title();
    const taken = slugs.get(plan.blogId) ?? new Set(RESERVED);
    slugs.set(plan.blogId, taken);
    return {
      plan,
      times,
      title,
      slug: freeSlug(taken, title),
      authorId: ctx.text.choose(plan.people),
    };
  });
  const posts = await trx
    .insertInto('blog_posts')
    .values(
      drawn.map(({ plan, times, title, slug, authorId }) => {
        const published = times[0] ?? ctx.at();
        return {
          blog_id: plan.blogId,
          slug,
          title,
          summary: ctx.text.body(16),
          body: ctx.text.body(200),
          status: 'published' as const,
          audience: 'everyone' as const,
          publish_at: published,
          author_id: authorId,
          author_name: names.get(authorId) ?? '',
          comment_count: plan.comments,
          created_at: published,
          updated_at: published,
        };
      }),
    )
    .returning(['id', 'slug'])
    .execute();
  await inChunks(
    drawn.map(({ authorId }, i) => ({
      post_id: posts[i]?.id ?? 0,
      position: 1,
      person_id: authorId,
      name: names.get(authorId) ?? '',
    })),
    (chunk) => trx.insertInto('blog_post_authors').values(chunk).execute(),
  );
  const comments = drawn.flatMap(({ plan, times }, i) =>
    times.slice(1).map((createdAt) => {
      const authorId = ctx.text.choose(plan.people);
      return {
        post_id: posts[i]?.id ?? 0,
        parent_id: null,
        author_id: authorId,
        author_name: names.get(authorId) ?? '',
        body: ctx.text.body(40),
        status: 'approved' as const,
        created_at: createdAt,
      };
    }),
  );
  await inChunks(comments, (chunk) =>
    trx.insertInto('blog_comments').values(chunk).execute(),
  );
  return { first: posts[0], comments: comments.length };
}

/** `rows` a thousand a statement; the caller owns the transaction. */
async function inChunks<R>(
  rows: readonly R[],
  write: (chunk: R[]) => Promise<unknown>,
): Promise<void> {
  for (let at = 0; at < rows.length; at += ROW_BATCH) {
    await write(rows.slice(at, at + ROW_BATCH));
  }
}

/** The slugs each blog's posts already have, the reserved ones too. */
async function takenSlugs(db: Db): Promise<Map<number, Set<string>>> {
  const rows = await db
    .selectFrom('blog_posts')
    .select(['blog_id', 'slug'])
    .execute();
  const taken = new Map<number, Set<string>>();
  for (const row of rows) {
    const set = taken.get(row.blog_id) ?? new Set(RESERVED);
    set.add(row.slug);
    taken.set(row.blog_id, set);
  }
  return taken;
}

/** Every person's display name, for the names written beside their ids. */
async function displayNames(db: Db): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'display_name'])
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}
