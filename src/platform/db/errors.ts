/**
 * Whether a database error is a unique index refusing a row: the last line
 * of defence when two requests claim the same name, slug or address at
 * the same moment and both found it free.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
