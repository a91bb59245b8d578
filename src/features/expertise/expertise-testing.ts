import type { Db } from '../../database.ts';
import { buildDepartment, buildPerson } from '../../test-support/factories.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { ensurePersonBlog } from '../blogs/blogs.ts';
import { createPost } from '../blogs/posts.ts';
import { ensureGroupCategory, ensureSiteCategory } from '../talk/categories.ts';
import { appendPost } from '../talk/posts.ts';
import { setThreadTags } from '../talk/tags/tags.ts';
import { createThread } from '../talk/threads.ts';
import { indexWikiPage } from '../search/sources.ts';
import { titleKey } from '../wiki/titles.ts';

// A small organisation for the expertise finder's tests: who knows about
// Kubernetes through a skill, a project, an interest, wiki pages,
// accepted answers and a blog post, and the same kinds of evidence
// inside a secret group that only its members may count.

const NOW = '2026-12-01T09:00:00.000Z';

/** A wiki page in `spaceId`, revised by each of `authors` in turn. */
export async function buildWikiPage(
  db: Db,
  spaceId: number,
  title: string,
  authors: number[],
  tags: string[] = [],
): Promise<number> {
  const page = await db
    .insertInto('wiki_pages')
    .values({
      space_id: spaceId,
      title,
      title_key: titleKey(title),
      parent_key: '',
      current_revision_id: null,
      redirect_to_key: null,
      deleted_at: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let number = 0;
  for (const author of authors) {
    number += 1;
    await db
      .insertInto('wiki_revisions')
      .values({
        page_id: page.id,
        parent_id: null,
        number,
        author_id: author,
        author_name: `Author ${author}`,
        created_at: NOW,
        summary: '',
        body: 'Text',
        size: 4,
        size_delta: 4,
        kind: number === 1 ? 'create' : 'edit',
        minor: 0,
      })
      .execute();
  }
  for (const tag of tags) {
    await db
      .insertInto('wiki_page_tags')
      .values({ page_id: page.id, tag_key: tag.toLowerCase(), tag })
      .execute();
  }
  await indexWikiPage(db, page.id);
  return page.id;
}

/** A wiki space, the site's or a group's. */
export async function buildSpace(
  db: Db,
  groupId: number | null,
): Promise<number> {
  const row = await db
    .insertInto('wiki_spaces')
    .values({
      key: `space-${nextNumber()}`,
      group_id: groupId,
      created_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A question in `categoryId` tagged `tags` whose answer is accepted. */
export async function buildAnswer(
  db: Db,
  categoryId: number,
  asker: number,
  answerer: number,
  tags: string[],
  title = `Question ${nextNumber()}`,
): Promise<void> {
  const { threadId } = await createThread(db, {
    categoryId,
    title,
    body: 'Text',
    authorId: asker,
    authorName: 'Asker',
    isQuestion: true,
  });
  await setThreadTags(
    db,
    threadId,
    tags.map((tag) => ({ tag, key: tag.toLowerCase() })),
  );
  const postId = await appendPost(db, threadId, {
    body: 'The answer',
    authorId: answerer,
    authorName: 'Answerer',
  });
  await db
    .updateTable('talk_threads')
    .set({ accepted_post_id: postId })
    .where('id', '=', threadId)
    .execute();
}

/** A post in `personId`'s own blog. */
export async function buildBlogPost(
  db: Db,
  personId: number,
  title: string,
  options: { tags?: string[]; status?: 'published' | 'draft' } = {},
): Promise<void> {
  const blog = await ensurePersonBlog(db, personId, NOW);
  await createPost(
    db,
    blog,
    {
      title,
      body: 'Text',
      summary: '',
      tags: (options.tags ?? []).map((tag) => ({
        tag,
        key: tag.toLowerCase(),
      })),
      status: options.status ?? 'published',
      audience: 'everyone',
      publishAt: NOW,
      authors: [{ personId, name: 'Writer' }],
    },
    NOW,
  );
}

/** The organisation the tests search, by role in the story. */
export interface ExpertWorld {
  health: number;
  transport: number;
  viewer: number;
  insider: number;
  /** The secret group's wiki space. */
  hiddenSpace: number;
  ids: Record<string, number>;
}

/**
 * Viewer and insider work in Health; the insider is in a secret group
 * whose wiki page and answer add to Wendy's and Ali's evidence.
 */
export async function buildExpertWorld(db: Db): Promise<ExpertWorld> {
  const health = (await buildDepartment(db, `Health ${nextNumber()}`)).id;
  const transport = (await buildDepartment(db, `Transport ${nextNumber()}`)).id;
  const person = (name: string, departmentId: number, extra: object = {}) =>
    buildPerson(db, { displayName: name, departmentId, ...extra });
  const viewer = await person('Vic Viewer', health, {
    tags: { skill: ['Kubernetes'] },
  });
  const insider = await person('Ida Insider', health);
  const ids: Record<string, number> = {
    sam: await person('Sam Skilled', transport, {
      jobTitle: 'Platform engineer',
      tags: { skill: ['Kubernetes'], interest: ['gardening'] },
    }),
    ivy: await person('Ivy Interested', health, {
      tags: { interest: ['kubernetes'] },
    }),
    pat: await person('Pat Project', transport, {
      tags: { project: ['Kubernetes'] },
    }),
    wendy: await person('Wendy Writer', health),
    ali: await person('Ali Answerer', transport),
    bea: await person('Bea Blogger', transport),
    guest: await person('Gil Guest', transport, {
      role: 'guest',
      tags: { skill: ['Kubernetes'] },
    }),
    leaver: await person('Lee Leaver', transport, {
      tags: { skill: ['Kubernetes'] },
    }),
  };
  await db
    .updateTable('people')
    .set({ status: 'deactivated', deactivated_at: NOW })
    .where('id', '=', ids.leaver ?? 0)
    .execute();

  const secret = await buildGroup(db, insider, {
    visibility: 'secret',
    name: 'Hidden Cluster Club',
  });
  for (const member of [ids.wendy, ids.ali]) {
    await addGroupMember(db, secret, member ?? 0);
  }

  const site = await buildSpace(db, null);
  const hidden = await buildSpace(db, secret.id);
  const wendy = ids.wendy ?? 0;
  await buildWikiPage(db, site, 'Kubernetes networking', [wendy, wendy]);
  await buildWikiPage(db, site, 'Cluster notes', [wendy], ['Kubernetes']);
  await buildWikiPage(db, site, 'Gardening', [wendy, ids.sam ?? 0]);
  await buildWikiPage(db, hidden, 'Kubernetes secrets', [wendy]);

  const open = await ensureSiteCategory(db, `it-${nextNumber()}`, 'IT', NOW);
  const closed = await ensureGroupCategory(db, secret, NOW);
  const ali = ids.ali ?? 0;
  await buildAnswer(db, open.id, viewer, ali, ['Kubernetes']);
  await buildAnswer(db, open.id, viewer, ali, ['kubernetes', 'networking']);
  await buildAnswer(db, closed.id, insider, ali, ['kubernetes']);

  const bea = ids.bea ?? 0;
  await buildBlogPost(db, bea, 'Running APIs on Kubernetes');
  await buildBlogPost(db, bea, 'Kubernetes draft', { status: 'draft' });
  return { health, transport, viewer, insider, hiddenSpace: hidden, ids };
}
