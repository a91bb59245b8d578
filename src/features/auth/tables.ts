import type { Generated } from 'kysely';

export interface SessionsTable {
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  id_hash: string;
  person_id: number;
  created_at: string;
  last_seen_at: string;
  /** The absolute end of the session, however active it stays. */
  expires_at: string;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  person_id: number;
  name: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuthTables {
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
}
