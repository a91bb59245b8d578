import assert from 'node:assert/strict';
import type { PersonActor } from '../actor.ts';
import type { GroupAction } from '../groups.ts';
import type { Db } from '../../database.ts';
import { ensureGroupBlog } from '../../features/blogs/blogs.ts';
import { addComment } from '../../features/blogs/comments.ts';
import { findGroupForReader } from '../../features/groups/groups.ts';
import { invite } from '../../features/groups/invitations.ts';
import { requestToJoin } from '../../features/groups/members.ts';
import { savePage } from '../../features/wiki/editing.ts';
import { SITE_SPACE, spaceFor } from '../../features/wiki/spaces.ts';
import {
  ensureGroupCategory,
  ensureSiteCategory,
} from '../../features/talk/categories.ts';
import { moveThread } from '../../features/talk/moderation/actions.ts';
import { appendPost, createThread } from '../../features/talk/service.ts';
import { setThreadTags } from '../../features/talk/tags/tags.ts';
import {
  createStatus,
  replyToStatus,
} from '../../features/talk/status/posts.ts';
import { buildAccount } from '../../test-support/app.ts';
import { GROUP_KEYS, GROUP_SPECS } from './world.ts';
import type { GroupKey, World } from './world.ts';
import { indexBlogPost } from '../../features/search/sources.ts';
import { filesContent } from './files.ts';
import { attachmentsContent } from './attachments.ts';

/**
 * A unique string written into one group's content. Any response that
 * holds it drew on that group, so it may go only to readers whom the
 * group rule allows `action` there.
 */
export interface Marker {
  text: string;
  /**
   * The group it was written in, or 'site' for site-wide content and
   * people's own spaces, which staff read (site.read) whatever `action`.
   */
  group: GroupKey | 'site';
  /** What a reader must be allowed in the group to see the text. */
  action: GroupAction;
  /** Where the text was written, for the failure message. */
  where: string;
}

/**
 * Writes one kind of content into the matrix's groups and names the
 * markers it wrote. Each feature that keeps content in groups appends
 * its builder to CONTENT_BUILDERS below, with markers of its own, and the
 * matrix then checks every route, old and new, against that content.
 */
export interface ContentBuilder {
  name: string;
  build(db: Db, world: World): Promise<Marker[]>;
}

// The groups' names, descriptions and guest members were written when
// the world was built, because the actors' memberships need the groups.
const groupDetails: ContentBuilder = {
  name: 'group names and descriptions',
  async build() {
    return GROUP_KEYS.flatMap((group) => [
      {
        text: GROUP_SPECS[group].nameMarker,
        group,
        action: 'group.see',
        where: 'group name',
      },
      {
        text: GROUP_SPECS[group].descriptionMarker,
        group,
        action: 'group.see',
        where: 'group description',
      },
    ]);
  },
};

const groupMembers: ContentBuilder = {
  name: 'group members',
  async build() {
    return GROUP_KEYS.map((group) => ({
      text: GROUP_SPECS[group].memberMarker,
      group,
      action: 'group.readMembers',
      where: 'name of a guest member',
    }));
  },
};

// A request's message is for the people who answer it: the group's
// owners and admins.
const joinRequests: ContentBuilder = {
  name: 'requests to join',
  async build(db, world) {
    const text = 'CLOSEDREQUEST-6NF';
    const requester = await buildAccount(db, { displayName: 'Rhys Requester' });
    await requestToJoin(db, world.groups.closed, requester.id, `Hi ${text}`);
    return [
      { text, group: 'closed', action: 'group.manage', where: 'request' },
    ];
  },
};

// A pending invitation names its invitee to the people who run the group.
// The link's token is thrown away: whoever holds it may learn of the
// group, which is what the link is for, so the matrix does not request it.
const invitations: ContentBuilder = {
  name: 'invitations',
  async build(db, world) {
    const inviter: PersonActor = {
      kind: 'person',
      id: world.owner.id,
      role: 'member',
      displayName: 'Owen Owner',
      via: 'session',
    };
    const invited: [GroupKey, string][] = [
      ['closed', 'CLOSEDINVITEE-8MX'],
      ['secret', 'SECRETINVITEE-3RJ'],
    ];
    const markers: Marker[] = [];
    for (const [group, text] of invited) {
      const slug = world.groups[group].slug;
      const found = await findGroupForReader(db, inviter, slug);
      assert.ok(found, `the owner finds ${slug}`);
      const invitee = await buildAccount(db, {
        role: 'guest',
        displayName: `Ivy ${text}`,
      });
      await invite(db, inviter, found, {
        guest: true,
        email: invitee.email,
        name: `Ivy ${text}`,
        role: 'member',
      });
      markers.push({ text, group, action: 'group.manage', where: 'invitee' });
    }
    return markers;
  },
};

