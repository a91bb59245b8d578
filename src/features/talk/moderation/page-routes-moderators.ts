import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { pageCount, readPageRequest } from '../../../platform/pagination.ts';
import type { PageContext } from '../../../platform/views.ts';
import { readPersonIdParam } from '../../groups/api-support.ts';
import { personOf } from '../../groups/page-support.ts';
import { findAccountByEmail } from '../../people/accounts.ts';
import {
  categoryPath,
  formErrors,
  formOf,
  paginationFor,
  queryOf,
  signedIn,
  TALK_CRUMB,
  textOf,
} from '../page-routes-support.ts';
import { mayAppointIn, requireReadablePlace } from '../places.ts';
import { asksForApproval } from './approval.ts';
import {
  appointModerator,
  listModerators,
  removeModerator,
  setApproval,
} from './moderators.ts';

// A category's moderators: the list (for its moderators), and for those
// who may appoint, the forms to add someone by e-mail address, remove
// them, and switch approval of new members' first posts.

type CategoryParams = { Params: { category: string } };
type ModeratorParams = { Params: { category: string; personId: string } };

function moderatorsPath(slug: string): string {
  return `${categoryPath(slug)}/moderators`;
}

export const moderatorPages: FastifyPluginAsync<{
  db: Db;
  crumb: { text: string; href: string };
}> = async (app, { db, crumb }) => {
  async function renderModerators(
    request: FastifyRequest<CategoryParams>,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
  ) {
    const actor = personOf(request);
    const page = readPageRequest(queryOf(request));
    const place = await requireReadablePlace(
      db,
      actor,
      request.params.category,
    );
    const result = await listModerators(db, place, page);
    if (page.page > pageCount(result.total, page.pageSize)) {
      throw new ValidationError({ page: 'There is no such page' });
    }
    const here = moderatorsPath(place.category.slug);
    return reply.render(
      'talk/moderation/views/moderators.njk',
      {
        breadcrumbs: [
          TALK_CRUMB,
          crumb,
          {
            text: place.category.name,
            href: categoryPath(place.category.slug),
          },
        ],
        category: { name: place.category.name, group: place.group !== null },
        moderators: result.items,
        total: result.total,
        pagination: paginationFor(request.url, page, result.total),
        here,
        mayAppoint: mayAppointIn(actor, place),
        approval: await asksForApproval(db, place),
        values: { email: '' },
        ...context,
      },
      status,
    );
  }

  app.get<CategoryParams>(
    '/talk/categories/:category/moderators',
    signedIn,
    (request, reply) => renderModerators(request, reply),
  );

  app.post<CategoryParams>(
    '/talk/categories/:category/moderators',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const values = { email: textOf(formOf(request).email).trim() };
      const errors = await formErrors(() =>
        db.transaction().execute(async (trx) => {
          const place = await requireReadablePlace(
            trx,
            actor,
            request.params.category,
          );
          const account = values.email
            ? await findAccountByEmail(trx, values.email)
            : undefined;
          if (!account || !account.active) {
            throw new ValidationError({
              email: values.email
                ? 'There is nobody with that email address'
                : 'Enter the email address of the person to appoint',
            });
          }
          await appointModerator(trx, actor, place, account.id).catch(
            (error: unknown) => {
              // The service names the field `person`; here it is typed
              // in as an e-mail address.
              if (error instanceof ValidationError && error.fields?.person) {
                throw new ValidationError({ email: error.fields.person });
              }
              throw error;
            },
          );
        }),
      );
      if (errors) {
        return renderModerators(request, reply, { values, errors }, 400);
      }
      return reply.redirect(moderatorsPath(request.params.category), 303);
    },
  );

  app.post<ModeratorParams>(
    '/talk/categories/:category/moderators/:personId/remove',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const personId = readPersonIdParam(request.params.personId);
      await db.transaction().execute(async (trx) => {
        const place = await requireReadablePlace(
          trx,
          actor,
          request.params.category,
        );
        await removeModerator(trx, actor, place, personId);
      });
      return reply.redirect(moderatorsPath(request.params.category), 303);
    },
  );

  app.post<CategoryParams>(
    '/talk/categories/:category/approval',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const required = formOf(request).required === 'yes';
      await db.transaction().execute(async (trx) => {
        const place = await requireReadablePlace(
          trx,
          actor,
          request.params.category,
        );
        await setApproval(trx, actor, place, required);
      });
      return reply.redirect(moderatorsPath(request.params.category), 303);
    },
  );
};
