import type { Db } from '../../../database.ts';
import { findAccountByEmail } from '../../people/accounts.ts';
import type { WxrAuthor, WxrComment } from './reader.ts';

// Who wrote a post or comment, in our terms. A post's `dc:creator` is a
// WordPress login; the export's `wp:author` list gives its e-mail
// address, and an address that belongs to someone here credits them.
// Anyone else stays a named former contributor. WXR 1.0 has no author
// list, so its authors are all former contributors under their logins.
//
// A comment is matched only when a registered WordPress user wrote it
// (`comment_user_id` not 0): anyone may type any address into a public
// comment form, and that must not put words in a colleague's mouth.

export interface ImportedAuthor {
  personId: number | null;
  name: string;
}

export class WxrAuthors {
  private readonly byLogin = new Map<string, WxrAuthor>();
  private readonly byEmail = new Map<string, ImportedAuthor | null>();
  readonly matched = new Set<string>();
  readonly formerContributors = new Set<string>();

  constructor(authors: WxrAuthor[]) {
    for (const author of authors) {
      this.byLogin.set(author.login, author);
    }
  }

  /** The author of a post, from its `dc:creator` login. */
  async ofPost(db: Db, login: string): Promise<ImportedAuthor> {
    // One export writes `>themereviewteam` for the login themereviewteam.
    const listed =
      this.byLogin.get(login) ??
      this.byLogin.get(login.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
    const name = listed?.displayName || login || 'unknown author';
    const person = listed ? await this.person(db, listed.email) : null;
    if (person) {
      this.matched.add(person.name);
      return person;
    }
    this.formerContributors.add(name);
    return { personId: null, name };
  }

  /** The author of a comment: a person only for a registered user. */
  async ofComment(db: Db, comment: WxrComment): Promise<ImportedAuthor> {
    const name = comment.author || 'Anonymous';
    if ((comment.userId ?? 0) > 0 && comment.authorEmail !== '') {
      const person = await this.person(db, comment.authorEmail);
      if (person) {
        return person;
      }
    }
    return { personId: null, name };
  }

  private async person(db: Db, email: string): Promise<ImportedAuthor | null> {
    const key = email.trim().toLowerCase();
    if (!key.includes('@')) {
      return null;
    }
    if (!this.byEmail.has(key)) {
      const account = await findAccountByEmail(db, key);
      this.byEmail.set(
        key,
        account ? { personId: account.id, name: account.displayName } : null,
      );
    }
    return this.byEmail.get(key) ?? null;
  }
}