/** The title of the wiki page written in every space. */
export const WIKI_MATRIX_TITLE = 'Matrix/Page';

/**
 * The revision id of the wiki page in each space ('site' for the site's),
 * noted when the page is written, for the `:revision` parameter.
 */
export const wikiRevisionIds: Partial<Record<GroupKey | 'site', number>> = {};

// A page in each group's wiki, its marker in the text and the summary, so
// page reads, histories, diffs and recent changes are all checked; and
// one in the site's wiki, for the routes' addresses.
const wikiPages: ContentBuilder = {
  name: 'wiki pages',
  async build(db, world) {
    const owner: PersonActor = {
      kind: 'person',
      id: world.owner.id,
      role: 'member',
      displayName: 'Owen Owner',
      via: 'session',
    };
    const markers: Marker[] = [];
    const spaces: [GroupKey | 'site', string][] = [
      ...GROUP_KEYS.map((key): [GroupKey, string] => [
        key,
        world.groups[key].slug,
      ]),
      ['site', SITE_SPACE],
    ];
    for (const [key, slug] of spaces) {
      const text = `${key.toUpperCase()}WIKI-4TW`;
      const space = await spaceFor(db, owner, slug);
      const saved = await savePage(db, owner, space, {
        title: WIKI_MATRIX_TITLE,
        body: `What the ${key} wiki says: ${text}\n`,
        summary: `Wrote ${text}`,
        baseRevision: null,
      });
      wikiRevisionIds[key] = saved.revision.id;
      if (key !== 'site') {
        markers.push({
          text,
          group: key,
          action: 'group.read',
          where: 'wiki page',
        });
      }
    }
    return markers;
  },
};

/** The site category the matrix's site thread is in. */
export const TALK_SITE_CATEGORY = 'matrix-talk';

/** The Talk thread and reply written in each place, for their parameters. */
export const talkThreadIds: Partial<Record<GroupKey | 'site', number>> = {};
export const talkPostIds: Partial<Record<GroupKey | 'site', number>> = {};

// A discussion thread and a reply in each group (markers in the title,
// the opening post and the reply), and one in a site category, which
// staff read and guests and signed-out visitors do not.
const talkThreads: ContentBuilder = {
  name: 'discussion threads and replies',
  async build(db, world) {
    const markers: Marker[] = [];
    const places: (GroupKey | 'site')[] = [...GROUP_KEYS, 'site'];
    for (const key of places) {
      const category =
        key === 'site'
          ? await ensureSiteCategory(db, TALK_SITE_CATEGORY, 'Matrix talk')
          : await ensureGroupCategory(db, world.groups[key]);
      const tag = key.toUpperCase();
      const author = { authorId: world.owner.id, authorName: 'Owen Owner' };
      const { threadId } = await createThread(db, {
        categoryId: category.id,
        title: `Thread ${tag}TALKTITLE-5QK`,
        body: `Opening ${tag}TALKOPEN-5QK`,
        isQuestion: true,
        ...author,
      });
      const replyId = await appendPost(db, threadId, {
        body: `Reply ${tag}TALKREPLY-5QK`,
        ...author,
      });
      talkThreadIds[key] = threadId;
      talkPostIds[key] = replyId;
      if (key !== 'site') {
        for (const part of ['TITLE', 'OPEN', 'REPLY']) {
          markers.push({
            text: `${tag}TALK${part}-5QK`,
            group: key,
            action: 'group.read',
            where: `discussion ${part.toLowerCase()}`,
          });
        }
      }
    }
    return markers;
  },
};

// Tags on each place's thread: the status posts' tag, so the tag's page
// and API list every group's thread, and one naming its group, which
// only the group's readers may see in any list or on the thread.
const threadTags: ContentBuilder = {
  name: 'discussion thread tags',
  async build(db) {
    const markers: Marker[] = [];
    for (const key of [...GROUP_KEYS, 'site' as const]) {
      const text = `${key.toUpperCase()}THREADTAG-7PZ`;
      await setThreadTags(db, talkThreadIds[key] ?? 0, [
        { tag: STATUS_MATRIX_TAG, key: STATUS_MATRIX_TAG },
        { tag: text, key: text.toLowerCase() },
      ]);
      if (key !== 'site') {
        markers.push({
          text,
          group: key,
          action: 'group.read',
          where: 'discussion tag',
        });
      }
    }
    return markers;
  },
};

