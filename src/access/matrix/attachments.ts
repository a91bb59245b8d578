import { TEST_DATA_DIR } from '../../test-support/app.ts';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { PersonActor } from '../actor.ts';
import type { Database } from '../../database.ts';
import {
  attachedKindOf,
  PATH_KINDS,
} from '../../features/files/attachments/items.ts';
import type { PathKind } from '../../features/files/attachments/items.ts';
import { saveUploads } from '../../features/files/service.ts';
import { openBlobStore } from '../../platform/storage/index.ts';
import { BLOG_MATRIX_POST, blogSlugs, talkPostIds } from './content.ts';
import type { ContentBuilder, Marker } from './content.ts';
import type { Filling } from './parameters.ts';
import { GROUP_KEYS } from './world.ts';
import type { GroupKey } from './world.ts';

// A file attached to each group's wiki page, Talk reply and blog post,
// its marker in the file's name and (for the picture) its alternative
// text, so the item pages, the thread pages and the attachments list and
// API are all checked against the group rule: an attachment is for the
// readers of its item, and of no one else.

/** The items the files hang on, by kind and group, for `:kind/:id`. */
export const attachedItemIds: Record<
  PathKind,
  Partial<Record<GroupKey, number>>
> = { 'wiki-page': {}, 'talk-post': {}, 'blog-post': {} };

const MATRIX_STORE = { dataDir: TEST_DATA_DIR, fileStorage: 'disk' } as const;

const LIMITS = {
  maxBytes: 10_000,
  groupQuotaBytes: 1_000_000,
  personQuotaBytes: 1_000_000,
  maxFilesPerRequest: 1,
};

async function itemIdsIn(
  db: Kysely<Database>,
  key: GroupKey,
  groupId: number,
): Promise<Record<PathKind, number>> {
  const page = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .select('p.id')
    .where('s.group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  const post = await db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select('p.id')
    .where('b.slug', '=', blogSlugs[key] ?? '')
    .where('p.slug', '=', BLOG_MATRIX_POST)
    .executeTakeFirstOrThrow();
  return {
    'wiki-page': page.id,
    'talk-post': talkPostIds[key] ?? 0,
    'blog-post': post.id,
  };
}

export const attachmentsContent: ContentBuilder = {
  name: 'attachments of wiki pages, Talk posts and blog posts',
  async build(anyDb, world) {
    const db = anyDb as Kysely<Database>;
    const owner: PersonActor = {
      kind: 'person',
      id: world.owner.id,
      role: 'member',
      displayName: 'Owen Owner',
      via: 'session',
    };
    const store = openBlobStore(MATRIX_STORE, db);
    // A real picture: the type comes from the bytes.
    const pixel = await sharp({
      create: { width: 1, height: 1, channels: 3, background: '#00703c' },
    })
      .png()
      .toBuffer();
    const markers: Marker[] = [];
    for (const key of GROUP_KEYS) {
      const ids = await itemIdsIn(db, key, world.groups[key].id);
      for (const kind of PATH_KINDS) {
        const part = kind.split('-')[0]?.toUpperCase() ?? '';
        const text = `${key.toUpperCase()}ATTACH${part}-3HV`;
        const alt = `${key.toUpperCase()}ATTACHALT${part}-3HV`;
        const picture = kind === 'talk-post';
        const blob = await store.put(
          Readable.from([picture ? pixel : Buffer.from(`Attached ${text}\n`)]),
          { maxBytes: LIMITS.maxBytes },
        );
        await saveUploads(
          db,
          owner,
          {
            container: {
              kind: 'attached',
              attachedKind: attachedKindOf(kind),
              attachedId: ids[kind],
            },
            folderId: null,
            title: null,
            description: null,
            comment: '',
            altText: picture ? alt : null,
          },
          [{ name: `${text}.${picture ? 'png' : 'txt'}`, blob }],
          LIMITS,
        );
        attachedItemIds[kind][key] = ids[kind];
        markers.push({
          text,
          group: key,
          action: 'group.read',
          where: `${kind} attachment's name`,
        });
        if (picture) {
          markers.push({
            text: alt,
            group: key,
            action: 'group.read',
            where: `${kind} attachment's alternative text`,
          });
        }
      }
    }
    return markers;
  },
};

/** Whether a route is one of the attachments list's, page or API. */
export function isAttachmentRoute(url: string): boolean {
  return /^(\/api\/v1)?\/attachments\/:kind\//.test(url);
}

/** Each kind of item, for an attachments route's `:kind`. */
export function attachmentKinds(): Filling[] {
  return PATH_KINDS.map((kind) => ({ value: kind }));
}

/**
 * The item of the kind already filled in `filled`, in each group (or in
 * `group` when an earlier parameter chose one).
 */
export function attachedItems(
  filled: string,
  group: GroupKey | undefined,
): Filling[] {
  const kind = PATH_KINDS.find((each) =>
    filled.includes(`/attachments/${each}/`),
  );
  if (!kind) {
    return [];
  }
  return (group ? [group] : GROUP_KEYS).map((key) => ({
    value: String(attachedItemIds[kind][key] ?? 0),
    group: key,
  }));
}
