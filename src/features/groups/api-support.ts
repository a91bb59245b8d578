import type { FastifyRequest } from 'fastify';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import {
  AppError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../platform/errors.ts';
import { findAccountById } from '../people/accounts.ts';
import { findMember } from './members.ts';
import { memberJson } from './representations.ts';

// What the groups API's routes share: who may reach them, how a JSON body
// and a person's id are read, and the answers about one member.

export type SlugParams = { Params: { slug: string } };

export type PersonParams = { Params: { slug: string; personId: string } };

export const readers = { config: { access: 'readers' as const } };
export const staff = { config: { access: 'staff' as const } };
export const signedIn = { config: { access: 'signed-in' as const } };

// Ids are PostgreSQL integers: anything larger can name nobody, and would
// be a database error rather than "not found".
const MAX_ID = 2_147_483_647;

/** The person behind a request that the gate let through as signed in. */
export function callerOf(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

/** A JSON body as an object; nothing sent is an empty one. */
export function jsonBodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) {
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError({}, 'Send a JSON object', 400);
  }
  return body as Record<string, unknown>;
}

function personNotFound(): NotFoundError {
  return new NotFoundError('PERSON_NOT_FOUND', 'There is no such person');
}

/** A person's id from a path; anything that cannot be one is 404. */
export function readPersonIdParam(value: string): number {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : 0;
  if (id < 1 || id > MAX_ID) {
    throw personNotFound();
  }
  return id;
}

/** True when a JSON value can be a person's id. */
export function isPersonId(value: unknown): value is number {
  return (
    Number.isInteger(value) && Number(value) >= 1 && Number(value) <= MAX_ID
  );
}

/** Throws 404 unless the person exists and their account is active. */
export async function requireActivePerson(
  db: Db,
  personId: number,
): Promise<void> {
  const account = await findAccountById(db, personId);
  if (!account?.active) {
    throw personNotFound();
  }
}

/** One member's JSON, read after a change has been committed. */
export async function memberJsonOf(
  db: Db,
  groupId: number,
  personId: number,
): Promise<ReturnType<typeof memberJson>> {
  const member = await findMember(db, groupId, personId);
  if (!member) {
    throw new NotFoundError(
      'MEMBER_NOT_FOUND',
      'That person is not a member of this group',
    );
  }
  return memberJson(member);
}

export function alreadyMember(yourself: boolean): AppError {
  return new AppError(
    409,
    'ALREADY_MEMBER',
    yourself
      ? 'You are already a member of this group'
      : 'That person is already a member of this group',
  );
}
