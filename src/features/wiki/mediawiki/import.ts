import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { requireFile } from '../../../platform/input-paths.ts';
import { ensureSpace, importRevision, SITE_SPACE } from '../service.ts';
import type { ImportedRevision, SpaceRow } from '../service.ts';
import { MAX_BODY_BYTES } from '../pages.ts';
import { keyOfNormalized, normalizeTitle } from '../titles.ts';
import { AuthorResolver, readAuthorMapping } from './authors.ts';
import { convertWikitext } from './convert.ts';
import { NamespaceMap } from './namespaces.ts';
import { readExport } from './reader.ts';
import type { PageHeader, Revision, SiteInfo } from './reader.ts';
import { emptyMediaWikiReport } from './report.ts';
import type { MediaWikiReport, PageOutcome } from './report.ts';
import { mediaWikiSha1 } from './sha1.ts';
import { fenced } from './stash.ts';

// `civilmedia import mediawiki FILE`: reads the export as a stream and
// writes each revision through the wiki's importRevision, a page at a
// time (and every BATCH revisions within a long history), each batch in
// its own transaction. Every revision has a key of the wiki and its
// revision id (and the space it went into), so importing the same file
// again adds nothing.

const BATCH = 100;

/** Namespaces whose pages are code, kept as written: MediaWiki, Template, Module. */
const CODE_NAMESPACES = new Set([8, 10, 828]);

export interface MediaWikiImportOptions {
  /** The space to import into: 'site' (default) or a group's slug. */
  space?: string;
  /** The text of a "wiki username,e-mail" mapping file. */
  authors?: string;
}

/** Imports an export file from disk. */
export async function importMediaWikiFile(
  db: Kysely<Database>,
  file: string,
  options: { space?: string; authorsFile?: string } = {},
): Promise<MediaWikiReport> {
  // The same one-line refusal as the other importers, not a stack trace.
  for (const [field, path] of [
    ['file', file],
    ['authors', options.authorsFile],
  ] as const) {
    if (path !== undefined) {
      requireFile(field, path);
    }
  }
  const authors = options.authorsFile
    ? await readFile(options.authorsFile, 'utf8')
    : undefined;
  return importMediaWiki(db, createReadStream(file), file, {
    space: options.space,
    authors,
  });
}

/** Imports an export from any byte stream; `name` is for the report. */
export async function importMediaWiki(
  db: Kysely<Database>,
  bytes: AsyncIterable<Uint8Array>,
  name: string,
  options: MediaWikiImportOptions = {},
): Promise<MediaWikiReport> {
  const started = performance.now();
  const spaceKey = options.space ?? SITE_SPACE;
  // The first event is read before the space is made: a file that is not
  // an export at all is refused with nothing written.
  const events = readExport(bytes);
  let next = await events.next();
  const run = new ImportRun(
    db,
    await ensureSpace(db, spaceKey),
    emptyMediaWikiReport(name, spaceKey),
    new AuthorResolver(readAuthorMapping(options.authors ?? '')),
  );
  for (; !next.done; next = await events.next()) {
    const event = next.value;
    if (event.kind === 'siteinfo') {
      run.useSite(event.site);
    } else if (event.kind === 'revision') {
      await run.revision(event.page, event.revision);
    } else if (event.kind === 'pageEnd') {
      await run.endPage(event.page, event.complete);
    } else {
      run.damage(event.page, event.line, event.reason);
    }
  }
  return run.finish(performance.now() - started);
}

interface OpenPage {
  header: PageHeader;
  outcome: PageOutcome;
  nsKey: number;
  verbatim: boolean;
  added: number;
  lastRedirect?: string;
}

