import type { Db } from '../../database.ts';
import type { Page, PageRequest } from '../../platform/pagination.ts';

/**
 * Everything the audit log records. A closed list, so that a filter by
 * action finds all of a kind and a typo cannot invent a new one.
 */
export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in.failed',
  'sign-out',
  'sign-out.everywhere',
  'account.created',
  'account.updated',
  'account.deactivated',
  'account.reactivated',
  'account.deleted',
  'role.changed',
  'password.set',
  'token.created',
  'token.revoked',
  'feed-token.created',
  'feed-token.revoked',
  'blog.post.deleted',
  'blog.comment.deleted',
  'blog.comment-policy.changed',
  'scim.token.created',
  'scim.token.revoked',
  'scim.request',
  'guest.invited',
  'setting.changed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member.added',
  'group.member.removed',
  'group.role.changed',
  'group.invited',
  'wiki.page.moved',
  'wiki.page.deleted',
  'wiki.page.restored',
  'talk.category.created',
  'talk.category.changed',
  'talk.post.deleted',
  'talk.answer.accepted',
  'talk.answer.unaccepted',
  'talk.status.deleted',
  'talk.moderator.added',
  'talk.moderator.removed',
  'talk.approval.changed',
  'talk.thread.pinned',
  'talk.thread.unpinned',
  'talk.thread.locked',
  'talk.thread.unlocked',
  'talk.thread.hidden',
  'talk.thread.unhidden',
  'talk.thread.moved',
  'talk.post.hidden',
  'talk.post.unhidden',
  'talk.post.approved',
  'talk.post.rejected',
  'talk.post.flagged',
  'talk.flag.resolved',
  'talk.flag.dismissed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Each action as the audit log page words it. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'sign-in': 'Signed in',
  'sign-in.failed': 'Sign-in refused',
  'sign-out': 'Signed out',
  'sign-out.everywhere': 'Signed out of all devices',
  'account.created': 'Account created',
  'account.updated': 'Account changed',
  'account.deactivated': 'Account deactivated',
  'account.reactivated': 'Account reactivated',
  'account.deleted': 'Account deleted',
  'role.changed': 'Role changed',
  'password.set': 'Password set',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'feed-token.created': 'Feed address created',
  'feed-token.revoked': 'Feed address revoked',
  'blog.post.deleted': 'Blog post deleted',
  'blog.comment.deleted': 'Blog comment deleted by a manager',
  'blog.comment-policy.changed': 'Blog comment policy changed',
  'scim.token.created': 'SCIM token created',
  'scim.token.revoked': 'SCIM token revoked',
  'scim.request': 'SCIM request',
  'guest.invited': 'Guest invited',
  'setting.changed': 'Setting changed',
  'group.created': 'Group created',
  'group.updated': 'Group changed',
  'group.deleted': 'Group deleted',
  'group.member.added': 'Group member added',
  'group.member.removed': 'Group member removed',
  'group.role.changed': 'Group role changed',
  'group.invited': 'Invited to a group',
  'wiki.page.moved': 'Wiki page moved',
  'wiki.page.deleted': 'Wiki page deleted',
  'wiki.page.restored': 'Wiki page restored',
  'talk.category.created': 'Discussion category created',
  'talk.category.changed': 'Discussion category changed',
  'talk.post.deleted': 'Discussion post deleted',
  'talk.answer.accepted': 'Answer accepted',
  'talk.answer.unaccepted': 'Answer no longer accepted',
  'talk.status.deleted': 'Status post deleted by a moderator',
  'talk.moderator.added': 'Discussion moderator appointed',
  'talk.moderator.removed': 'Discussion moderator removed',
  'talk.approval.changed': 'Approval of first posts changed',
  'talk.thread.pinned': 'Thread pinned',
  'talk.thread.unpinned': 'Thread unpinned',
  'talk.thread.locked': 'Thread locked',
  'talk.thread.unlocked': 'Thread unlocked',
  'talk.thread.hidden': 'Thread hidden',
  'talk.thread.unhidden': 'Thread shown again',
  'talk.thread.moved': 'Thread moved',
  'talk.post.hidden': 'Discussion post hidden',
  'talk.post.unhidden': 'Discussion post shown again',
  'talk.post.approved': 'Held post approved',
  'talk.post.rejected': 'Held post rejected',
  'talk.post.flagged': 'Discussion post flagged',
  'talk.flag.resolved': 'Flag resolved',
  'talk.flag.dismissed': 'Flag dismissed',
};

/** Who did something: a person, or a named system such as a SCIM client. */
export type AuditActor =
  { personId: number; label: string } | { personId: null; label: string };

export interface AuditEvent {
  action: AuditAction;
  actor: AuditActor;
  subject?: {
    type:
      | 'person'
      | 'token'
      | 'feed-token'
      | 'blog'
      | 'blog-post'
      | 'blog-comment'
      | 'scim-token'
      | 'setting'
      | 'group'
      | 'wiki-page'
      | 'talk-category'
      | 'talk-thread'
      | 'talk-post'
      | 'status-post';
    id: number | null;
  };
  clientAddress?: string | null;
  /** Facts worth keeping; never secrets, passwords or message bodies. */
  details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: AuditActor = { personId: null, label: 'system' };

/** Adds an event to the audit log, in the caller's transaction. */
export async function recordAudit(
  db: Db,
  event: AuditEvent,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      occurred_at: now,
      action: event.action,
      actor_person_id: event.actor.personId,
      actor_label: event.actor.label.slice(0, 200),
      subject_type: event.subject?.type ?? null,
      subject_id: event.subject?.id ?? null,
      client_address: event.clientAddress ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}

export interface AuditFilter {
  action?: AuditAction;
  /** Events a person did or had done to them. */
  personId?: number;
  actorPersonId?: number;
  subjectPersonId?: number;
  /** ISO instants; `from` inclusive, `to` exclusive. */
  from?: string;
  to?: string;
}

export interface AuditEntry {
  id: number;
  occurredAt: string;
  action: AuditAction;
  actor: { personId: number | null; label: string };
  subject: { type: string; id: number | null } | null;
  clientAddress: string | null;
  details: Record<string, unknown>;
}

/** A page of the audit log, newest first. */
export async function listAudit(
  db: Db,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  let query = db.selectFrom('audit_events');
  if (filter.action) {
    query = query.where('action', '=', filter.action);
  }
  if (filter.personId !== undefined) {
    const personId = filter.personId;
    query = query.where((eb) =>
      eb.or([
        eb('actor_person_id', '=', personId),
        eb.and([
          eb('subject_type', '=', 'person'),
          eb('subject_id', '=', personId),
        ]),
      ]),
    );
  }
  if (filter.actorPersonId !== undefined) {
    query = query.where('actor_person_id', '=', filter.actorPersonId);
  }
  if (filter.subjectPersonId !== undefined) {
    query = query
      .where('subject_type', '=', 'person')
      .where('subject_id', '=', filter.subjectPersonId);
  }
  if (filter.from) {
    query = query.where('occurred_at', '>=', filter.from);
  }
  if (filter.to) {
    query = query.where('occurred_at', '<', filter.to);
  }
  const [count, rows] = await Promise.all([
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    query
      .selectAll()
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      occurredAt: row.occurred_at,
      action: row.action as AuditAction,
      actor: { personId: row.actor_person_id, label: row.actor_label },
      subject:
        row.subject_type === null
          ? null
          : { type: row.subject_type, id: row.subject_id },
      clientAddress: row.client_address,
      details: JSON.parse(row.details) as Record<string, unknown>,
    })),
    total: count.total,
    page: page.page,
    pageSize: page.pageSize,
  };
}
