import sax from 'sax';
import { ValidationError } from '../../../platform/errors.ts';
import { decodeStream } from './encoding.ts';

// Reads a MediaWiki Special:Export file (schema 0.3 to 0.11) as a stream
// of events: the site information once, then each page's revisions one
// by one. Only the revision being read is held in memory, so a dump of
// any size reads in flat memory. Elements are matched by local name, not
// by namespace URI: some exporters wrote the URI with https://.

/** One namespace as the exporting wiki declared it. */
export interface SiteNamespace {
  key: number;
  /** `first-letter` or `case-sensitive`; empty when not given (0.3). */
  case: string;
  /** The local name, empty for the main namespace. */
  name: string;
}

/** The `<siteinfo>` block. */
export interface SiteInfo {
  siteName: string;
  dbName: string;
  base: string;
  generator: string;
  namespaces: SiteNamespace[];
}

/** A page as far as its elements before the first revision tell. */
export interface PageHeader {
  title?: string;
  /** Absent in schema 0.3, where the title's prefix names it. */
  ns?: number;
  id?: number;
  /** `<redirect title="…"/>`; an empty string when it has no title. */
  redirect?: string;
  /** The line the page starts on, for the report. */
  line: number;
}

/** Who made a revision: a user, an IP address, or hidden. */
export interface Contributor {
  username?: string;
  id?: number;
  ip?: string;
  deleted: boolean;
}

/** One `<revision>`. */
export interface Revision {
  id?: number;
  parentId?: number;
  timestamp: string;
  contributor: Contributor;
  comment: string;
  minor: boolean;
  text: string;
  textDeleted: boolean;
  /** The stored base-36 SHA-1 of the text, when the file has one. */
  sha1?: string;
  model?: string;
  format?: string;
}

/** What the reader reports, in file order. */
export type ExportEvent =
  | { kind: 'siteinfo'; site: SiteInfo }
  | { kind: 'revision'; page: PageHeader; revision: Revision }
  | { kind: 'pageEnd'; page: PageHeader; complete: boolean }
  | { kind: 'damage'; page?: PageHeader; line: number; reason: string };

interface OpenRevision {
  fields: Map<string, string>;
  contributor: Contributor;
  minor: boolean;
  textDeleted: boolean;
  textSha1?: string;
  damage?: string;
}

/** Text-bearing elements whose content the reader keeps, by parent. */
const KEPT = new Set([
  'siteinfo/sitename',
  'siteinfo/dbname',
  'siteinfo/base',
  'siteinfo/generator',
  'namespaces/namespace',
  'page/title',
  'page/ns',
  'page/id',
  'revision/id',
  'revision/parentid',
  'revision/timestamp',
  'revision/comment',
  'revision/text',
  'revision/sha1',
  'revision/model',
  'revision/format',
  'contributor/username',
  'contributor/id',
  'contributor/ip',
]);

/**
 * Reads an export's bytes, in any chunking, into events. Damage (bad XML,
 * a file cut short) becomes `damage` events and the reading goes on: a
 * revision touched by damage is reported instead of returned.
 */
