import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { shareAGroup } from '../../access/groups.ts';
import { can } from '../../access/policy.ts';
import type { PersonThing } from '../../access/policy.ts';
import type { Database } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { listGroups } from '../groups/groups.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import {
  pageCount,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import { listDepartmentOptions } from './departments.ts';
import { readDirectoryQuery } from './directory-query.ts';
import {
  getPersonProfile,
  getPersonThing,
  withoutStructure,
} from './people.ts';
import type { PersonProfile } from './people.ts';
import { PROFILE_LIMITS, readProfileChanges, saveProfile } from './profiles.ts';
import { directoryFacets, searchDirectory } from './search.ts';
import { personVcard } from './vcard.ts';
import { profileActivity } from '../activity/profile.ts';

export interface PeopleRouteOptions {
  db: Kysely<Database>;
  publicUrl: URL;
}

const NOT_FOUND_MESSAGES: Record<string, string> = {
  PERSON_NOT_FOUND: 'Person not found',
  POST_NOT_FOUND: 'Post not found',
};

/** Reads a numeric id from a path, or answers 404 for anything else. */
export function readId(
  value: string,
  code: keyof typeof NOT_FOUND_MESSAGES,
): number {
  // An id past PostgreSQL's integer range names nobody (and would be a 500).
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2147483647) {
    throw new NotFoundError(code, NOT_FOUND_MESSAGES[code]);
  }
  return Number(value);
}

// A profile lists this many of the person's groups, then says how many more.
const PROFILE_GROUPS = 20;

/** The person a path names, if the reader may see them; 404 otherwise. */
export async function readablePerson(
  db: Kysely<Database>,
  actor: Actor,
  rawId: string,
): Promise<PersonThing> {
  const person = await getPersonThing(db, readId(rawId, 'PERSON_NOT_FOUND'));
  if (person && actor.kind === 'person' && actor.role === 'guest') {
    person.inReadersGroup = await shareAGroup(db, actor.id, person.id);
  }
  if (!person || !can(actor, { name: 'person.read', person })) {
    throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
  }
  return person;
}

