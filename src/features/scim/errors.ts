import type { FastifyError } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { FieldValidator } from '../../platform/validation.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The error types RFC 7644 section 3.12 defines for status 400. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** An error a SCIM client is told in the protocol's own error shape. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export function invalidValue(detail: string): ScimError {
  return new ScimError(400, detail, 'invalidValue');
}

export function invalidSyntax(detail: string): ScimError {
  return new ScimError(400, detail, 'invalidSyntax');
}

export function invalidFilter(detail: string): ScimError {
  return new ScimError(400, detail, 'invalidFilter');
}

export function invalidPath(detail: string): ScimError {
  return new ScimError(400, detail, 'invalidPath');
}

export function notFound(resource: string, id: string): ScimError {
  return new ScimError(404, `${resource} ${id} not found`);
}

/** The body of an error response: `status` is a string, as the RFC says. */
export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function errorBody(error: ScimError): ScimErrorBody {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.detail,
  };
}

// Fastify's refusals of a body it could not read. A body that is not JSON
// at all is a syntax error; a body too large (413) or of a type we do not
// read (415) has no SCIM error type.
const SYNTAX_CODES = new Set([
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
]);

// Changes refused because of the state a person is in. RFC 7644 section
// 3.12 gives 409 to uniqueness alone, and a provider reads a 409 as a
// clash over a unique value; 400 mutability is the RFC's "not compatible
// with the target attribute's mutability or current state", which says
// what happened and that sending the same change again will not help.
const STATE_REFUSALS: Readonly<Record<string, string>> = {
  LAST_ADMINISTRATOR:
    "This User is the site's only active administrator: make someone " +
    'else an administrator before deactivating or deleting them',
  ACCOUNT_CLOSED:
    'This User was deleted through SCIM and cannot be switched back on; ' +
    'create them again instead',
};

/**
 * Any error raised while serving a SCIM request, as a ScimError. Field
 * validation failures become invalidValue naming each attribute;
 * anything unexpected is a plain 500 whose cause is only logged.
 */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) {
    return error;
  }
  if (isUniqueViolation(error)) {
    // Two requests claimed the same value at once; the checks before the
    // write saw it free, the unique index did not.
    return new ScimError(
      409,
      'The userName, e-mail address or group name is already taken',
      'uniqueness',
    );
  }
  if (error instanceof AppError) {
    const refusal = STATE_REFUSALS[error.code];
    if (refusal !== undefined) {
      return new ScimError(400, refusal, 'mutability');
    }
    if (error.fields) {
      const detail = Object.values(error.fields).join('; ');
      return invalidValue(detail || error.message);
    }
    return new ScimError(error.status, error.message);
  }
  const fastify = error as Partial<FastifyError> | undefined;
  const status = fastify?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) {
      return new ScimError(413, 'The request body is larger than 1 MiB');
    }
    if (SYNTAX_CODES.has(fastify?.code ?? '')) {
      return invalidSyntax('The request body is not valid JSON');
    }
    if (status === 400) {
      return invalidSyntax(fastify?.message ?? 'The request is not valid');
    }
    return new ScimError(status, fastify?.message ?? 'Request refused');
  }
  return new ScimError(500, 'The request could not be completed');
}

export { isUniqueViolation } from '../../platform/db/errors.ts';

/**
 * One 400 invalidValue naming every attribute a validator refused, so a
 * client learns of all its mistakes at once.
 */
export function throwIfFailed(form: FieldValidator): void {
  if (form.failed) {
    throw invalidValue(Object.values(form.errors).join('; '));
  }
}
