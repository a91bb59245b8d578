import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import { canInGroup } from '../../access/groups.ts';
import { isolate } from '../../platform/views.ts';
import type { Database, Db } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { callerOf } from '../groups/api-support.ts';
import { ensureGroupBlog, ensurePersonBlog } from './blogs.ts';
import { readPostFields } from './input.ts';
import type { PostFields } from './input.ts';
import {
  AUDIENCE_LABELS,
  blogCrumbs,
  blogView,
  BLOGS_CRUMB,
  formOf,
  queryOf,
  signedIn,
  siteTimeZone,
  textOf,
} from './page-support.ts';
import { blogPath, postPath } from './representations.ts';
import {
  localFieldsOf,
  readLocalSchedule,
  requireFuture,
} from './scheduling.ts';
import type { LocalSchedule } from './scheduling.ts';
import { editPost, openPost, removePost, writePost } from './service.ts';
import type { BlogForReader } from './things.ts';
import { requireBlogFor } from './things.ts';
import { audiencesFor } from './writing.ts';

// Writing, editing and deleting posts in forms. A scheduled time is a
// date and time on the SITE's clock; when the clocks skip or repeat it,
// the first POST answers with the form and the instant it will mean, and
// only a second POST with that instant confirmed saves (BUG-22).

type BlogParams = { Params: { blog: string } };
type PostParams = { Params: { blog: string; post: string } };
type SavedPost = { blog: { slug: string }; post: { id: number; slug: string } };

const FIELDS = [
  'title',
  'summary',
  'body',
  'tags',
  'authors',
  'audience',
  'status',
  'publishDate',
  'publishTime',
  'confirmedAt',
] as const;

type FormValues = Record<(typeof FIELDS)[number], string>;

function valuesOf(form: Record<string, unknown>): FormValues {
  const values = {} as FormValues;
  for (const field of FIELDS) {
    values[field] = textOf(form[field]);
  }
  return values;
}

/**
 * Reads the form: the fields, and the schedule when one is asked for. A
 * time already past is an error here too (unless it is the post's own,
 * `unchangedAt`), so that it shows with the others at once.
 */
function readForm(
  values: FormValues,
  zone: string,
  now: string,
  unchangedAt: string | null = null,
) {
  const errors: Record<string, string> = {};
  let fields: Partial<PostFields> = {};
  let schedule: LocalSchedule | null = null;
  try {
    fields = readPostFields(values);
  } catch (error) {
    if (!(error instanceof ValidationError)) {
      throw error;
    }
    Object.assign(errors, error.fields);
  }
  if (values.status === 'scheduled') {
    try {
      schedule = readLocalSchedule(
        values.publishDate,
        values.publishTime,
        zone,
      );
      if (schedule.instant !== unchangedAt) {
        requireFuture(schedule.instant, now, 'publishDate');
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        throw error;
      }
      Object.assign(errors, error.fields);
    }
  }
  return { errors, fields, schedule };
}

/** True when the author must first see what a skipped or repeated time means. */
function needsConfirming(schedule: LocalSchedule | null, values: FormValues) {
  return (
    schedule !== null &&
    schedule.kind !== 'normal' &&
    values.confirmedAt !== schedule.instant
  );
}

