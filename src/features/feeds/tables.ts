import type { Generated } from 'kysely';

/** A personal feed address's secret, kept only as its SHA-256. */
export interface FeedTokensTable {
  id: Generated<number>;
  person_id: number;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface FeedTables {
  feed_tokens: FeedTokensTable;
}