class ImportRun {
  private namespaces = new NamespaceMap([]);
  private siteKey = 'unnamed';
  private page?: OpenPage;
  private batch: ImportedRevision[] = [];
  /** Damage met before the page's first good revision opened it. */
  private readonly damagedBeforeOpen = new WeakMap<PageHeader, string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly space: SpaceRow,
    private readonly report: MediaWikiReport,
    private readonly authors: AuthorResolver,
  ) {}

  useSite(site: SiteInfo): void {
    this.namespaces = new NamespaceMap(site.namespaces);
    this.report.site = site.dbName || site.siteName;
    this.siteKey = site.dbName || site.base || site.siteName || 'unnamed';
  }

  async revision(header: PageHeader, revision: Revision): Promise<void> {
    const page =
      this.page?.header === header ? this.page : await this.open(header);
    const report = this.report;
    page.outcome.revisions += 1;
    report.revisionsRead += 1;
    this.namespaceCounts(page.outcome.namespace).revisions += 1;
    report.minorEdits += revision.minor ? 1 : 0;
    const sha1 = mediaWikiSha1(revision.text);
    if (revision.sha1 !== undefined && revision.sha1 !== sha1) {
      report.sha1Mismatches += 1;
    }
    if (page.outcome.title === undefined) {
      return;
    }
    const where = `${page.outcome.source}, revision ${revision.id ?? '?'}`;
    const time = Date.parse(revision.timestamp);
    if (Number.isNaN(time)) {
      this.skip(where, 'the revision has no readable time');
      return;
    }
    const converted = this.convert(page, revision);
    if (Buffer.byteLength(converted.body, 'utf8') > MAX_BODY_BYTES) {
      this.skip(where, 'the text is larger than 1 MB, the most a page holds');
      return;
    }
    page.lastRedirect = converted.redirectTo;
    const author = await this.authors.resolve(this.db, revision.contributor);
    const pageKey = page.header.id ?? page.outcome.source;
    this.batch.push({
      space: this.space,
      title: page.outcome.title,
      body: converted.body,
      summary: revision.comment,
      authorId: author.personId,
      authorName: author.name,
      createdAt: new Date(time).toISOString(),
      importKey:
        `mediawiki:${this.space.key}:${this.siteKey}:${pageKey}:` +
        (revision.id !== undefined
          ? `${revision.id}`
          : `${sha1}@${revision.timestamp}`),
      redirectTo: converted.redirectTo ?? null,
      tags: converted.tags,
      minor: revision.minor === true,
    });
    if (this.batch.length >= BATCH) {
      await this.flush();
    }
  }

  async endPage(header: PageHeader, complete: boolean): Promise<void> {
    const page =
      this.page?.header === header ? this.page : await this.open(header);
    await this.flush();
    const { outcome } = page;
    if (page.lastRedirect !== undefined) {
      this.report.redirects += 1;
    }
    const damage = this.damagedBeforeOpen.get(header);
    if (damage !== undefined && outcome.outcome === 'imported') {
      outcome.outcome = outcome.revisions === 0 ? 'skipped' : 'partly imported';
      outcome.reason = damage;
    }
    if (page.added === 0 && outcome.outcome === 'imported') {
      outcome.outcome = 'unchanged';
    }
    if (!complete && outcome.outcome !== 'skipped') {
      outcome.outcome = 'partly imported';
      outcome.reason ??= 'the file ends inside this page';
    }
    this.page = undefined;
  }

  damage(header: PageHeader | undefined, line: number, reason: string): void {
    const where = header?.title ?? `line ${line}`;
    this.skip(where, reason);
    if (this.page && header === this.page.header) {
      this.page.outcome.outcome = 'partly imported';
      this.page.outcome.reason = reason;
    } else if (header && !this.damagedBeforeOpen.has(header)) {
      this.damagedBeforeOpen.set(header, reason);
    }
  }

  finish(milliseconds: number): MediaWikiReport {
    const report = this.report;
    report.milliseconds = milliseconds;
    report.revisionsPerSecond =
      milliseconds > 0 ? (report.revisionsAdded * 1000) / milliseconds : 0;
    report.authors = {
      matched: [...this.authors.matched].sort(),
      unmatched: this.authors.unmatched.size,
    };
    return report;
  }

  private async open(header: PageHeader): Promise<OpenPage> {
    const placed =
      header.title === undefined
        ? undefined
        : this.namespaces.placePage(header.title, header.ns);
    const nsKey = header.ns ?? 0;
    const outcome: PageOutcome = {
      source: header.title ?? `(no title, line ${header.line})`,
      namespace: placed?.namespace ?? this.namespaces.label(nsKey),
      outcome: 'imported',
      revisions: 0,
    };
    this.report.pages.push(outcome);
    this.report.pagesRead += 1;
    this.namespaceCounts(outcome.namespace).pages += 1;
    const page: OpenPage = {
      header,
      outcome,
      nsKey,
      verbatim: CODE_NAMESPACES.has(nsKey),
      added: 0,
    };
    this.page = page;
    if (!placed) {
      this.refusePage(page, 'the page has no title');
      return page;
    }
    try {
      outcome.title = await this.freeTitle(
        normalizeTitle(placed.title),
        header,
      );
    } catch (error) {
      this.refusePage(
        page,
        `the title cannot be ours: ${(error as Error).message}`,
      );
    }
    if (outcome.title && outcome.title !== normalizeTitle(placed.title)) {
      outcome.reason = `${placed.title} is taken by another page (titles ignore case)`;
    }
    return page;
  }

  private refusePage(page: OpenPage, reason: string): void {
    page.outcome.outcome = 'skipped';
    page.outcome.reason = reason;
    this.skip(page.outcome.source, reason);
  }

  /**
   * The title itself, or "Title (2)" when another page holds it: our
   * titles ignore case and MediaWiki's do not (Katōļu Dzeive and Katōļu
   * dzeive are two pages there). A page holds a title for this import
   * when its revisions came from the same page of the same wiki.
   */
  private async freeTitle(title: string, header: PageHeader): Promise<string> {
    const mine = `mediawiki:${this.space.key}:${this.siteKey}:${header.id ?? header.title}:`;
    for (let n = 1; n < 100; n += 1) {
      const candidate = n === 1 ? title : normalizeTitle(`${title} (${n})`);
      const holder = await this.db
        .selectFrom('wiki_pages as p')
        .innerJoin('wiki_revisions as r', 'r.page_id', 'p.id')
        .select('r.import_key')
        .where('p.space_id', '=', this.space.id)
        .where('p.title_key', '=', keyOfNormalized(candidate))
        .orderBy('r.number')
        .limit(1)
        .executeTakeFirst();
      const taken = this.batch.some(
        (revision) =>
          keyOfNormalized(revision.title) === keyOfNormalized(candidate),
      );
      if (!holder && !taken) {
        return candidate;
      }
      if (holder?.import_key?.startsWith(mine)) {
        return candidate;
      }
    }
    throw new Error('no free title');
  }

  private convert(
    page: OpenPage,
    revision: Revision,
  ): { body: string; redirectTo?: string; tags: string[] } {
    const model = revision.model ?? 'wikitext';
    const title = page.outcome.title ?? '';
    const redirect = /^\s*#REDIRECT\s*:?\s*\[\[/i.test(revision.text);
    if (!redirect && (page.verbatim || model !== 'wikitext')) {
      this.report.pagesKeptVerbatim += page.outcome.revisions === 1 ? 1 : 0;
      const language =
        { Scribunto: 'lua', css: 'css', javascript: 'javascript' }[model] ??
        'wikitext';
      return { body: fenced(revision.text, language), tags: [] };
    }
    const converted = convertWikitext(revision.text, {
      namespaces: this.namespaces,
      pageTitle: title,
    });
    for (const [construct, counts] of Object.entries(converted.counts)) {
      const total = (this.report.constructs[construct] ??= {
        converted: 0,
        verbatim: 0,
      });
      total.converted += counts.converted;
      total.verbatim += counts.verbatim;
    }
    let redirectTo = converted.redirectTo;
    if (redirectTo !== undefined) {
      try {
        redirectTo = normalizeTitle(redirectTo);
      } catch {
        redirectTo = undefined;
      }
    }
    return {
      body: converted.markdown || '(empty)',
      ...(redirectTo !== undefined ? { redirectTo } : {}),
      tags: converted.tags,
    };
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    if (batch.length === 0) {
      return;
    }
    this.batch = [];
    const added = await this.db.transaction().execute(async (trx) => {
      const created: string[] = [];
      for (const revision of batch) {
        const outcome = await importRevision(trx, revision);
        if (outcome.created) {
          created.push(revision.title);
        }
      }
      return created;
    });
    this.report.revisionsAdded += added.length;
    if (this.page) {
      this.page.added += added.length;
      this.namespaceCounts(this.page.outcome.namespace).added += added.length;
    }
  }

  private namespaceCounts(label: string) {
    return (this.report.namespaces[label] ??= {
      pages: 0,
      revisions: 0,
      added: 0,
    });
  }

  private skip(where: string, reason: string): void {
    this.report.skipped.push({ where, reason });
  }
}
