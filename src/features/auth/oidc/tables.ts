import type { Generated } from 'kysely';

export interface IdentityLinksTable {
  id: Generated<number>;
  person_id: number;
  /** The `iss` of the provider's ID tokens, exactly as it sends it. */
  issuer: string;
  /** The `sub`: the provider's lasting id for the person. */
  subject: string;
  /** The verified address the link was made with, for administrators. */
  email_at_link: string | null;
  created_at: string;
  last_sign_in_at: string;
}

export interface OidcTables {
  identity_links: IdentityLinksTable;
}
