import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { isTimeZone } from '../../platform/time-zones.ts';
import type { AdminOptions } from './plugin.ts';
import { adminActor, administrator } from './plugin.ts';
import {
  deletePartner,
  listPartners,
  readPartner,
  savePartner,
} from './partners.ts';
import { getSetting, setSetting } from './settings.ts';
import type { SiteSettings } from './settings.ts';

/** Site settings and the partner organisations guests come from. */
export const adminSettings: FastifyPluginAsync<AdminOptions> = async (
  app,
  { db, config },
) => {
  app.get('/admin/settings', async (request, reply) =>
    reply.render('admin/views/settings.njk', {
      values: {
        localSignIn: await getSetting(db, 'localSignIn'),
        publicReading: await getSetting(db, 'publicReading'),
        timeZone: await getSetting(db, 'timeZone'),
      },
      providers: config.oidcProviders.map((provider) => provider.name),
      saved: (request.query as Record<string, unknown>).saved === '1',
    }),
  );

  app.post('/admin/settings', async (request, reply) => {
    const admin = administrator(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values: Pick<
      SiteSettings,
      'localSignIn' | 'publicReading' | 'timeZone'
    > = {
      localSignIn: body.localSignIn === 'on',
      publicReading: body.publicReading === 'on',
      // A form from before the zone was on the page leaves it as it was.
      timeZone:
        typeof body.timeZone === 'string'
          ? body.timeZone.trim()
          : await getSetting(db, 'timeZone'),
    };
    const errors: Record<string, string> = {};
    if (!values.localSignIn && config.oidcProviders.length === 0) {
      errors.localSignIn =
        'Password sign-in cannot be switched off: no other way to ' +
        'sign in is set up, so nobody could sign in';
      values.localSignIn = true;
    }
    if (!isTimeZone(values.timeZone)) {
      errors.timeZone =
        'Enter a time zone by its IANA name, like Europe/London';
    }
    if (Object.keys(errors).length > 0) {
      return reply.render(
        'admin/views/settings.njk',
        {
          values,
          providers: config.oidcProviders.map((provider) => provider.name),
          errors,
        },
        400,
      );
    }
    // Only what changed goes into the audit log: saving the form as it
    // was is not a change anyone needs to trace.
    await db.transaction().execute(async (trx) => {
      for (const key of ['localSignIn', 'publicReading'] as const) {
        if ((await getSetting(trx, key)) !== values[key]) {
          await setSetting(trx, key, values[key], adminActor(admin));
        }
      }
      if ((await getSetting(trx, 'timeZone')) !== values.timeZone) {
        await setSetting(trx, 'timeZone', values.timeZone, adminActor(admin));
      }
    });
    return reply.redirect('/admin/settings?saved=1', 303);
  });

  app.get('/admin/partners', async (_request, reply) =>
    reply.render('admin/views/partners.njk', {
      partners: await listPartners(db),
      values: {},
    }),
  );

  app.post('/admin/partners', async (request, reply) => {
    const admin = administrator(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const partner = await readPartner(db, body);
      await db
        .transaction()
        .execute((trx) => savePartner(trx, partner, adminActor(admin)));
    } catch (error) {
      if (error instanceof ValidationError) {
        return reply.render(
          'admin/views/partners.njk',
          {
            partners: await listPartners(db),
            values: body,
            errors: error.fields,
          },
          400,
        );
      }
      throw error;
    }
    return reply.redirect('/admin/partners', 303);
  });

  app.post<{ Params: { id: string } }>(
    '/admin/partners/:id/delete',
    async (request, reply) => {
      const admin = administrator(request);
      const id = /^\d{1,9}$/.test(request.params.id)
        ? Number(request.params.id)
        : 0;
      const deleted = await db
        .transaction()
        .execute((trx) => deletePartner(trx, id, adminActor(admin)));
      if (!deleted) {
        throw new NotFoundError('PARTNER_NOT_FOUND', 'Partner not found');
      }
      return reply.redirect('/admin/partners', 303);
    },
  );
};
