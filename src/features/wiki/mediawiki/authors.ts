import type { Db } from '../../../database.ts';
import { findAccountByEmail } from '../../people/accounts.ts';
import type { Contributor } from './reader.ts';

// Who wrote a revision, in our terms. An optional mapping file pairs wiki
// usernames with e-mail addresses ("wiki username,e-mail" per line); a
// pair whose address belongs to someone here credits that person. Anyone
// else stays a named former contributor, and an IP editor is
// "anonymous (IP)". Usernames lose the "imported>" prefix MediaWiki adds
// to edits carried over from another wiki: it is the same person.

/** The author of one revision as it is stored. */
export interface RevisionAuthor {
  personId: number | null;
  name: string;
}

/** Reads "username,e-mail" lines; a header line and blank lines are skipped. */
export function readAuthorMapping(csv: string): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const line of csv.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const cells = splitCsvLine(line);
    const username = cells[0]?.trim() ?? '';
    const email = cells[1]?.trim() ?? '';
    if (username === '' || !email.includes('@')) {
      continue;
    }
    mapping.set(usernameKey(username), email);
  }
  return mapping;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < line.length; at += 1) {
    const char = line[at];
    if (quoted && char === '"' && line[at + 1] === '"') {
      cell += '"';
      at += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells;
}

/** A username as wikis compare them: first letter upper, _ as space. */
function usernameKey(username: string): string {
  const name = withoutImportPrefix(username).replace(/_/g, ' ').trim();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function withoutImportPrefix(username: string): string {
  return username.replace(/^[^>]*>/, '');
}

/** Resolves contributors to people, asking the database once per name. */
export class AuthorResolver {
  private readonly known = new Map<string, RevisionAuthor>();
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();

  constructor(private readonly mapping = new Map<string, string>()) {}

  async resolve(db: Db, contributor: Contributor): Promise<RevisionAuthor> {
    if (contributor.username === undefined || contributor.username === '') {
      const name = contributor.ip
        ? `anonymous (${contributor.ip})`
        : 'unknown (hidden)';
      return { personId: null, name };
    }
    const key = usernameKey(contributor.username);
    const cached = this.known.get(key);
    if (cached) {
      return cached;
    }
    const email = this.mapping.get(key);
    const account = email ? await findAccountByEmail(db, email) : undefined;
    const author = account
      ? { personId: account.id, name: account.displayName }
      : { personId: null, name: key };
    (account ? this.matched : this.unmatched).add(key);
    this.known.set(key, author);
    return author;
  }
}
