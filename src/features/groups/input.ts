import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { slugify } from '../../platform/text.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { isSlugFree, suggestSlug } from './groups.ts';
import type { GroupChanges, NewGroup } from './groups.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';

// Checks of what people send to create or change a group, shared by the
// pages and the API so that both refuse the same things in the same words.

export const NAME_MAX = 120;
export const DESCRIPTION_MAX = 20_000;
const SLUG_MAX = 80;

export const VISIBILITIES: readonly GroupVisibility[] = [
  'open',
  'closed',
  'secret',
];
export const ROLES: readonly GroupRole[] = ['owner', 'admin', 'member'];

// Letters and digits of any script, with single hyphens between them: what
// `slugify` makes, and what a person may type instead.
const SLUG =
  /^[\p{Ll}\p{Lo}\p{Lm}\p{N}\p{M}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{N}\p{M}]+)*$/u;

/** A new group's web address is taken; `suggestion` is free. */
export class SlugTakenError extends ValidationError {
  constructor(
    slug: string,
    readonly suggestion: string,
    /** The slug the person typed, or null when it was made from the name. */
    readonly chosen: string | null,
  ) {
    super(
      { slug: `A group already uses ${slug}. Try ${suggestion}` },
      'That web address is taken',
      409,
    );
  }
}

/**
 * Checks a new group; a slug left out is made from the name. A slug
 * someone chose that is taken is refused with a suggestion; with
 * `pickFreeSlug`, one made from the name takes that suggestion instead
 * (the API does this: a program has nobody to read the suggestion).
 */
export async function readNewGroup(
  db: Db,
  input: Record<string, unknown>,
  options: { pickFreeSlug?: boolean } = {},
): Promise<NewGroup> {
  const fields = new FieldValidator(input);
  const name = fields.text('name', {
    label: 'Name',
    max: NAME_MAX,
    required: true,
  });
  const chosen = fields.text('slug', { label: 'Web address', max: SLUG_MAX });
  const description = fields.text('description', {
    label: 'Description',
    max: DESCRIPTION_MAX,
    multiline: true,
  });
  const visibility = readVisibility(fields, input, true);
  if (chosen !== null && !SLUG.test(chosen)) {
    fields.fail(
      'slug',
      'Web address must be lower-case letters or digits, with hyphens between words',
    );
  }
  fields.done();

  let slug = chosen ?? slugify(name ?? '', 'group');
  if (chosen === null && options.pickFreeSlug === true) {
    slug = await suggestSlug(db, slug);
  } else if (!(await isSlugFree(db, slug))) {
    throw new SlugTakenError(slug, await suggestSlug(db, slug), chosen);
  }
  return {
    slug,
    name: name ?? '',
    description: description ?? '',
    visibility: visibility ?? 'open',
  };
}

/** Checks changes to a group; only the fields sent are changed. */
export function readGroupChanges(input: Record<string, unknown>): GroupChanges {
  const fields = new FieldValidator(input);
  const changes: GroupChanges = {};
  if (fields.has('name')) {
    const name = fields.text('name', {
      label: 'Name',
      max: NAME_MAX,
      required: true,
    });
    if (name !== null) {
      changes.name = name;
    }
  }
  if (fields.has('description')) {
    changes.description =
      fields.text('description', {
        label: 'Description',
        max: DESCRIPTION_MAX,
        multiline: true,
      }) ?? '';
  }
  const visibility = readVisibility(fields, input, false);
  if (visibility !== null) {
    changes.visibility = visibility;
  }
  if (fields.has('slug')) {
    fields.fail('slug', 'A group’s web address cannot change');
  }
  fields.done();
  return changes;
}

function readVisibility(
  fields: FieldValidator,
  input: Record<string, unknown>,
  required: boolean,
): GroupVisibility | null {
  const raw = input.visibility;
  if (raw === undefined || raw === null || raw === '') {
    if (required) {
      fields.fail('visibility', 'Choose who can see the group');
    }
    return null;
  }
  if (!VISIBILITIES.includes(raw as GroupVisibility)) {
    fields.fail('visibility', 'Visibility must be open, closed or secret');
    return null;
  }
  return raw as GroupVisibility;
}

/** Checks a member role sent by a form or the API. */
export function readRole(input: Record<string, unknown>): GroupRole {
  const raw = input.role;
  if (!ROLES.includes(raw as GroupRole)) {
    throw new ValidationError({ role: 'Role must be owner, admin or member' });
  }
  return raw as GroupRole;
}
