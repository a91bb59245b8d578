import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  ENTERPRISE_SCHEMA_DEF,
  GROUP_SCHEMA_DEF,
  USER_SCHEMA_DEF,
} from './attributes.ts';
import type { AttributeDef, SchemaDef } from './attributes.ts';
import type { ScimOptions } from './context.ts';
import type { JsonObject } from './documents.ts';
import { ScimError } from './errors.ts';
import { MAX_RESULTS } from './listing.ts';
import {
  CONFIG_SCHEMA,
  ENTERPRISE_SCHEMA,
  GROUP_SCHEMA,
  LIST_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SCIM_CONTENT_TYPE,
  USER_SCHEMA,
} from './urns.ts';

// What this service supports, for clients that discover it (RFC 7644
// section 4). It is built from the same definitions the requests are read
// with, so the two cannot drift apart.

function serviceProviderConfig(base: URL): JsonObject {
  return {
    schemas: [CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description:
          'A SCIM token from a site administrator, as a bearer token',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: new URL('ServiceProviderConfig', base).href,
    },
  };
}

function resourceTypes(base: URL): JsonObject[] {
  const type = (
    id: string,
    endpoint: string,
    description: string,
    schema: string,
    extensions: string[],
  ) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id,
    name: id,
    endpoint,
    description,
    schema,
    schemaExtensions: extensions.map((uri) => ({
      schema: uri,
      required: false,
    })),
    meta: {
      resourceType: 'ResourceType',
      location: new URL(`ResourceTypes/${id}`, base).href,
    },
  });
  return [
    type('User', '/Users', 'A person who works here', USER_SCHEMA, [
      ENTERPRISE_SCHEMA,
    ]),
    type('Group', '/Groups', 'A directory group', GROUP_SCHEMA, []),
  ];
}

/** An attribute as section 7 of RFC 7643 lists it. */
function describeAttribute(def: AttributeDef): JsonObject {
  const { common: _common, subAttributes, ...rest } = def;
  return {
    ...rest,
    ...(subAttributes
      ? { subAttributes: subAttributes.map(describeAttribute) }
      : {}),
  };
}

function schemaResource(schema: SchemaDef, base: URL): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes
      .filter((def) => !def.common)
      .map(describeAttribute),
    meta: {
      resourceType: 'Schema',
      location: new URL(`Schemas/${schema.id}`, base).href,
    },
  };
}

function list(resources: JsonObject[]): JsonObject {
  return {
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** Section 4: a filter on these endpoints SHOULD be refused with 403. */
function refuseFilter(request: FastifyRequest): void {
  if ((request.query as Record<string, unknown>).filter !== undefined) {
    throw new ScimError(403, 'These endpoints cannot be filtered');
  }
}

export const discoveryRoutes: FastifyPluginAsync<ScimOptions> = async (
  app,
  { base },
) => {
  const schemas = [USER_SCHEMA_DEF, ENTERPRISE_SCHEMA_DEF, GROUP_SCHEMA_DEF];

  app.get('/ServiceProviderConfig', async (request, reply) => {
    refuseFilter(request);
    return reply.type(SCIM_CONTENT_TYPE).send(serviceProviderConfig(base));
  });

  app.get('/ResourceTypes', async (request, reply) => {
    refuseFilter(request);
    return reply.type(SCIM_CONTENT_TYPE).send(list(resourceTypes(base)));
  });

  app.get<{ Params: { id: string } }>(
    '/ResourceTypes/:id',
    async (request, reply) => {
      const found = resourceTypes(base).find(
        (type) => type.id === request.params.id,
      );
      if (!found) {
        throw new ScimError(404, `No resource type ${request.params.id}`);
      }
      return reply.type(SCIM_CONTENT_TYPE).send(found);
    },
  );

  app.get('/Schemas', async (request, reply) => {
    refuseFilter(request);
    const resources = schemas.map((schema) => schemaResource(schema, base));
    return reply.type(SCIM_CONTENT_TYPE).send(list(resources));
  });

  app.get<{ Params: { id: string } }>(
    '/Schemas/:id',
    async (request, reply) => {
      const found = schemas.find((schema) => schema.id === request.params.id);
      if (!found) {
        throw new ScimError(404, `No schema ${request.params.id}`);
      }
      return reply.type(SCIM_CONTENT_TYPE).send(schemaResource(found, base));
    },
  );
};