/** The thread moved into the secret group, and its reply. */
export const movedTalkIds: { threadId?: number; postId?: number } = {};

// A thread started in the site category, tagged and answered there, then
// moved by a moderator into the secret group's discussions: from then on
// no list, tag page, feed or address may show a trace of it to anyone
// who does not read the secret group, site staff included.
const movedThread: ContentBuilder = {
  name: 'discussion thread moved into a secret group',
  async build(db, world) {
    const from = await ensureSiteCategory(
      db,
      TALK_SITE_CATEGORY,
      'Matrix talk',
    );
    const to = await ensureGroupCategory(db, world.groups.secret);
    const author = { authorId: world.owner.id, authorName: 'Owen Owner' };
    const { threadId } = await createThread(db, {
      categoryId: from.id,
      title: 'Thread SECRETMOVEDTITLE-2GH',
      body: 'Opening SECRETMOVEDOPEN-2GH',
      isQuestion: true,
      ...author,
    });
    movedTalkIds.threadId = threadId;
    movedTalkIds.postId = await appendPost(db, threadId, {
      body: 'Reply SECRETMOVEDREPLY-2GH',
      ...author,
    });
    await setThreadTags(db, threadId, [
      { tag: STATUS_MATRIX_TAG, key: STATUS_MATRIX_TAG },
      { tag: 'SECRETMOVEDTAG-2GH', key: 'secretmovedtag-2gh' },
    ]);
    // A move needs someone who moderates both places: the owner runs the
    // secret group, and acts here as a site administrator would.
    const mover: PersonActor = {
      kind: 'person',
      id: world.owner.id,
      role: 'admin',
      displayName: 'Owen Owner',
      via: 'session',
    };
    await moveThread(db, mover, threadId, to.slug);
    return ['TITLE', 'OPEN', 'REPLY', 'TAG'].map((part) => ({
      text: `SECRETMOVED${part}-2GH`,
      group: 'secret',
      action: 'group.read',
      where: `discussion ${part.toLowerCase()} moved in from a site category`,
    }));
  },
};

/** The tag every status post and reply of the matrix carries. */
export const STATUS_MATRIX_TAG = 'matrixstatus';

/** The status post written in each group, and ('site') on a profile. */
export const statusPostIds: Partial<Record<GroupKey | 'site', number>> = {};

// A status post and a reply in each group, and a post with a reply on the
// owner's own profile, which staff read and guests and signed-out
// visitors do not. The owner's profile stream holds them all.
const statusPosts: ContentBuilder = {
  name: 'status posts and replies',
  async build(db, world) {
    const owner: PersonActor = {
      kind: 'person',
      id: world.owner.id,
      role: 'member',
      displayName: 'Owen Owner',
      via: 'session',
    };
    const markers: Marker[] = [];
    for (const key of [...GROUP_KEYS, 'site' as const]) {
      const tag = key === 'site' ? 'PROFILE' : key.toUpperCase();
      const groupId = key === 'site' ? null : world.groups[key].id;
      const post = await createStatus(
        db,
        owner,
        `Status ${tag}STATUS-6VB #${STATUS_MATRIX_TAG}`,
        groupId,
      );
      await replyToStatus(
        db,
        owner,
        post,
        `Reply ${tag}STATUSREPLY-6VB #${STATUS_MATRIX_TAG}`,
      );
      statusPostIds[key] = post;
      markers.push(
        {
          text: `${tag}STATUS-6VB`,
          group: key,
          action: 'group.read',
          where: 'status post',
        },
        {
          text: `${tag}STATUSREPLY-6VB`,
          group: key,
          action: 'group.read',
          where: 'status reply',
        },
      );
    }
    return markers;
  },
};

/** Each group's blog's slug, noted when its post is written. */
export const blogSlugs: Partial<Record<GroupKey, string>> = {};

/** The slug of the post written in each group's blog. */
export const BLOG_MATRIX_POST = 'matrix-post';

