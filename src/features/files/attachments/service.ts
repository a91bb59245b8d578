import type { Kysely } from 'kysely';
import type { Actor, PersonActor } from '../../../access/actor.ts';
import { readableFiles } from '../../../access/files.ts';
import type { Database, Db } from '../../../database.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { isRasterImage } from '../../../platform/sniff.ts';
import { formatBytes } from '../../../platform/storage/sizes.ts';
import { deleteFile } from '../changes.ts';
import { FILE_COLUMNS, fileNotFound, findFile, toFile } from '../files.ts';
import type { FileRecord } from '../files.ts';
import { typeName } from '../page-support.ts';
import { fileSearchChanged } from '../service.ts';
import type { AttachedKind } from '../tables.ts';
import { cannotAttach } from './items.ts';
import type { AttachmentItem } from './items.ts';

// An item's attachments: listing them for one item or for a whole page
// of items in one query, and removing one. Lists read through the one
// file rule (readableFiles), so a list never holds a file its reader
// could not open.

/** An attached file with what its item's page shows of it. */
export interface Attachment extends FileRecord {
  /** Whether the background job has drawn a display copy yet. */
  hasDisplay: boolean;
}

/** One attachment as the item pages and the attachments page show it. */
export interface AttachmentView {
  id: number;
  name: string;
  title: string;
  type: string;
  /** The type in words: "PDF", "PNG image". */
  typeText: string;
  size: number;
  sizeText: string;
  isImage: boolean;
  /** The image's alternative text; '' for a decorative image. */
  altText: string;
  path: string;
  downloadPath: string;
  /** For images: the display copy, or the original until there is one. */
  imageSrc: string | null;
  /** What an author pastes into the item's Markdown to place it. */
  markdown: string;
}

function attachedFiles(db: Db, actor: Actor, now: string) {
  return db
    .selectFrom('files as f')
    .leftJoin('file_versions as v', 'v.id', 'f.current_version_id')
    .where('f.deleted_at', 'is', null)
    .where(readableFiles(db, actor, now));
}

type AttachmentRow = Parameters<typeof toFile>[0] & {
  display_sha256: string | null;
};

function toAttachment(row: AttachmentRow): Attachment {
  return { ...toFile(row), hasDisplay: row.display_sha256 !== null };
}

/**
 * The live attachments `actor` may read of each of `ids` (items of one
 * kind), in the order they were attached, in one query: a thread's
 * page of 25 posts asks once, not 25 times.
 */
export async function attachmentsOfItems(
  db: Db,
  actor: Actor,
  kind: AttachedKind,
  ids: readonly number[],
  now = new Date().toISOString(),
): Promise<Map<number, Attachment[]>> {
  const byItem = new Map<number, Attachment[]>();
  if (ids.length === 0 || actor.kind !== 'person') {
    return byItem;
  }
  const rows = await attachedFiles(db, actor, now)
    .select([...FILE_COLUMNS, 'v.display_sha256'])
    .where('f.attached_kind', '=', kind)
    .where('f.attached_id', 'in', [...new Set(ids)])
    .orderBy('f.created_at')
    .orderBy('f.id')
    .execute();
  for (const row of rows) {
    const itemId = row.attached_id ?? 0;
    const list = byItem.get(itemId) ?? [];
    list.push(toAttachment(row));
    byItem.set(itemId, list);
  }
  return byItem;
}

/** A page of one item's live attachments, oldest first. */
export async function listAttachments(
  db: Db,
  actor: Actor,
  item: AttachmentItem,
  page: PageRequest,
  now = new Date().toISOString(),
): Promise<{ items: Attachment[]; total: number }> {
  const { attachedKind, attachedId } = item.container;
  const ofItem = attachedFiles(db, actor, now)
    .where('f.attached_kind', '=', attachedKind)
    .where('f.attached_id', '=', attachedId);
  const [rows, count] = await Promise.all([
    ofItem
      .select([...FILE_COLUMNS, 'v.display_sha256'])
      .orderBy('f.created_at')
      .orderBy('f.id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    ofItem
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toAttachment), total: Number(count.n) };
}

/**
 * Removes (softly) an attachment of `item`: whoever may attach to the
 * item may, as they may edit the text that shows it. A file attached
 * elsewhere is not found here.
 */
export async function removeAttachment(
  db: Kysely<Database>,
  actor: PersonActor,
  item: AttachmentItem,
  fileId: number,
): Promise<void> {
  if (!item.mayAttach) {
    throw cannotAttach();
  }
  await db.transaction().execute(async (trx) => {
    const file = await findFile(trx, fileId);
    const { attachedKind, attachedId } = item.container;
    const here =
      file?.container.kind === 'attached' &&
      file.container.attachedKind === attachedKind &&
      file.container.attachedId === attachedId;
    if (!file || !here || file.deletedAt !== null) {
      throw fileNotFound();
    }
    await deleteFile(trx, actor, file);
    await fileSearchChanged(trx, [file.id]);
  });
}

/** Characters Markdown reads in a link's or image's text. */
function markdownText(text: string): string {
  return text.replace(/[\\[\]*_`<>]/g, (c) => `\\${c}`);
}

/** An attachment as pages show it, with its Markdown. */
export function attachmentView(file: Attachment): AttachmentView {
  const path = `/files/${file.id}`;
  const downloadPath = `${path}/download`;
  const isImage = isRasterImage(file.mime);
  const imageSrc = isImage
    ? file.hasDisplay
      ? `${path}/display`
      : downloadPath
    : null;
  const altText = file.altText ?? '';
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    type: file.mime,
    typeText: typeName(file.mime, file.name),
    size: file.size,
    sizeText: formatBytes(file.size),
    isImage,
    altText,
    path,
    downloadPath,
    imageSrc,
    markdown: isImage
      ? `![${markdownText(altText)}](${path}/display)`
      : `[${markdownText(file.name)}](${path})`,
  };
}

/** Attachments by item id as views, for a page's template. */
export function attachmentViews(
  byItem: Map<number, Attachment[]>,
): Record<number, AttachmentView[]> {
  const views: Record<number, AttachmentView[]> = {};
  for (const [id, files] of byItem) {
    views[id] = files.map(attachmentView);
  }
  return views;
}

/**
 * What an item page's template shows under each of `ids`: one query for
 * all of them. Pages pass the result to `appAttachments` by item id.
 */
export async function attachmentsForPage(
  db: Db,
  actor: Actor,
  kind: AttachedKind,
  ids: readonly number[],
): Promise<Record<number, AttachmentView[]>> {
  return attachmentViews(await attachmentsOfItems(db, actor, kind, ids));
}
