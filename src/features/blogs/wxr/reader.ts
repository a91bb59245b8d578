import sax from 'sax';
import { namespaceFamily, ownCopy, wholeNumber } from './names.ts';

// Reads a WordPress eXtended RSS file (WXR 1.0 to 1.2) as a stream of
// events: the channel (site, authors) once, then each item whole with its
// categories and comments. Only the item being read is held in memory.
// Elements are matched by namespace family, not by exact URI: WordPress
// wrote 1.0, 1.1 and 1.2 URIs, and WordPress.com writes them with https.

/** An author the export lists (`wp:author`, WXR 1.1 and later). */
export interface WxrAuthor {
  login: string;
  email: string;
  displayName: string;
}

/** What the channel says before its first item. */
export interface WxrChannel {
  title: string;
  link: string;
  baseSiteUrl: string;
  baseBlogUrl: string;
  version: string;
  authors: WxrAuthor[];
}

/** A `<category>` of an item: a category, tag, post format or other term. */
export interface WxrTerm {
  /** `category`, `post_tag`, the legacy `tag`, or empty when not given. */
  domain: string;
  name: string;
}

export interface WxrComment {
  id?: number;
  parent?: number;
  author: string;
  authorEmail: string;
  /** Non-zero when a registered user of the WordPress site wrote it. */
  userId?: number;
  date: string;
  dateGmt: string;
  content: string;
  /** `1`, `0`, `spam`, `trash`, … as written. */
  approved: string;
  /** Empty or `comment` for comments; `pingback`, `trackback`. */
  type: string;
}

/** One `<item>`: a post, page, attachment, menu item or other type. */
export interface WxrItem {
  line: number;
  id?: number;
  type: string;
  status: string;
  /** WordPress's `guid`: often only `?p=ID`, so not unique across sites. */
  guid: string;
  title: string;
  creator: string;
  content: string;
  excerpt: string;
  postName: string;
  parent?: number;
  date: string;
  dateGmt: string;
  password: string;
  attachmentUrl: string;
  terms: WxrTerm[];
  comments: WxrComment[];
}

export type WxrEvent =
  | { kind: 'channel'; channel: WxrChannel }
  | { kind: 'item'; item: WxrItem }
  | { kind: 'damage'; line: number; reason: string; item?: ItemLabel };

/** Enough of a damaged item to name it in the report. */
export interface ItemLabel {
  id?: number;
  type: string;
  title: string;
}

interface OpenItem {
  line: number;
  fields: Map<string, string>;
  terms: WxrTerm[];
  comments: WxrComment[];
  comment?: Map<string, string>;
  termDomain?: string;
  damage?: string;
}

/**
 * Reads a file's bytes, in any chunking, into events. Damage (bad XML, a
 * file cut short) becomes a `damage` event and reading goes on: an item
 * touched by damage is reported instead of returned.
 */
export async function* readWxr(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<WxrEvent> {
  const reader = new WxrReader();
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    reader.write(decoder.decode(chunk, { stream: true }));
    yield* reader.take();
  }
  reader.write(decoder.decode());
  reader.end();
  yield* reader.take();
}

class WxrReader {
  private readonly parser = sax.parser(true, { trim: false });
  private readonly stack: string[] = [];
  private readonly prefixes = new Map<string, string>();
  private readonly events: WxrEvent[] = [];
  private text: string[] = [];
  private cdata = false;
  private channel?: WxrChannel & { sent: boolean };
  private author?: Map<string, string>;
  private item?: OpenItem;

  constructor() {
    const parser = this.parser;
    parser.onopentag = (node) => this.open(node as sax.Tag);
    parser.onclosetag = (name) => this.close(this.nameOf(name));
    parser.ontext = (text) => this.text.push(text);
    parser.oncdata = (text) => {
      this.cdata = true;
      this.text.push(text);
    };
    parser.onerror = (error) => {
      this.damage(error.message.split('\n')[0] ?? 'bad XML');
      // sax waits after an error until told to go on; it then carries on
      // at the next tag with its open and close events still balanced.
      parser.error = null as unknown as Error;
    };
  }

  write(text: string): void {
    this.parser.write(text);
  }

  end(): void {
    const item = this.item;
    this.item = undefined;
    this.parser.close();
    if (item) {
      this.events.push({
        kind: 'damage',
        line: this.parser.line + 1,
        reason: 'the file ends inside this item',
        item: labelOf(item),
      });
    }
    this.sendChannel();
  }

  take(): WxrEvent[] {
    return this.events.splice(0);
  }

  private damage(reason: string): void {
    const line = this.parser.line + 1;
    if (this.item) {
      this.item.damage ??= `line ${line}: ${reason}`;
      return;
    }
    this.events.push({ kind: 'damage', line, reason });
  }

  /** `wp:post_type` as `wp:post_type` whatever prefix the file chose. */
  private nameOf(raw: string): string {
    const colon = raw.indexOf(':');
    if (colon === -1) {
      return raw;
    }
    const prefix = raw.slice(0, colon);
    const family = namespaceFamily(this.prefixes.get(prefix), prefix);
    return `${family}:${raw.slice(colon + 1)}`;
  }

