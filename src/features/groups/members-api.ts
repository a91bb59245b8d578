import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import { canInGroup } from '../../access/groups.ts';
import type { Database, Db } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  ValidationError,
} from '../../platform/errors.ts';
import { pageOf, readPageRequest } from '../../platform/pagination.ts';
import { FieldValidator } from '../../platform/validation.ts';
import {
  alreadyMember,
  callerOf,
  isPersonId,
  jsonBodyOf,
  memberJsonOf,
  readers,
  readPersonIdParam,
  requireActivePerson,
  signedIn,
} from './api-support.ts';
import type { PersonParams, SlugParams } from './api-support.ts';
import { auditActorOf, requireGroup } from './groups.ts';
import type { GroupForReader } from './groups.ts';
import { ROLES, readRole } from './input.ts';
import {
  addMember,
  changeRole,
  listMembers,
  removeMember,
  requestToJoin,
  requireMayRemove,
  roleOf,
  transferOwnership,
} from './members.ts';
import { memberJson } from './representations.ts';
import { approveRequest } from './requests-api.ts';
import type { GroupRole } from './tables.ts';

// Members of a group, under /api/v1/groups/:slug/members. Nobody is
// added to a group without asking: a manager approves their request to
// join, or sends an invitation (another route).

const MESSAGE_MAX = 1_000;

interface MembershipBody {
  personId?: number;
  role?: GroupRole;
  message: string | null;
}

/** The body of a POST to a member list, checked before anything is done. */
function readMembershipBody(input: Record<string, unknown>): MembershipBody {
  const fields = new FieldValidator(input);
  const body: MembershipBody = {
    message: fields.text('message', {
      label: 'Message',
      max: MESSAGE_MAX,
      multiline: true,
    }),
  };
  if (input.personId !== undefined) {
    if (isPersonId(input.personId)) {
      body.personId = input.personId;
    } else {
      fields.fail('personId', 'personId must be a whole number');
    }
  }
  if (input.role !== undefined) {
    if (input.role === 'member' || input.role === 'admin') {
      body.role = input.role;
    } else {
      fields.fail('role', 'Role must be member or admin');
    }
  }
  fields.done();
  return body;
}

function readTransferTarget(input: Record<string, unknown>): number {
  if (!isPersonId(input.personId)) {
    throw new ValidationError({
      personId: 'Choose the member to hand ownership to, by their personId',
    });
  }
  return input.personId;
}

// A manager may add only someone who asked to join.
function invitationRequired(): AppError {
  return new AppError(
    422,
    'INVITATION_REQUIRED',
    'That person has not asked to join. Invite them instead: ' +
      'nobody is added to a group without their consent',
    { personId: 'Invite this person; they have not asked to join' },
  );
}

function readRoleFilter(query: Record<string, unknown>): GroupRole | null {
  const role = query.role;
  if (role === undefined || role === '') {
    return null;
  }
  if (!ROLES.includes(role as GroupRole)) {
    throw new ValidationError(
      { role: 'Role must be owner, admin or member' },
      'The list requested is not valid',
      400,
    );
  }
  return role as GroupRole;
}