export async function* readExport(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<ExportEvent> {
  const reader = new ExportReader();
  for await (const text of decodeStream(bytes)) {
    reader.write(text);
    yield* reader.take();
  }
  reader.end();
  yield* reader.take();
}

class ExportReader {
  private readonly parser = sax.parser(true, { trim: false });
  private readonly stack: string[] = [];
  private readonly events: ExportEvent[] = [];
  private text: string[] = [];
  private site?: SiteInfo;
  private namespace?: SiteNamespace;
  private page?: PageHeader;
  private revision?: OpenRevision;
  /** Whether the root element, <mediawiki>, has opened. */
  private begun = false;

  constructor() {
    const parser = this.parser;
    parser.onopentag = (node) => this.open(node as sax.Tag);
    parser.onclosetag = (name) => this.close(localName(name));
    parser.ontext = (text) => this.text.push(text);
    parser.oncdata = (text) => this.text.push(text);
    parser.onerror = (error) => {
      if (!this.begun) {
        // Damage before the first element is not a damaged export but
        // another kind of file (CSV, LDIF, plain text).
        refuse('it does not begin with an XML element');
      }
      this.damage(error.message.split('\n')[0] ?? 'bad XML');
      // sax stops at an error until told to go on; it then resyncs on
      // the next tag, keeping its open and close events balanced.
      parser.error = null as unknown as Error;
    };
  }

  write(text: string): void {
    this.parser.write(text);
  }

  end(): void {
    if (!this.begun) {
      refuse('it holds no XML element');
    }
    const { page, revision } = this;
    this.revision = undefined;
    this.page = undefined;
    this.parser.close();
    if (page) {
      if (revision) {
        this.events.push({
          kind: 'damage',
          page,
          line: this.parser.line + 1,
          reason: 'the file ends inside a revision',
        });
      }
      this.events.push({ kind: 'pageEnd', page, complete: false });
    }
  }

  take(): ExportEvent[] {
    return this.events.splice(0);
  }

  private damage(reason: string): void {
    const line = this.parser.line + 1;
    if (this.revision) {
      this.revision.damage ??= `line ${line}: ${reason}`;
      return;
    }
    this.events.push({ kind: 'damage', page: this.page, line, reason });
  }

  private open(node: sax.Tag): void {
    const name = localName(node.name);
    if (!this.begun) {
      // A WordPress export or an RSS feed would otherwise import as
      // nothing at all and look like success.
      if (name !== 'mediawiki') {
        refuse(`it starts with <${name}>, not <mediawiki>`);
      }
      this.begun = true;
    }
    const parent = this.stack.at(-1) ?? '';
    this.stack.push(name);
    this.text = [];
    const attribute = (key: string) => {
      const value = node.attributes[key];
      return typeof value === 'string' ? value : undefined;
    };
    if (name === 'siteinfo') {
      this.site = {
        siteName: '',
        dbName: '',
        base: '',
        generator: '',
        namespaces: [],
      };
    } else if (name === 'namespace' && parent === 'namespaces') {
      this.namespace = {
        key: Number(attribute('key')),
        case: attribute('case') ?? '',
        name: '',
      };
    } else if (name === 'page') {
      this.page = { line: this.parser.line + 1 };
    } else if (name === 'redirect' && parent === 'page' && this.page) {
      this.page.redirect = attribute('title') ?? '';
    } else if (name === 'revision' && parent === 'page') {
      this.revision = {
        fields: new Map(),
        contributor: { deleted: false },
        minor: false,
        textDeleted: false,
      };
    } else if (this.revision && parent === 'revision') {
      if (name === 'minor') {
        this.revision.minor = true;
      } else if (name === 'contributor') {
        this.revision.contributor.deleted = attribute('deleted') !== undefined;
      } else if (name === 'text') {
        this.revision.textDeleted = attribute('deleted') !== undefined;
        this.revision.textSha1 = attribute('sha1');
      }
    }
  }

  private close(name: string): void {
    this.stack.pop();
    const parent = this.stack.at(-1) ?? '';
    const where = `${parent}/${name}`;
    const value = KEPT.has(where) ? this.text.join('') : '';
    this.text = [];
    if (where === 'mediawiki/siteinfo' && this.site) {
      this.events.push({ kind: 'siteinfo', site: this.site });
    } else if (this.site && parent === 'siteinfo') {
      this.keepSiteField(name, value);
    } else if (where === 'namespaces/namespace' && this.namespace) {
      this.namespace.name = value;
      this.site?.namespaces.push(this.namespace);
      this.namespace = undefined;
    } else if (where === 'page/revision') {
      this.endRevision();
    } else if (name === 'page' && this.page) {
      this.events.push({ kind: 'pageEnd', page: this.page, complete: true });
      this.page = undefined;
    } else if (this.revision && KEPT.has(where)) {
      const key = parent === 'contributor' ? `contributor/${name}` : name;
      this.revision.fields.set(key, value);
    } else if (this.page && parent === 'page') {
      this.keepPageField(name, value);
    }
  }

  private keepSiteField(name: string, value: string): void {
    const site = this.site;
    if (!site) {
      return;
    }
    if (name === 'sitename') {
      site.siteName = value.trim();
    } else if (name === 'dbname') {
      site.dbName = value.trim();
    } else if (name === 'base') {
      site.base = value.trim();
    } else if (name === 'generator') {
      site.generator = value.trim();
    }
  }

  private keepPageField(name: string, value: string): void {
    const page = this.page;
    if (!page) {
      return;
    }
    if (name === 'title') {
      // sax hands out text as slices of the chunk it reads, and the
      // report keeps every title: a slice would keep the whole chunk.
      const title = ownCopy(value.trim());
      page.title = title === '' ? undefined : title;
    } else if (name === 'ns') {
      page.ns = wholeNumber(value);
    } else if (name === 'id') {
      page.id = wholeNumber(value);
    }
  }

  private endRevision(): void {
    const open = this.revision;
    this.revision = undefined;
    if (!open || !this.page) {
      return;
    }
    if (open.damage) {
      this.events.push({
        kind: 'damage',
        page: this.page,
        line: this.parser.line + 1,
        reason: `a revision was skipped: ${open.damage}`,
      });
      return;
    }
    const field = (key: string) => open.fields.get(key);
    const username = field('contributor/username');
    const ip = field('contributor/ip');
    this.events.push({
      kind: 'revision',
      page: this.page,
      revision: {
        id: wholeNumber(field('id')),
        parentId: wholeNumber(field('parentid')),
        timestamp: (field('timestamp') ?? '').trim(),
        contributor: {
          ...(username !== undefined ? { username: username.trim() } : {}),
          ...(ip !== undefined ? { ip: ip.trim() } : {}),
          id: wholeNumber(field('contributor/id')),
          deleted: open.contributor.deleted,
        },
        comment: field('comment') ?? '',
        minor: open.minor,
        text: field('text') ?? '',
        textDeleted: open.textDeleted,
        sha1: field('sha1')?.trim() || open.textSha1,
        model: field('model')?.trim(),
        format: field('format')?.trim(),
      },
    });
  }
}

/** The string in memory of its own, not a view into a larger one. */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Refuses a file that is not a MediaWiki export at all. */
function refuse(why: string): never {
  const message = `This is not a MediaWiki export: ${why}`;
  throw new ValidationError({ file: message }, message);
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*-?\d+\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}
