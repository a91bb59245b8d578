import type { FastifyRequest } from 'fastify';
import type { PersonActor } from '../../access/actor.ts';
import { NotFoundError, UnauthenticatedError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';

// What the groups' pages share: who is asking, what a form sent, and the
// notice a page shows after a change has been made.

/** The signed-in person behind a request the gate let through. */
export function personOf(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

/** A form's fields; an empty object when nothing was sent. */
export function formOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object'
    ? (body as Record<string, unknown>)
    : {};
}

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

/** A person's id from a path, or 404 for anything that cannot be one. */
export function readPersonId(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) {
    throw new NotFoundError(
      'MEMBER_NOT_FOUND',
      'That person is not a member of this group',
    );
  }
  return Number(value);
}

/** The first page of a list, `size` long. */
export function firstPage(size: number): PageRequest {
  return { page: 1, pageSize: size, offset: 0 };
}

// A change ends in a redirect with `?done=KEY`; the page it lands on shows
// the sentence for the key. Only these sentences can appear, so a crafted
// link cannot put words of its own on the page.
const NOTICES: Record<string, string> = {
  created: 'Your group has been created. You are its owner.',
  joined: 'You have joined the group.',
  requested:
    'Your request has been sent. The group’s admins will decide whether to let you in.',
  withdrawn: 'Your request to join has been withdrawn.',
  left: 'You have left the group.',
  approved: 'Request approved. They are now a member of the group.',
  declined: 'Request declined.',
  role: 'Role changed.',
  removed: 'They have been removed from the group.',
  transferred: 'Ownership handed over. You are now an admin of the group.',
  saved: 'The group’s details have been saved.',
  deleted: 'The group has been deleted.',
};

/** The success notice a redirect asked for, if any. */
export function noticeOf(request: FastifyRequest): string | undefined {
  const key = queryOf(request).done;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key)
    ? NOTICES[key]
    : undefined;
}

/**
 * The first line of a group's Markdown description, as plain text for a
 * list of groups: heading, quote and list marks dropped, at most 200
 * characters.
 */
export function firstLine(markdown: string): string {
  const line =
    markdown
      .split('\n')
      .map((text) => text.replace(/^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s+/, ''))
      .find((text) => text.trim() !== '') ?? '';
  const text = line.trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
