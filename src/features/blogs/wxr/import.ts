import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { isTimeZone } from '../../../platform/time-zones.ts';
import { requireFile } from '../../../platform/input-paths.ts';
import { getSetting } from '../../admin/settings.ts';
import { ensureSpace, SITE_SPACE } from '../../wiki/service.ts';
import type { SpaceRow } from '../../wiki/service.ts';
import type { Blog } from '../blogs.ts';
import { WxrAuthors } from './authors.ts';
import { instantOf } from './dates.ts';
import { outlineOf, settleTitles } from './pages.ts';
import type { PageOutline } from './pages.ts';
import { readWxr } from './reader.ts';
import type { WxrChannel, WxrItem } from './reader.ts';
import { countIn, emptyWxrReport } from './report.ts';
import type { WxrReport } from './report.ts';
import { insertImportedAttachment } from './storage.ts';
import type { ImportedAttachment } from './storage.ts';
import { resolveTargetBlog } from './target.ts';
import { importPage, importPost } from './items.ts';

// `civilmedia import wxr FILE --blog SLUG`: a WordPress export into one
// blog, its pages into the matching wiki (the group's for a group's blog,
// else the site's). The file is read twice as a stream: first for the
// pages' titles and parents, so a child page's title can name a parent
// that comes later in the file; then for everything. Each post is written
// in its own transaction with its tags and comments.
//
// Every row has an import key of the blog, the WordPress site's address,
// the WordPress id and a fingerprint of the item's guid and dates, so a
// second run adds nothing, and a later export of the same site adds only
// what is new (comments included). The address and id alone are not
// enough: two test sites both at http://localhost/ number their first
// posts 1, with the same guid, and must not be merged. A comment's key
// is its post's key, its id and its date. The site is named by
// `wp:base_blog_url` before `wp:base_site_url`: on WordPress.com every
// blog's base_site_url is https://wordpress.com/.

/** Items that are not content, and why they are not imported. */
const NOT_CONTENT: Record<string, string> = {
  nav_menu_item: 'menus are the WordPress theme’s, not content',
  revision: 'earlier versions are not in the export’s history',
  custom_css: 'the WordPress theme’s styles',
  customize_changeset: 'the WordPress theme’s settings',
  wp_block: 'reusable blocks are not posts',
  wp_template: 'the WordPress theme’s templates',
  wp_template_part: 'the WordPress theme’s templates',
  wp_global_styles: 'the WordPress theme’s styles',
  wp_navigation: 'menus are the WordPress theme’s, not content',
  oembed_cache: 'WordPress’s cache of embedded pages',
};

export interface WxrImportOptions {
  blog: string;
  /**
   * The zone for dates the file gives only on the blog's clock; the
   * site's time zone setting when not given.
   */
  timeZone?: string;
}

/** A source that can be read from the start more than once. */
export type ReopenableBytes = () => AsyncIterable<Uint8Array>;

/** Imports an export file from disk. */
export async function importWxrFile(
  db: Db,
  file: string,
  options: WxrImportOptions,
): Promise<WxrReport> {
  requireFile('file', file);
  return importWxr(db, () => createReadStream(file), file, options);
}

/** Imports an export from a byte source; `name` is for the report. */
export async function importWxr(
  db: Db,
  open: ReopenableBytes,
  name: string,
  options: WxrImportOptions,
): Promise<WxrReport> {
  const started = performance.now();
  const zone = options.timeZone ?? (await getSetting(db, 'timeZone'));
  if (!isTimeZone(zone)) {
    const message = `${zone} is not a time zone name`;
    throw new ValidationError({ timeZone: message }, message);
  }
  const report = emptyWxrReport(name, options.blog);
  const outlines = await readOutlines(open(), zone);

  let run: ImportRun | undefined;
  for await (const event of readWxr(open())) {
    if (event.kind === 'channel') {
      run = await ImportRun.start(db, event.channel, outlines, report, {
        blog: options.blog,
        zone,
      });
    } else if (event.kind === 'item') {
      countIn(report.itemsRead, event.item.type || '(no type)');
      await run?.item(event.item);
    } else {
      const label = event.item
        ? `${event.item.type} ${event.item.id ?? '?'} “${event.item.title}”`
        : `line ${event.line}`;
      report.skipped.push({ where: label, reason: event.reason });
    }
  }
  if (!run) {
    const message = `${name} is not a WordPress export: it has no channel`;
    throw new ValidationError({ file: message }, message);
  }
  await run.finish();
  report.milliseconds = performance.now() - started;
  return report;
}

/** The first reading: each page's title, parent and date. */
async function readOutlines(
  bytes: AsyncIterable<Uint8Array>,
  zone: string,
): Promise<Map<number, PageOutline>> {
  const outlines = new Map<number, PageOutline>();
  for await (const event of readWxr(bytes)) {
    if (event.kind === 'item' && event.item.type === 'page') {
      const outline = outlineOf(event.item, zone);
      outlines.set(outline.id, outline);
    }
  }
  return outlines;
}