  private open(node: sax.Tag): void {
    for (const [key, value] of Object.entries(node.attributes)) {
      if (key.startsWith('xmlns:') && typeof value === 'string') {
        this.prefixes.set(key.slice(6), value);
      }
    }
    const name = this.nameOf(node.name);
    const parent = this.stack.at(-1) ?? '';
    this.stack.push(name);
    this.text = [];
    this.cdata = false;
    if (name === 'channel') {
      this.channel = {
        title: '',
        link: '',
        baseSiteUrl: '',
        baseBlogUrl: '',
        version: '',
        authors: [],
        sent: false,
      };
    } else if (name === 'wp:author' && parent === 'channel') {
      this.author = new Map();
    } else if (name === 'item' && parent === 'channel') {
      this.sendChannel();
      this.item = {
        line: this.parser.line + 1,
        fields: new Map(),
        terms: [],
        comments: [],
      };
    } else if (this.item && name === 'wp:comment' && parent === 'item') {
      this.item.comment = new Map();
    } else if (this.item && name === 'category' && parent === 'item') {
      const domain = node.attributes.domain;
      this.item.termDomain = typeof domain === 'string' ? domain : '';
    }
  }

  private close(name: string): void {
    this.stack.pop();
    const parent = this.stack.at(-1) ?? '';
    const value = this.value();
    const item = this.item;
    if (name === 'item' && item) {
      this.item = undefined;
      this.endItem(item);
    } else if (item?.comment && name === 'wp:comment') {
      item.comments.push(toComment(item.comment));
      item.comment = undefined;
    } else if (item?.comment && parent === 'wp:comment') {
      item.comment.set(name, value);
    } else if (item && name === 'category' && parent === 'item') {
      const term = { domain: item.termDomain ?? '', name: ownCopy(value) };
      item.terms.push(term);
    } else if (item && parent === 'item') {
      item.fields.set(name, value);
    } else if (this.author && name === 'wp:author') {
      this.channel?.authors.push(toAuthor(this.author));
      this.author = undefined;
    } else if (this.author && parent === 'wp:author') {
      this.author.set(name, ownCopy(value.trim()));
    } else if (this.channel && parent === 'channel') {
      this.keepChannelField(name, value.trim());
    }
  }

  /**
   * The element's text. Where it holds CDATA, text outside the sections
   * is only the file's indentation (BUG-19), so it is left out; split
   * sections (`]]]]><![CDATA[>`) join up into `]]>` as XML says.
   */
  private value(): string {
    const pieces = this.text;
    this.text = [];
    if (this.cdata) {
      this.cdata = false;
      return pieces.filter((piece) => piece.trim() !== '').join('');
    }
    return pieces.join('');
  }

  private keepChannelField(name: string, value: string): void {
    const channel = this.channel;
    if (!channel) {
      return;
    }
    const owned = ownCopy(value);
    if (name === 'title') {
      channel.title = owned;
    } else if (name === 'link') {
      channel.link = owned;
    } else if (name === 'wp:base_site_url') {
      channel.baseSiteUrl = owned;
    } else if (name === 'wp:base_blog_url') {
      channel.baseBlogUrl = owned;
    } else if (name === 'wp:wxr_version') {
      channel.version = owned;
    }
  }

  private sendChannel(): void {
    const channel = this.channel;
    if (channel && !channel.sent) {
      channel.sent = true;
      const { sent: _sent, ...fields } = channel;
      this.events.push({ kind: 'channel', channel: fields });
    }
  }

  private endItem(open: OpenItem): void {
    if (open.damage) {
      this.events.push({
        kind: 'damage',
        line: open.line,
        reason: `the item is damaged: ${open.damage}`,
        item: labelOf(open),
      });
      return;
    }
    const field = (key: string) => open.fields.get(key) ?? '';
    this.events.push({
      kind: 'item',
      item: {
        line: open.line,
        id: wholeNumber(field('wp:post_id')),
        type: field('wp:post_type').trim(),
        status: field('wp:status').trim(),
        guid: ownCopy(field('guid').trim()),
        title: ownCopy(field('title').trim()),
        creator: ownCopy(field('dc:creator').trim()),
        content: field('content:encoded'),
        excerpt: field('excerpt:encoded'),
        postName: field('wp:post_name').trim(),
        parent: wholeNumber(field('wp:post_parent')),
        date: field('wp:post_date').trim(),
        dateGmt: field('wp:post_date_gmt').trim(),
        password: field('wp:post_password'),
        attachmentUrl: ownCopy(field('wp:attachment_url').trim()),
        terms: open.terms,
        comments: open.comments,
      },
    });
  }
}

function toAuthor(fields: Map<string, string>): WxrAuthor {
  const login = fields.get('wp:author_login') ?? '';
  return {
    login,
    email: fields.get('wp:author_email') ?? '',
    displayName: fields.get('wp:author_display_name') || login,
  };
}

function toComment(fields: Map<string, string>): WxrComment {
  const field = (key: string) => fields.get(`wp:comment_${key}`) ?? '';
  return {
    id: wholeNumber(field('id')),
    parent: wholeNumber(field('parent')),
    author: field('author').trim(),
    authorEmail: field('author_email').trim(),
    userId: wholeNumber(field('user_id')),
    date: field('date').trim(),
    dateGmt: field('date_gmt').trim(),
    content: field('content'),
    approved: field('approved').trim(),
    type: field('type').trim(),
  };
}

function labelOf(open: OpenItem): ItemLabel {
  return {
    id: wholeNumber(open.fields.get('wp:post_id')),
    type: open.fields.get('wp:post_type')?.trim() || 'item',
    title: ownCopy(open.fields.get('title')?.trim() ?? ''),
  };
}
