import type { Kysely, Transaction } from 'kysely';
import type { ActivityTables } from './features/activity/tables.ts';
import type { AdminTables } from './features/admin/tables.ts';
import type { AuditTables } from './features/audit/tables.ts';
import type { AuthTables } from './features/auth/tables.ts';
import type { BlogTables } from './features/blogs/tables.ts';
import type { EmailTables } from './features/email/tables.ts';
import type { ExpertiseTables } from './features/expertise/tables.ts';
import type { FeedTables } from './features/feeds/tables.ts';
import type { FileTables } from './features/files/tables.ts';
import type { GroupTables } from './features/groups/tables.ts';
import type { NotificationTables } from './features/notifications/tables.ts';
import type { OidcTables } from './features/auth/oidc/tables.ts';
import type { PeopleTables } from './features/people/tables.ts';
import type { ScimTables } from './features/scim/tables.ts';
import type { SearchTables } from './features/search/tables.ts';
import type { TalkTables } from './features/talk/tables.ts';
import type { StatusTables } from './features/talk/status/tables.ts';
import type { WikiTables } from './features/wiki/tables.ts';
import type { JobTables } from './platform/jobs.ts';
import type { BlobTables } from './platform/storage/tables.ts';

/** Every table, as the features that own them describe them. */
export interface Database
  extends
    PeopleTables,
    AuthTables,
    OidcTables,
    AuditTables,
    ScimTables,
    AdminTables,
    GroupTables,
    WikiTables,
    TalkTables,
    StatusTables,
    BlogTables,
    FeedTables,
    ActivityTables,
    NotificationTables,
    ExpertiseTables,
    SearchTables,
    JobTables,
    EmailTables,
    BlobTables,
    FileTables {}

/** A connection or a transaction: what repository functions take first. */
export type Db = Kysely<Database> | Transaction<Database>;
