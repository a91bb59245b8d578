import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import type { NotFoundError } from '../../platform/errors.ts';
import { fileNotFound, sameContainer, versionNotFound } from './files.ts';
import { groupPlace, personNotFound, personPlace } from './places.ts';
import type { FilePlace } from './places.ts';
import { openFile } from './service.ts';
import type { FileAccess } from './service.ts';

// What the files routes share: their access level, reading ids from
// paths, and finding the place a path names.

/**
 * Every files route is for signed-in people: the rule in
 * src/access/files.ts then shows each only what they may read, and
 * signed-out readers of public groups read pages, not files.
 */
export const signedIn = { config: { access: 'signed-in' as const } };

const MAX_ID = 2_147_483_647;

/** An id from a path; anything that cannot be one is `notFound`. */
export function readIdParam(value: string, notFound: () => NotFoundError) {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > MAX_ID) {
    throw notFound();
  }
  return id;
}

/** A version number from a path. */
export function readVersionParam(value: string): number {
  return readIdParam(value, versionNotFound);
}

export type GroupParams = { slug: string };
export type PersonParams = { id: string };

/** The place a files path names: `:slug` for a group, `:id` for a person. */
export async function placeFromParams(
  db: Db,
  actor: Actor,
  params: Partial<GroupParams & PersonParams>,
): Promise<FilePlace> {
  if (params.slug !== undefined) {
    return groupPlace(db, actor, params.slug);
  }
  return personPlace(db, actor, readIdParam(params.id ?? '', personNotFound));
}

/** A file of `place` the reader may read; a file elsewhere is not found. */
export async function fileInPlace(
  db: Db,
  actor: Actor,
  place: FilePlace,
  fileIdParam: string,
): Promise<FileAccess> {
  const id = readIdParam(fileIdParam, fileNotFound);
  const access = await openFile(db, actor, id);
  if (!sameContainer(access.file.container, place.container)) {
    throw fileNotFound();
  }
  return access;
}

/** The place a file route names and the file in it, as fileInPlace. */
export async function fileFromParams(
  db: Db,
  actor: Actor,
  params: Partial<GroupParams & PersonParams> & { fileId: string },
): Promise<FileAccess & { place: FilePlace }> {
  const place = await placeFromParams(db, actor, params);
  return { place, ...(await fileInPlace(db, actor, place, params.fileId)) };
}

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

/** A query or form value sent once as text, else ''. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