/** One import under way: the target, the authors, what is deferred. */
export class ImportRun {
  private readonly attachments: {
    attachment: ImportedAttachment;
    parent?: number;
  }[] = [];
  /** The keys of this file's posts by WordPress id, for attachments. */
  private readonly postKeys = new Map<number, string>();

  private constructor(
    readonly db: Db,
    readonly blog: Blog,
    readonly space: SpaceRow,
    readonly siteKey: string,
    readonly pageTitles: Map<number, string>,
    readonly authors: WxrAuthors,
    readonly report: WxrReport,
    readonly zone: string,
  ) {}

  static async start(
    db: Db,
    channel: WxrChannel,
    outlines: Map<number, PageOutline>,
    report: WxrReport,
    options: { blog: string; zone: string },
  ): Promise<ImportRun> {
    const target = await db
      .transaction()
      .execute((trx) => resolveTargetBlog(trx, options.blog, channel.title));
    report.blogCreated = target.created;
    report.version = channel.version;
    report.wikiSpace = target.wikiSpace;
    const space = await ensureSpace(db, target.wikiSpace ?? SITE_SPACE);
    const site = (
      channel.baseBlogUrl ||
      channel.link ||
      channel.baseSiteUrl ||
      'unnamed'
    ).replace(/\/+$/, '');
    return new ImportRun(
      db,
      target.blog,
      space,
      site,
      await settleTitles(db, space, outlines),
      new WxrAuthors(channel.authors),
      report,
      options.zone,
    );
  }

  /**
   * The key of a WordPress item of this file: in this blog, or for a page
   * in this wiki, which several blogs (the site's) may share. The id
   * stays last so the key can be read back.
   */
  keyOf(kind: 'post' | 'page' | 'attachment', item: WxrItem & { id: number }) {
    const home = kind === 'page' ? `wiki-${this.space.key}` : `${this.blog.id}`;
    const print = fingerprint(item.guid, item.dateGmt, item.date);
    const key = `wxr:${home}:${this.siteKey}:${kind}:${print}:${item.id}`;
    if (kind === 'post') {
      this.postKeys.set(item.id, key);
    }
    return key;
  }

  /** A comment's key: its post's, then its date and its id. */
  commentKeyOf(
    postKey: string,
    comment: { id: number; dateGmt: string; date: string },
  ) {
    const print = fingerprint(comment.dateGmt, comment.date);
    return `${postKey}:comment:${print}:${comment.id}`;
  }

  async item(item: WxrItem): Promise<void> {
    if (item.type === 'post') {
      await importPost(this, item);
    } else if (item.type === 'page') {
      await importPage(this, item);
    } else if (item.type === 'attachment') {
      this.deferAttachment(item);
    } else {
      const reason =
        NOT_CONTENT[item.type] ??
        `the blog has no place for WordPress’s “${item.type || '(no type)'}” items`;
      const entry = (this.report.itemsLeftOut[item.type || '(no type)'] ??= {
        count: 0,
        reason,
      });
      entry.count += 1;
    }
  }

  /** Attachments wait for the end, when every post they belong to is in. */
  private deferAttachment(item: WxrItem): void {
    const where = `attachment ${item.id ?? '?'} “${item.title}”`;
    if (item.id === undefined) {
      this.report.skipped.push({ where, reason: 'it has no post id' });
      return;
    }
    if (!/^https?:\/\//i.test(item.attachmentUrl)) {
      this.report.skipped.push({
        where,
        reason: 'it has no http(s) address to keep',
      });
      return;
    }
    const file = item.attachmentUrl.split(/[?#]/)[0]?.split('/').pop() ?? '';
    this.attachments.push({
      ...(item.parent ? { parent: item.parent } : {}),
      attachment: {
        importKey: this.keyOf('attachment', { ...item, id: item.id }),
        title: item.title || decodeSafely(file) || 'attachment',
        originalUrl: item.attachmentUrl,
        createdAt:
          instantOf(item.dateGmt, item.date, this.zone) ??
          new Date().toISOString(),
      },
    });
  }

  async finish(): Promise<void> {
    const { report } = this;
    await this.db.transaction().execute(async (trx) => {
      for (const { attachment, parent } of this.attachments) {
        const postKey = parent ? this.postKeys.get(parent) : undefined;
        const added = await insertImportedAttachment(trx, this.blog.id, {
          ...attachment,
          ...(postKey ? { postKey } : {}),
        });
        report[added ? 'added' : 'alreadyThere'].attachments += 1;
      }
    });
    report.authors = {
      matched: [...this.authors.matched].sort(),
      formerContributors: [...this.authors.formerContributors].sort(),
    };
  }
}

/** A short, stable digest of the parts that tell two items apart. */
function fingerprint(...parts: string[]): string {
  return createHash('sha256')
    .update(parts.join('\n'))
    .digest('hex')
    .slice(0, 12);
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
