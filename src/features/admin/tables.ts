import type { Generated } from 'kysely';

export interface PartnerOrganisationsTable {
  id: Generated<number>;
  name: string;
  name_key: string;
  created_at: string;
  updated_at: string;
}

/** An e-mail domain a partner's guests may use; one partner per domain. */
export interface PartnerDomainsTable {
  domain: string;
  partner_id: number;
}

export interface AdminTables {
  partner_organisations: PartnerOrganisationsTable;
  partner_domains: PartnerDomainsTable;
}
