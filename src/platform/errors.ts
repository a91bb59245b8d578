/**
 * An error the user should see: an HTTP status, a stable code that API
 * clients may rely on, a message in plain English and, for validation, one
 * message per field. The error handler turns it into a GOV.UK page or JSON.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The thing does not exist, or the reader may not know that it does. */
export class NotFoundError extends AppError {
  constructor(code = 'NOT_FOUND', message = 'Page not found') {
    super(404, code, message);
  }
}

/** The reader is known and may not do this. */
export class ForbiddenError extends AppError {
  constructor(
    code = 'FORBIDDEN',
    message = 'You do not have permission to do that',
  ) {
    super(403, code, message);
  }
}

/** Nobody is signed in, and this needs someone who is. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in to continue') {
    super(401, 'UNAUTHENTICATED', message);
  }
}

/** Input failed validation; `fields` maps each field to its message. */
export class ValidationError extends AppError {
  constructor(
    fields: Readonly<Record<string, string>>,
    message = 'Some of the values are not valid',
    status = 422,
  ) {
    super(status, 'VALIDATION_FAILED', message, fields);
  }
}
