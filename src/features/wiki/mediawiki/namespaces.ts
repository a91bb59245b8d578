import type { SiteNamespace } from './reader.ts';

// Where a MediaWiki title lands in our wiki. Our titles have no
// namespaces, only a hierarchy by "/", so each known namespace becomes a
// top-level folder (Template:Place → Template/Place) and a talk page
// becomes the "Talk" subpage of the page it discusses (Talk:Main Page →
// Main Page/Talk; User talk:Ann → User/Ann/Talk): one click from the
// article in the page tree, found by the same search. Namespaces we do
// not know (an extension's, BUG-21) keep their prefix as part of the
// title, so their pages can be opened, listed and searched like any other.

/** Our folder for each namespace MediaWiki numbers the same everywhere. */
const FOLDERS = new Map<number, string>([
  [0, ''],
  [2, 'User'],
  [4, 'Project'],
  [6, 'File'],
  [8, 'MediaWiki'],
  [10, 'Template'],
  [12, 'Help'],
  [14, 'Category'],
  [828, 'Module'],
]);

/** English canonical names, which every wiki accepts beside local ones. */
const CANONICAL: [string, number][] = [
  ['media', -2],
  ['special', -1],
  ['talk', 1],
  ['user', 2],
  ['user talk', 3],
  ['project', 4],
  ['project talk', 5],
  ['file', 6],
  ['image', 6],
  ['file talk', 7],
  ['image talk', 7],
  ['mediawiki', 8],
  ['mediawiki talk', 9],
  ['template', 10],
  ['template talk', 11],
  ['help', 12],
  ['help talk', 13],
  ['category', 14],
  ['category talk', 15],
  ['module', 828],
  ['module talk', 829],
];

export const TALK_SUFFIX = 'Talk';

/** A page's place in our wiki and the namespace the report counts it in. */
export interface PlacedPage {
  title: string;
  namespace: string;
  /** False for a namespace we do not know: the title keeps its prefix. */
  known: boolean;
}

/** What a link target names: a page, a file, or a category (a tag). */
export type LinkTarget =
  | { kind: 'page'; title: string }
  | { kind: 'file'; title: string; name: string }
  | { kind: 'category'; name: string };

/** The namespaces of one export, and how their titles map to ours. */
export class NamespaceMap {
  private readonly byName = new Map<string, number>();
  private readonly names = new Map<number, string>();

  constructor(namespaces: SiteNamespace[]) {
    for (const [name, key] of CANONICAL) {
      this.byName.set(name, key);
    }
    for (const namespace of namespaces) {
      this.names.set(namespace.key, namespace.name);
      if (namespace.name !== '') {
        this.byName.set(fold(namespace.name), namespace.key);
      }
    }
  }

  /** The report's name for a namespace: "Template (Taiss)", "90 (Thread)". */
  label(key: number): string {
    const local = this.names.get(key) ?? '';
    const ours = key === 0 ? 'main' : FOLDERS.get(key);
    const talkOf = FOLDERS.get(key - 1);
    const name =
      ours ??
      (key % 2 === 1 && talkOf !== undefined
        ? `${talkOf || 'main'} talk`
        : undefined);
    if (name === undefined) {
      return local ? `${key} (${local})` : String(key);
    }
    return local && fold(local) !== fold(name) ? `${name} (${local})` : name;
  }

  /**
   * Places a page. `ns` is the page's `<ns>`; without one (schema 0.3)
   * the title's prefix decides. A title in the main namespace keeps any
   * colon it has (`Unknownprefix:Notes`, `Store:Bakery`).
   */
  placePage(title: string, ns: number | undefined): PlacedPage {
    const split = this.split(title);
    const key = ns ?? split.key ?? 0;
    const rest = key !== 0 && split.key === key ? split.rest : title;
    const folder = this.folderTitle(key, rest);
    if (folder === undefined || (key !== 0 && split.key !== key)) {
      return { title, namespace: this.label(key), known: false };
    }
    return { title: folder, namespace: this.label(key), known: true };
  }

  /** Resolves a link's target as written in wikitext. */
  resolveLink(target: string): LinkTarget {
    const leadingColon = target.startsWith(':');
    const written = (leadingColon ? target.slice(1) : target).trim();
    const { key, rest } = this.split(written);
    if (key === 14 && !leadingColon) {
      return { kind: 'category', name: rest };
    }
    if (key === 6 || key === -2) {
      return { kind: 'file', title: `File/${rest}`, name: rest };
    }
    const title = key === undefined ? undefined : this.folderTitle(key, rest);
    return { kind: 'page', title: title ?? written };
  }

  private folderTitle(key: number, rest: string): string | undefined {
    const folder = FOLDERS.get(key);
    if (folder !== undefined) {
      return folder ? `${folder}/${rest}` : rest;
    }
    const subject = FOLDERS.get(key - 1);
    if (key % 2 === 1 && subject !== undefined) {
      const page = subject ? `${subject}/${rest}` : rest;
      return `${page}/${TALK_SUFFIX}`;
    }
    return undefined;
  }

  private split(title: string): { key?: number; rest: string } {
    const colon = title.indexOf(':');
    if (colon <= 0) {
      return { rest: title };
    }
    const key = this.byName.get(fold(title.slice(0, colon)));
    if (key === undefined) {
      return { rest: title };
    }
    return { key, rest: title.slice(colon + 1).trim() };
  }
}

function fold(name: string): string {
  return name.replace(/_/g, ' ').trim().toLowerCase();
}
