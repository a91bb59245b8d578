import type { Db } from '../../database.ts';
import type { AuditEntry } from '../audit/audit.ts';

// What an audit event was about, as a link the administrator can
// follow: Talk's moderation events name a thread, a post or a
// category by id, and group events a group by id, which alone tells a
// reader nothing.

export interface SubjectView {
  text: string;
  href: string | null;
}

/** The ids of the entries' subjects of one type, each once. */
function subjectIds(entries: AuditEntry[], type: string): number[] {
  const ids = entries.flatMap((entry) =>
    entry.subject?.type === type && entry.subject.id !== null
      ? [entry.subject.id]
      : [],
  );
  return [...new Set(ids)];
}

/**
 * The entries with `subjectView` added; categories' slugs in one query,
 * groups' in another.
 */
export async function withSubjectViews(
  db: Db,
  entries: AuditEntry[],
): Promise<(AuditEntry & { subjectView: SubjectView | null })[]> {
  const categoryIds = subjectIds(entries, 'talk-category');
  const slugs = new Map<number, string>();
  if (categoryIds.length > 0) {
    const rows = await db
      .selectFrom('talk_categories')
      .select(['id', 'slug'])
      .where('id', 'in', categoryIds)
      .execute();
    for (const row of rows) {
      slugs.set(row.id, row.slug);
    }
  }
  const groupIds = subjectIds(entries, 'group');
  const groups = new Map<number, { slug: string; name: string }>();
  if (groupIds.length > 0) {
    const rows = await db
      .selectFrom('groups')
      .select(['id', 'slug', 'name'])
      .where('id', 'in', groupIds)
      .execute();
    for (const row of rows) {
      groups.set(row.id, row);
    }
  }
  return entries.map((entry) => ({
    ...entry,
    subjectView: subjectViewOf(entry.subject, slugs, groups),
  }));
}

function subjectViewOf(
  subject: AuditEntry['subject'],
  slugs: Map<number, string>,
  groups: Map<number, { slug: string; name: string }>,
): SubjectView | null {
  if (subject === null || subject.id === null) {
    return null;
  }
  const { id } = subject;
  switch (subject.type) {
    case 'talk-thread':
      return { text: `Thread ${id}`, href: `/talk/threads/${id}` };
    case 'talk-post':
      return { text: `Post ${id}`, href: `/talk/posts/${id}` };
    case 'talk-category': {
      const slug = slugs.get(id);
      // A category is never deleted today, but its row may be gone in
      // a restored copy of the log: the id is all that is left then.
      return slug === undefined
        ? { text: `Category ${id}`, href: null }
        : {
            text: `Category ${slug}`,
            href: `/talk/categories/${encodeURIComponent(slug)}`,
          };
    }
    case 'group': {
      const group = groups.get(id);
      // A deleted group leaves only its id behind.
      return group === undefined
        ? { text: `Group ${id}`, href: null }
        : {
            text: `Group ${group.name}`,
            href: `/groups/${encodeURIComponent(group.slug)}`,
          };
    }
    default:
      return null;
  }
}