// A published post in each group's blog, by the owner of every group,
// with markers in its title, summary and body and the status posts' tag,
// so the blogs' feeds (every blog's, the blog's, the tag's, the
// author's, and their personal forms) are all checked. Written straight
// into the tables, as the blog service would write it.
const blogPosts: ContentBuilder = {
  name: 'blog posts',
  async build(db, world) {
    const markers: Marker[] = [];
    const at = '2026-11-02T10:00:00.000Z';
    for (const key of GROUP_KEYS) {
      const blog = await ensureGroupBlog(db, world.groups[key].id, at);
      blogSlugs[key] = blog.slug;
      const tag = key.toUpperCase();
      const { id } = await db
        .insertInto('blog_posts')
        .values({
          blog_id: blog.id,
          slug: BLOG_MATRIX_POST,
          title: `Post ${tag}BLOGTITLE-8PD`,
          summary: `In short ${tag}BLOGSUMMARY-8PD`,
          body: `At length ${tag}BLOGBODY-8PD`,
          status: 'published',
          publish_at: at,
          author_id: world.owner.id,
          author_name: 'Owen Owner',
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('blog_post_authors')
        .values({
          post_id: id,
          position: 1,
          person_id: world.owner.id,
          name: 'Owen Owner',
        })
        .execute();
      await db
        .insertInto('blog_post_tags')
        .values({
          post_id: id,
          tag: STATUS_MATRIX_TAG,
          tag_key: STATUS_MATRIX_TAG,
        })
        .execute();
      await indexBlogPost(db, id);
      for (const part of ['TITLE', 'SUMMARY', 'BODY']) {
        markers.push({
          text: `${tag}BLOG${part}-8PD`,
          group: key,
          action: 'group.read',
          where: `blog post ${part.toLowerCase()}`,
        });
      }
    }
    return markers;
  },
};

// A comment on each group's blog post, which the post's readers see.
const blogComments: ContentBuilder = {
  name: 'blog comments',
  async build(db, world) {
    const markers: Marker[] = [];
    const at = '2026-11-03T10:00:00.000Z';
    const owner = { id: world.owner.id, displayName: 'Owen Owner' };
    for (const key of GROUP_KEYS) {
      const tag = key.toUpperCase();
      const blog = await ensureGroupBlog(db, world.groups[key].id, at);
      const post = await db
        .selectFrom('blog_posts')
        .select('id')
        .where('blog_id', '=', blog.id)
        .where('slug', '=', BLOG_MATRIX_POST)
        .executeTakeFirstOrThrow();
      const text = `${tag}BLOGCOMMENT-4KT`;
      await addComment(db, post.id, owner, `Comment ${text}`, null, 'open', at);
      markers.push({
        text,
        group: key,
        action: 'group.read',
        where: 'blog comment',
      });
    }
    return markers;
  },
};

/**
 * Every kind of group content the matrix writes. Append, do not replace:
 * a builder that lands with its feature keeps that feature's routes
 * honest from then on.
 *
 * Still to come, each with the feature it belongs to (the peer cases in
 * /work/shared/cases/peer-failures.md need them and are not faked here):
 * - the Atom feeds of Talk's threads and categories and the site-wide
 *   activity feed (the threads are written above): BUG-01;
 * - a group member's posts in a closed group, shown on their profile and
 *   its activity tab, and the counts there: BUG-04;
 * - group blog posts, including one sent with `visibility: "public"` into
 *   a closed group, and one in an open group later closed: BUG-05;
 * - an @mention of a non-member in a secret group's post, checked in the
 *   non-member's notifications and digests: BUG-07 (the notifications
 *   builder also needs the mentioned person as an actor).
 */
export const CONTENT_BUILDERS: readonly ContentBuilder[] = [
  groupDetails,
  groupMembers,
  joinRequests,
  invitations,
  wikiPages,
  talkThreads,
  threadTags,
  movedThread,
  statusPosts,
  blogPosts,
  blogComments,
  filesContent,
  attachmentsContent,
];

/** Writes every builder's content and returns all their markers. */
export async function buildContent(db: Db, world: World): Promise<Marker[]> {
  const markers: Marker[] = [];
  for (const builder of CONTENT_BUILDERS) {
    markers.push(...(await builder.build(db, world)));
  }
  const texts = markers.map((marker) => marker.text.toLowerCase());
  if (new Set(texts).size !== texts.length) {
    throw new Error('Two content builders use the same marker text');
  }
  return markers;
}
