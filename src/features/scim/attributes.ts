import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns.ts';

/**
 * The attributes this service supports, in the terms of RFC 7643 section
 * 7. The same definitions name attributes in requests (case-insensitively,
 * as section 2.1 says), decide what a request may change, and are served
 * at /Schemas, so what we advertise is what we do.
 */
export interface AttributeDef {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable';
  returned: 'always' | 'default';
  uniqueness: 'none' | 'server';
  description: string;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
  /** One of RFC 7643's common attributes, not listed in a schema. */
  common?: boolean;
}

/** A schema's attributes: the core schema's or an extension's. */
export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

/** A resource type: its core schema and the extensions it may carry. */
export interface ResourceModel {
  core: SchemaDef;
  extensions: SchemaDef[];
}

function attr(
  name: string,
  description: string,
  options: Partial<AttributeDef> = {},
): AttributeDef {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description,
    ...options,
  };
}

const ID = attr('id', 'The identifier we give the resource.', {
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
  common: true,
});
const EXTERNAL_ID = attr(
  'externalId',
  "The provisioning client's own identifier for the resource.",
  { caseExact: true, common: true },
);

/** type, value and primary, as emails and phone numbers have them. */
function valueList(name: string, what: string): AttributeDef {
  return attr(name, `The person's ${what}; the work one is kept.`, {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', `The ${what.replace(/s$/, '')}.`),
      attr('type', 'What kind it is.', {
        canonicalValues: ['work', 'home', 'other'],
      }),
      attr('primary', 'Whether it is the preferred one.', {
        type: 'boolean',
      }),
    ],
  });
}

export const USER_SCHEMA_DEF: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'A person who works here',
  attributes: [
    ID,
    EXTERNAL_ID,
    attr('userName', 'The name the person signs in with; unique.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('name', "The parts of the person's name.", {
      type: 'complex',
      subAttributes: [
        attr('formatted', 'The full name, as displayed.'),
        attr('familyName', 'The family name.'),
        attr('givenName', 'The given name.'),
      ],
    }),
    attr('displayName', 'The name shown across the site.'),
    attr('title', 'The job title.'),
    attr('active', 'Whether the person may sign in.', { type: 'boolean' }),
    valueList('emails', 'e-mail addresses'),
    valueList('phoneNumbers', 'phone numbers'),
    attr('addresses', 'Where the person works; the work locality is kept.', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attr('type', 'What kind of address it is.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attr('locality', 'The city or town.'),
        attr('primary', 'Whether it is the preferred one.', {
          type: 'boolean',
        }),
      ],
    }),
    attr('groups', 'The groups the person belongs to.', {
      type: 'complex',
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'The id of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'The address of the group.', {
          type: 'reference',
          referenceTypes: ['Group'],
          mutability: 'readOnly',
        }),
        attr('display', 'The name of the group.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const ENTERPRISE_SCHEMA_DEF: SchemaDef = {
  id: ENTERPRISE_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Where a person sits in the organisation',
  attributes: [
    attr('employeeNumber', 'The number HR knows the person by.'),
    attr('department', 'The department, by name.'),
    attr('manager', "The person's manager.", {
      type: 'complex',
      subAttributes: [
        attr('value', 'The id of the manager as a User.'),
        attr('$ref', 'The address of the manager.', {
          type: 'reference',
          referenceTypes: ['User'],
          mutability: 'readOnly',
        }),
        attr('displayName', 'The name of the manager.', {
          mutability: 'readOnly',
        }),
      ],
    }),
  ],
};

export const GROUP_SCHEMA_DEF: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'A directory group the identity provider manages',
  attributes: [
    ID,
    EXTERNAL_ID,
    attr('displayName', 'The name of the group; unique.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('members', 'The people in the group.', {
      type: 'complex',
      multiValued: true,
      subAttributes: [
        attr('value', 'The id of a User.', { mutability: 'immutable' }),
        attr('$ref', 'The address of the User.', {
          type: 'reference',
          referenceTypes: ['User'],
          mutability: 'immutable',
        }),
        attr('display', 'The name of the User.', { mutability: 'readOnly' }),
        attr('type', 'What kind of member it is.', {
          canonicalValues: ['User'],
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};

export const USER_MODEL: ResourceModel = {
  core: USER_SCHEMA_DEF,
  extensions: [ENTERPRISE_SCHEMA_DEF],
};

export const GROUP_MODEL: ResourceModel = {
  core: GROUP_SCHEMA_DEF,
  extensions: [],
};

/** A definition by name, compared without case. */
export function findAttribute(
  list: readonly AttributeDef[] | undefined,
  name: string,
): AttributeDef | undefined {
  const wanted = name.toLowerCase();
  return list?.find((def) => def.name.toLowerCase() === wanted);
}

/** The schema of a model with this URI, compared without case. */
export function findSchema(
  model: ResourceModel,
  uri: string,
): SchemaDef | undefined {
  const wanted = uri.toLowerCase();
  return [model.core, ...model.extensions].find(
    (schema) => schema.id.toLowerCase() === wanted,
  );
}