export const blogWritePages: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  async function renderForm(
    reply: FastifyReply,
    opened: BlogForReader,
    values: FormValues,
    options: {
      action: string;
      editing: string | null;
      /** The post being edited, for its attachment form. */
      postId?: number;
      errors?: Record<string, string>;
      schedule?: LocalSchedule | null;
      status?: number;
    },
  ) {
    const actor = callerOf(reply.request);
    const confirming = options.schedule ?? null;
    return reply.render(
      'blogs/views/form.njk',
      {
        pageTitle: options.editing
          ? `Edit ${isolate(options.editing)}`
          : `New post – ${isolate(opened.blog.title)}`,
        breadcrumbs: blogCrumbs(opened.blog),
        blog: blogView(opened, actor),
        formAction: options.action,
        editing: options.editing,
        postId: options.postId ?? null,
        zone: await siteTimeZone(db),
        audiences: audiencesFor(opened.thing).map((value) => ({
          value,
          text: AUDIENCE_LABELS[value],
        })),
        values: {
          ...values,
          confirmedAt: confirming ? confirming.instant : '',
        },
        confirmation: confirming ? confirming.explanation : null,
        ...(options.errors ? { errors: options.errors } : {}),
      },
      options.status ?? 200,
    );
  }

  /** The form's errors as a page, or null when it saved. */
  function fieldErrors(error: unknown): Record<string, string> | null {
    return error instanceof AppError && error.fields
      ? { ...error.fields }
      : null;
  }

  /**
   * What both post forms do once read: show the errors again, or ask the
   * author to confirm a skipped or repeated time, or `save` in one
   * transaction and go to the post. A field the service refuses comes
   * back on the form, with nothing saved.
   */
  async function submitForm(
    reply: FastifyReply,
    opened: BlogForReader,
    values: FormValues,
    read: ReturnType<typeof readForm>,
    form: { action: string; editing: string | null },
    save: (trx: Db, instant: string | null) => Promise<SavedPost>,
  ) {
    const { errors, schedule } = read;
    if (Object.keys(errors).length > 0) {
      return renderForm(reply, opened, values, {
        ...form,
        errors,
        status: 400,
      });
    }
    if (needsConfirming(schedule, values)) {
      return renderForm(reply, opened, values, { ...form, schedule });
    }
    try {
      const saved = await db
        .transaction()
        .execute((trx) => save(trx, schedule?.instant ?? null));
      reply.request.log.info({ postId: saved.post.id }, 'blog post saved');
      return reply.redirect(postPath(saved.blog.slug, saved.post.slug), 303);
    } catch (error) {
      const failed = fieldErrors(error);
      if (!failed) {
        throw error;
      }
      return renderForm(reply, opened, values, {
        ...form,
        errors: failed,
        status: 400,
      });
    }
  }

  // Where "write in your blog" leads: blogs are made on first use, and a
  // GET must not make one, so this page asks with a button.
  app.get('/blogs/start', signedIn, async (request, reply) => {
    const group = textOf(queryOf(request).group);
    if (group === '' && callerOf(request).role === 'guest') {
      throw new ForbiddenError('BLOG_FORBIDDEN', 'Guests have no blog');
    }
    return reply.render('blogs/views/start.njk', {
      pageTitle: 'Start writing',
      breadcrumbs: [BLOGS_CRUMB],
      group,
    });
  });

  app.post('/blogs/start', signedIn, async (request, reply) => {
    const actor = callerOf(request);
    const groupSlug = textOf(formOf(request).group);
    const blog = await db.transaction().execute(async (trx) => {
      if (groupSlug === '') {
        if (actor.role === 'guest') {
          throw new ForbiddenError('BLOG_FORBIDDEN', 'Guests have no blog');
        }
        return ensurePersonBlog(trx, actor.id);
      }
      const group = await groupFor(trx, actor, groupSlug);
      return ensureGroupBlog(trx, group);
    });
    return reply.redirect(`${blogPath(blog.slug)}/new`, 303);
  });

  app.get<BlogParams>('/blogs/:blog/new', signedIn, async (request, reply) => {
    const actor = callerOf(request);
    const opened = await requireBlogFor(
      db,
      actor,
      request.params.blog,
      'blog.write',
    );
    const values = valuesOf({
      status: 'draft',
      audience: audiencesFor(opened.thing)[0],
    });
    return renderForm(reply, opened, values, {
      action: `${blogPath(opened.blog.slug)}/new`,
      editing: null,
    });
  });

  app.post<BlogParams>('/blogs/:blog/new', signedIn, async (request, reply) => {
    const actor = callerOf(request);
    const opened = await requireBlogFor(
      db,
      actor,
      request.params.blog,
      'blog.write',
    );
    const values = valuesOf(formOf(request));
    const zone = await siteTimeZone(db);
    const now = new Date().toISOString();
    const read = readForm(values, zone, now);
    const form = { action: `${blogPath(opened.blog.slug)}/new`, editing: null };
    return submitForm(reply, opened, values, read, form, (trx, instant) =>
      writePost(trx, actor, opened.blog.slug, read.fields, instant, {
        clampAudience: true,
        now,
        timeField: 'publishDate',
      }),
    );
  });

  app.get<PostParams>(
    '/blogs/:blog/:post/edit',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const now = new Date().toISOString();
      const { params } = request;
      const opened = await openPost(
        db,
        actor,
        params.blog,
        params.post,
        now,
        'post.edit',
      );
      const { post } = opened;
      const zone = await siteTimeZone(db);
      const values = valuesOf({
        title: post.title,
        summary: post.summary,
        body: post.body,
        tags: post.tags.map((tag) => tag.tag).join(', '),
        authors: '',
        audience: post.audience,
        status: post.status,
        ...localFieldsOf(post.publishAt, zone),
      });
      values.authors = await coAuthorHandles(db, post.authors.slice(1));
      return renderForm(reply, opened, values, {
        action: `${postPath(opened.blog.slug, post.slug)}/edit`,
        editing: post.title,
        postId: post.id,
      });
    },
  );

  app.post<PostParams>(
    '/blogs/:blog/:post/edit',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const now = new Date().toISOString();
      const { params } = request;
      const opened = await openPost(
        db,
        actor,
        params.blog,
        params.post,
        now,
        'post.edit',
      );
      const values = valuesOf(formOf(request));
      const zone = await siteTimeZone(db);
      const read = readForm(values, zone, now, opened.post.publishAt);
      const form = {
        action: `${postPath(opened.blog.slug, opened.post.slug)}/edit`,
        editing: opened.post.title,
      };
      return submitForm(reply, opened, values, read, form, (trx, instant) =>
        editPost(trx, actor, params.blog, params.post, read.fields, instant, {
          clampAudience: true,
          now,
          timeField: 'publishDate',
        }),
      );
    },
  );

  app.get<PostParams>(
    '/blogs/:blog/:post/delete',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const now = new Date().toISOString();
      const { params } = request;
      const opened = await openPost(
        db,
        actor,
        params.blog,
        params.post,
        now,
        'post.delete',
      );
      return reply.render('blogs/views/delete.njk', {
        pageTitle: `Delete ${isolate(opened.post.title)}`,
        breadcrumbs: blogCrumbs(opened.blog),
        post: {
          title: opened.post.title,
          path: postPath(opened.blog.slug, opened.post.slug),
        },
      });
    },
  );

  app.post<PostParams>(
    '/blogs/:blog/:post/delete',
    signedIn,
    async (request, reply) => {
      const actor = callerOf(request);
      const now = new Date().toISOString();
      const { params } = request;
      const opened = await db
        .transaction()
        .execute((trx) =>
          removePost(trx, actor, params.blog, params.post, now),
        );
      return reply.redirect(`${blogPath(opened.blog.slug)}?done=deleted`, 303);
    },
  );
};

