import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PersonActor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import type { Kysely } from 'kysely';
import {
  UnauthenticatedError,
  ValidationError,
} from '../../platform/errors.ts';
import { EMAIL_KINDS, getEmailChoices } from './preferences.ts';
import type { EmailChoices } from './preferences.ts';
import { KIND_NAMES, WEEKDAYS, kindField, readEmailChoices } from './input.ts';
import { saveEmailChoices } from './settings.ts';

// A person's e-mail choices: the page /account/email and the API
// /api/v1/account/email-preferences. The one-click unsubscribe, which
// needs no session, is in unsubscribe-routes.ts.

function signedIn(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

function choicesJson(choices: EmailChoices) {
  return {
    frequencies: choices.frequencies,
    digestHour: choices.digestHour,
    timeZone: choices.timeZone,
    weeklyDay: choices.weeklyDay,
  };
}

export const emailPreferenceRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  // Guests get notifications from their groups, so e-mail choices too.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'signed-in' };
  });

  async function save(actor: PersonActor, choices: EmailChoices) {
    await db
      .transaction()
      .execute((trx) => saveEmailChoices(trx, actor.id, choices));
  }

  function renderPage(
    reply: FastifyReply,
    values: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    return reply.render(
      'email/views/account-email.njk',
      {
        kinds: EMAIL_KINDS.map((kind) => ({
          field: kindField(kind),
          name: KIND_NAMES[kind],
          value: values[kindField(kind)],
        })),
        hours: Array.from({ length: 24 }, (_, hour) => ({
          value: String(hour),
          text: `${String(hour).padStart(2, '0')}:00`,
        })),
        weekdays: WEEKDAYS.map((text, index) => ({
          value: String(index + 1),
          text,
        })),
        values,
        ...extra,
      },
      status,
    );
  }

  function formValues(choices: EmailChoices): Record<string, unknown> {
    return {
      ...Object.fromEntries(
        EMAIL_KINDS.map((kind) => [kindField(kind), choices.frequencies[kind]]),
      ),
      digestHour: String(choices.digestHour),
      timeZone: choices.timeZone,
      weeklyDay: String(choices.weeklyDay),
    };
  }

  app.get('/account/email', async (request, reply) => {
    const actor = signedIn(request);
    const choices = await getEmailChoices(db, actor.id);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return renderPage(reply, formValues(choices), { saved });
  });

  app.post('/account/email', async (request, reply) => {
    const actor = signedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const current = await getEmailChoices(db, actor.id);
    try {
      await save(actor, readEmailChoices(body, current, 'form'));
    } catch (error) {
      if (error instanceof ValidationError) {
        const values = { ...formValues(current), ...body };
        return renderPage(reply, values, { errors: error.fields }, 400);
      }
      throw error;
    }
    return reply.redirect('/account/email?saved=1', 303);
  });

  app.get('/api/v1/account/email-preferences', async (request) => {
    const actor = signedIn(request);
    return choicesJson(await getEmailChoices(db, actor.id));
  });

  app.put('/api/v1/account/email-preferences', async (request) => {
    const actor = signedIn(request);
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationError(
        { body: 'Send a JSON object' },
        'Send a JSON object',
      );
    }
    const current = await getEmailChoices(db, actor.id);
    const choices = readEmailChoices(
      body as Record<string, unknown>,
      current,
      'api',
    );
    await save(actor, choices);
    return choicesJson(choices);
  });
};
