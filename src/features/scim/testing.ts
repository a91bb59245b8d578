import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Db } from '../../database.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { createScimToken } from './tokens.ts';
import { ENTERPRISE_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './urns.ts';

/** An Authorization header with a new SCIM token. */
export async function scimAuthorization(db: Db): Promise<string> {
  const { token } = await createScimToken(db, `Test provider ${nextNumber()}`, {
    actor: SYSTEM_ACTOR,
  });
  return `Bearer ${token}`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A SCIM client over `app.inject()`, sending application/scim+json. */
export class TestScimClient {
  constructor(
    private readonly app: FastifyInstance,
    private readonly authorization: string,
  ) {}

  send(
    method: Method,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url: `/scim/v2${path}`,
      headers: {
        authorization: this.authorization,
        ...(body === undefined
          ? {}
          : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  }

  get(path: string) {
    return this.send('GET', path);
  }

  post(path: string, body: unknown) {
    return this.send('POST', path, body);
  }

  put(path: string, body: unknown) {
    return this.send('PUT', path, body);
  }

  /** PATCH with the given operations in a PatchOp body. */
  patch(path: string, operations: unknown[]) {
    return this.send('PATCH', path, {
      schemas: [PATCH_SCHEMA],
      Operations: operations,
    });
  }

  delete(path: string) {
    return this.send('DELETE', path);
  }

  /** Creates a User and returns its id; fails the test if it cannot. */
  async createUser(overrides: Record<string, unknown> = {}): Promise<string> {
    const response = await this.post('/Users', userBody(overrides));
    if (response.statusCode !== 201) {
      throw new Error(
        `creating a User: ${response.statusCode} ${response.body}`,
      );
    }
    return (response.json() as { id: string }).id;
  }
}

/** A User with a unique userName and e-mail address; override anything. */
export function userBody(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const n = nextNumber();
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
    userName: `user${n}@example.gov.uk`,
    name: { givenName: 'Test', familyName: `User ${n}` },
    emails: [{ value: `user${n}@example.gov.uk`, type: 'work', primary: true }],
    active: true,
    ...overrides,
  };
}