/** The directory search, profiles, profile editing and contact cards. */
export const peoplePages: FastifyPluginAsync<PeopleRouteOptions> = async (
  app,
  { db, publicUrl },
) => {
  async function renderSearch(
    url: string,
    input: Record<string, unknown>,
    reply: FastifyReply,
    heading: string,
  ) {
    const [departments, facets] = await Promise.all([
      listDepartmentOptions(db),
      directoryFacets(db),
    ]);
    const common = { heading, departments, facets };
    let read;
    let page;
    try {
      page = readPageRequest(input);
      read = await readDirectoryQuery(db, input);
    } catch (error) {
      if (error instanceof ValidationError) {
        return reply.render(
          'people/views/search.njk',
          { ...common, values: input, errors: error.fields },
          400,
        );
      }
      throw error;
    }
    const result = await searchDirectory(db, read.query, page);
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw new NotFoundError(
        'PAGE_NOT_FOUND',
        'There is no page with that number',
      );
    }
    return reply.render('people/views/search.njk', {
      ...common,
      values: read.values,
      result,
      searched: Object.values(read.values).some((value) => value !== ''),
      pagination: paginationParams(
        page.page,
        result.total,
        page.pageSize,
        (n) => withQuery(url, { page: n === 1 ? null : n }),
      ),
    });
  }

  const staff = { config: { access: 'staff' } } as const;

  app.get('/people', staff, async (request, reply) =>
    renderSearch(
      request.url,
      request.query as Record<string, unknown>,
      reply,
      'People',
    ),
  );

  // Guests reach profiles (the policy lets them see their own); the
  // directory and org charts stay closed to them.
  const forGuests = { config: { access: 'signed-in' } } as const;

  app.get<{ Params: { id: string } }>(
    '/people/:id',
    forGuests,
    async (request, reply) => {
      const person = await readablePerson(db, request.actor, request.params.id);
      const profile = await requireProfile(person.id, request.actor);
      // Only the groups the reader may know of: a secret group stays
      // unnamed on the profile of one of its members.
      const groups = await listGroups(
        db,
        request.actor,
        { memberId: person.id },
        { page: 1, pageSize: PROFILE_GROUPS, offset: 0 },
      );
      const activity = await profileActivity(db, request.actor, person.id);
      return reply.render('people/views/profile.njk', {
        person: profile,
        groups,
        ...activity,
        aboutHtml: renderMarkdown(profile.about),
        canEdit: can(request.actor, { name: 'person.edit', person }),
        showStructure: can(request.actor, { name: 'directory.read' }),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/people/:id/contact.vcf',
    forGuests,
    async (request, reply) => {
      const person = await readablePerson(db, request.actor, request.params.id);
      const profile = await requireProfile(person.id, request.actor);
      const url = new URL(`/people/${profile.id}`, publicUrl).href;
      return reply
        .type('text/vcard; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="person-${profile.id}.vcf"`,
        )
        .send(personVcard(profile, url));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/people/:id/edit',
    forGuests,
    async (request, reply) => {
      const person = await readablePerson(db, request.actor, request.params.id);
      if (!can(request.actor, { name: 'person.edit', person })) {
        throw new ForbiddenError();
      }
      const profile = await requireProfile(person.id, request.actor);
      return renderEdit(
        reply,
        request.actor,
        person,
        profile,
        formValues(profile),
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/people/:id/edit',
    forGuests,
    async (request, reply) => {
      const person = await readablePerson(db, request.actor, request.params.id);
      if (!can(request.actor, { name: 'person.edit', person })) {
        throw new ForbiddenError();
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        const changes = await readProfileChanges(
          db,
          request.actor,
          person,
          body,
          false,
        );
        const expected =
          typeof body.updatedAt === 'string' ? body.updatedAt : undefined;
        await db.transaction().execute((trx) =>
          saveProfile(trx, request.actor, person, changes, {
            expectedUpdatedAt: expected,
          }),
        );
      } catch (error) {
        if (error instanceof ValidationError || isConflict(error)) {
          const profile = await requireProfile(person.id, request.actor);
          if (error instanceof ValidationError) {
            return renderEdit(
              reply,
              request.actor,
              person,
              profile,
              body,
              error.fields,
              400,
            );
          }
          // Saving again now means saving over the newer version, knowingly:
          // the page says what the other person saved, field by field.
          const values = { ...body, updatedAt: profile.updatedAt };
          const errors = { 'profile-form': (error as AppError).message };
          return renderEdit(
            reply,
            request.actor,
            person,
            profile,
            values,
            errors,
            409,
            conflictingFields(formValues(profile), body),
          );
        }
        throw error;
      }
      request.log.info({ personId: person.id }, 'profile updated');
      return reply.redirect(`/people/${person.id}?updated=1`, 303);
    },
  );

  async function requireProfile(
    id: number,
    reader: Actor,
  ): Promise<PersonProfile> {
    const profile = await getPersonProfile(db, id);
    if (!profile) {
      throw new NotFoundError('PERSON_NOT_FOUND', 'Person not found');
    }
    return can(reader, { name: 'directory.read' })
      ? profile
      : withoutStructure(profile);
  }

  async function renderEdit(
    reply: FastifyReply,
    actor: Actor,
    person: PersonThing,
    profile: PersonProfile,
    values: Record<string, unknown>,
    errors?: Readonly<Record<string, string>>,
    status = 200,
    conflicts: ConflictingField[] = [],
  ) {
    return reply.render(
      'people/views/edit.njk',
      {
        conflicts,
        person: profile,
        values,
        errors,
        departments: await listDepartmentOptions(db),
        canEditAccount: can(actor, { name: 'person.editAccount', person }),
        canEditPlacement: can(actor, { name: 'person.editPlacement', person }),
        limits: PROFILE_LIMITS,
      },
      status,
    );
  }
};

function isConflict(error: unknown): boolean {
  return error instanceof AppError && error.code === 'PROFILE_CHANGED';
}

/** A profile as the edit form's fields hold it. */
function formValues(profile: PersonProfile): Record<string, unknown> {
  return {
    displayName: profile.name,
    jobTitle: profile.jobTitle ?? '',
    grade: profile.grade ?? '',
    department: profile.organisation?.slug ?? profile.department?.slug ?? '',
    unit: profile.unit?.name ?? '',
    location: profile.location ?? '',
    phone: profile.phone ?? '',
    email: profile.email ?? '',
    about: profile.about,
    skills: profile.skills.join('\n'),
    interests: profile.interests.join('\n'),
    projects: profile.projects.join('\n'),
    updatedAt: profile.updatedAt,
  };
}

const FORM_LABELS: Record<string, string> = {
  displayName: 'Full name',
  jobTitle: 'Job title',
  grade: 'Grade',
  department: 'Department or organisation',
  unit: 'Unit or team',
  location: 'Location',
  phone: 'Phone',
  email: 'E-mail address',
  about: 'About me',
  skills: 'Skills',
  interests: 'Interests',
  projects: 'Projects',
};

interface ConflictingField {
  label: string;
  saved: string;
  yours: string;
}

/** The fields where what was saved meanwhile differs from what was sent. */
function conflictingFields(
  saved: Record<string, unknown>,
  sent: Record<string, unknown>,
): ConflictingField[] {
  const text = (value: unknown) =>
    typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
  return Object.entries(FORM_LABELS).flatMap(([field, label]) => {
    const before = text(saved[field]);
    const after = text(sent[field]);
    return before === after ? [] : [{ label, saved: before, yours: after }];
  });
}
