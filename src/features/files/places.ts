import type { Actor } from '../../access/actor.ts';
import { fileRights } from '../../access/files.ts';
import type { FileContainer, FileRights } from '../../access/files.ts';
import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { findGroupAccess } from '../groups/groups.ts';
import { findAccountById } from '../people/accounts.ts';

// A place that holds files, as the routes name it: a group by its slug,
// a person by their id. Each comes with its addresses and what the
// reader may do there; a place the reader may not read is not found.

export interface FilePlace {
  container: FileContainer;
  /** "Open Garden" or "Ann Example": whose files these are. */
  ownerName: string;
  /** The page listing the files, or null for files attached to an item. */
  listPath: string | null;
  /** The API's prefix for the place: `/api/v1/groups/:slug`. */
  apiPath: string | null;
  /** The owner's own page: the group's or the person's profile. */
  ownerPath: string | null;
  rights: FileRights;
}

export function groupNotFound(): NotFoundError {
  return new NotFoundError('GROUP_NOT_FOUND', 'There is no such group');
}

export function personNotFound(): NotFoundError {
  return new NotFoundError('PERSON_NOT_FOUND', 'There is no such person');
}

/** A group's files, when the reader may read them. */
export async function groupPlace(
  db: Db,
  actor: Actor,
  slug: string,
): Promise<FilePlace> {
  const group = await findGroupAccess(db, actor, slug);
  if (!group) {
    throw groupNotFound();
  }
  const container: FileContainer = { kind: 'group', groupId: group.id };
  const rights = await fileRights(db, actor, container, now());
  if (!rights.read) {
    throw groupNotFound();
  }
  const slugPart = encodeURIComponent(group.slug);
  return {
    container,
    ownerName: group.name,
    listPath: `/groups/${slugPart}/files`,
    apiPath: `/api/v1/groups/${slugPart}`,
    ownerPath: `/groups/${slugPart}`,
    rights,
  };
}

/** A person's own files, when the reader may read them. */
export async function personPlace(
  db: Db,
  actor: Actor,
  personId: number,
): Promise<FilePlace> {
  const container: FileContainer = { kind: 'person', personId };
  const rights = await fileRights(db, actor, container, now());
  const person = rights.read ? await findAccountById(db, personId) : null;
  if (!person) {
    throw personNotFound();
  }
  return {
    container,
    ownerName: person.displayName,
    listPath: `/people/${personId}/files`,
    apiPath: `/api/v1/people/${personId}`,
    ownerPath: `/people/${personId}`,
    rights,
  };
}

/**
 * The place of a file the reader may read, for its page's breadcrumbs
 * and links. Files attached to an item have no list of their own.
 */
export async function placeOfContainer(
  db: Db,
  actor: Actor,
  container: FileContainer,
  rights: FileRights,
): Promise<FilePlace> {
  switch (container.kind) {
    case 'group': {
      const group = await db
        .selectFrom('groups')
        .select('slug')
        .where('id', '=', container.groupId)
        .executeTakeFirstOrThrow();
      return groupPlace(db, actor, group.slug);
    }
    case 'person':
      return personPlace(db, actor, container.personId);
    case 'attached':
      return {
        container,
        ownerName: 'an attachment',
        listPath: null,
        apiPath: null,
        ownerPath: null,
        rights,
      };
  }
}

function now(): string {
  return new Date().toISOString();
}