/** The group of a group's blog, if the actor may write in it. */
async function groupFor(
  db: Db,
  actor: PersonActor,
  slug: string,
): Promise<number> {
  const group = await db
    .selectFrom('groups as g')
    .leftJoin('group_members as m', (join) =>
      join.onRef('m.group_id', '=', 'g.id').on('m.person_id', '=', actor.id),
    )
    .select(['g.id', 'g.visibility', 'm.role'])
    .where('g.slug', '=', slug)
    .executeTakeFirst();
  const thing = group && {
    id: group.id,
    visibility: group.visibility,
    role: group.role,
  };
  if (!thing || !canInGroup(actor, 'group.see', thing)) {
    throw new NotFoundError('GROUP_NOT_FOUND', 'There is no such group');
  }
  if (!canInGroup(actor, 'group.contribute', thing)) {
    throw new ForbiddenError(
      'BLOG_FORBIDDEN',
      'Only the group’s members can write in its blog',
    );
  }
  return thing.id;
}

/** Co-authors as the form lists them: by e-mail address. */
async function coAuthorHandles(
  db: Kysely<Database>,
  authors: readonly { personId: number | null }[],
): Promise<string> {
  const ids = authors.flatMap((a) => (a.personId === null ? [] : [a.personId]));
  if (ids.length === 0) {
    return '';
  }
  const rows = await db
    .selectFrom('people')
    .select(['id', 'email'])
    .where('id', 'in', ids)
    .execute();
  return ids
    .map((id) => rows.find((row) => row.id === id)?.email ?? '')
    .filter((email) => email !== '')
    .join('\n');
}
