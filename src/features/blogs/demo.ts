import type { Db } from '../../database.ts';
import { addComment } from './comments.ts';
import { ensureGroupBlog, ensurePersonBlog } from './blogs.ts';
import { readTags } from './input.ts';
import { createPost } from './posts.ts';
import type { NewPost } from './posts.ts';

/**
 * A few demo posts, so that Blogs shows how it is used on the first
 * start: two in a member of staff's own blog, one with a comment, and one
 * in the blog of the first open group, by its owner. `authors` are demo
 * people, the first of them the site administrator.
 */
export async function seedDemoBlogs(
  db: Db,
  authors: readonly { id: number; name: string }[],
  now = new Date().toISOString(),
): Promise<number> {
  const [, first, second] = authors;
  if (!first || !second) {
    return 0;
  }
  const post = (
    author: { id: number; name: string },
    values: Pick<NewPost, 'title' | 'summary' | 'body'> & { tags: string[] },
  ): NewPost => ({
    ...values,
    tags: readTags(values.tags),
    status: 'published',
    audience: 'everyone',
    publishAt: now,
    authors: [{ personId: author.id, name: author.name }],
  });

  const own = await ensurePersonBlog(db, first.id, now);
  const weeknotes = await createPost(
    db,
    own,
    post(first, {
      title: 'Weeknotes: moving our forms online',
      summary: 'What we learned in the first month of the forms project.',
      body:
        'We started with the **three forms** people fill in most. ' +
        'Two are live; the third waits for a change to the law.\n\n' +
        '- talk to the people who process the forms first\n' +
        '- test with screen reader users every sprint',
      tags: ['Weeknotes', 'Digital'],
    }),
    now,
  );
  await addComment(
    db,
    weeknotes.id,
    { id: second.id, displayName: second.name },
    'Thanks for writing this up. Which form is next?',
    null,
    own.commentPolicy,
    now,
  );
  await createPost(
    db,
    own,
    {
      ...post(first, {
        title: 'What I am reading',
        summary: '',
        body: 'A list in progress.',
        tags: [],
      }),
      status: 'draft',
      publishAt: null,
    },
    now,
  );

  const group = await db
    .selectFrom('groups as g')
    .innerJoin('group_members as m', 'm.group_id', 'g.id')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['g.id', 'p.id as ownerId', 'p.display_name as ownerName'])
    .where('g.visibility', '=', 'open')
    .where('m.role', '=', 'owner')
    .orderBy('g.id')
    .limit(1)
    .executeTakeFirst();
  if (!group) {
    return 2;
  }
  const blog = await ensureGroupBlog(db, group.id, now);
  await createPost(
    db,
    blog,
    post(
      { id: group.ownerId, name: group.ownerName },
      {
        title: 'Welcome to our group blog',
        summary: 'Why we write here, and how you can join in.',
        body:
          'This blog is where the group explains its work to the rest ' +
          'of the organisation. Members can write; everyone can comment.',
        tags: ['Digital'],
      },
    ),
    now,
  );
  return 3;
}