export const membersApi: FastifyPluginAsync<{ db: Kysely<Database> }> = async (
  app,
  { db },
) => {
  app.get<SlugParams>(
    '/api/v1/groups/:slug/members',
    readers,
    async (request) => {
      const query = request.query as Record<string, unknown>;
      const page = readPageRequest(query);
      const role = readRoleFilter(query);
      const group = await requireGroup(
        db,
        request.actor,
        request.params.slug,
        'group.readMembers',
      );
      const result = await listMembers(
        db,
        group.id,
        page,
        role ? { role } : {},
      );
      return pageOf(result, page, memberJson);
    },
  );

  // Joining as yourself: at once in an open group, by request in a closed
  // one. A secret group is joined only by invitation.
  async function joinOrAsk(
    trx: Db,
    actor: PersonActor,
    slug: string,
    message: string | null,
  ): Promise<{ group: GroupForReader; joined: boolean }> {
    const group = await requireGroup(trx, actor, slug);
    if (group.role !== null) {
      throw alreadyMember(true);
    }
    if (canInGroup(actor, 'group.join', group)) {
      await addMember(trx, auditActorOf(actor), group, actor.id, 'member');
      return { group, joined: true };
    }
    if (canInGroup(actor, 'group.requestToJoin', group)) {
      await requestToJoin(trx, group, actor.id, message);
      return { group, joined: false };
    }
    throw new ForbiddenError(
      'GROUP_FORBIDDEN',
      group.visibility === 'secret'
        ? 'People join a secret group only when they are invited'
        : 'You cannot join this group',
    );
  }

  app.post<SlugParams>(
    '/api/v1/groups/:slug/members',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const body = readMembershipBody(jsonBodyOf(request));
      const { slug } = request.params;
      const yourself =
        body.personId === undefined || body.personId === actor.id;
      if (yourself && body.role !== undefined && body.role !== 'member') {
        throw new ValidationError({
          role: 'You join a group as a member; an owner can change your role',
        });
      }
      const personId = body.personId ?? actor.id;
      const { group, joined } = await db.transaction().execute(async (trx) =>
        yourself
          ? joinOrAsk(trx, actor, slug, body.message)
          : {
              group: await approveRequest(
                trx,
                actor,
                slug,
                personId,
                body.role ?? 'member',
                invitationRequired,
              ),
              joined: true,
            },
      );
      if (!joined) {
        request.log.info({ groupId: group.id }, 'request to join recorded');
        return reply.code(202).send({ status: 'requested' });
      }
      request.log.info({ groupId: group.id, personId }, 'member added');
      return reply.code(201).send({
        status: 'joined',
        member: await memberJsonOf(db, group.id, personId),
      });
    },
  );

  app.patch<PersonParams>(
    '/api/v1/groups/:slug/members/:personId',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const personId = readPersonIdParam(request.params.personId);
      const role = readRole(jsonBodyOf(request));
      const group = await db.transaction().execute(async (trx) => {
        const found = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.own',
        );
        await requireActivePerson(trx, personId);
        await changeRole(trx, auditActorOf(actor), found, personId, role);
        return found;
      });
      return memberJsonOf(db, group.id, personId);
    },
  );

  app.delete<PersonParams>(
    '/api/v1/groups/:slug/members/:personId',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const personId = readPersonIdParam(request.params.personId);
      const leaving = personId === actor.id;
      await db.transaction().execute(async (trx) => {
        const group = await requireGroup(
          trx,
          actor,
          request.params.slug,
          leaving ? 'group.see' : 'group.manage',
        );
        if (!leaving) {
          await requireActivePerson(trx, personId);
          const role = await roleOf(trx, group.id, personId);
          if (role !== null) {
            requireMayRemove(actor, group, role);
          }
        }
        await removeMember(trx, auditActorOf(actor), group, personId);
      });
      return reply.code(204).send();
    },
  );

  app.post<SlugParams>(
    '/api/v1/groups/:slug/owner-transfer',
    signedIn,
    async (request) => {
      const actor = callerOf(request);
      const personId = readTransferTarget(jsonBodyOf(request));
      const group = await db.transaction().execute(async (trx) => {
        const found = await requireGroup(
          trx,
          actor,
          request.params.slug,
          'group.own',
        );
        await requireActivePerson(trx, personId);
        if ((await roleOf(trx, found.id, personId)) === null) {
          throw new ValidationError({
            personId: 'Ownership can only go to a member of the group',
          });
        }
        const audit = auditActorOf(actor);
        // A site administrator who is not an owner has no role to hand
        // over: the member simply becomes an owner.
        await (found.role === 'owner'
          ? transferOwnership(trx, audit, found, actor.id, personId)
          : changeRole(trx, audit, found, personId, 'owner'));
        return found;
      });
      return memberJsonOf(db, group.id, personId);
    },
  );
};
