import { ValidationError } from '../../platform/errors.ts';

// Streams are paged by a cursor, not by page numbers: new events arrive at
// the top all the time, and an offset would then show some twice. The
// cursor is opaque to clients; it holds the (time, id) of the last item.

export interface StreamCursor {
  createdAt: string;
  id: number;
}

export function encodeCursor(cursor: StreamCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

/** Reads `?before=`; anything it did not make is a 400, not a guess. */
export function decodeCursor(raw: unknown): StreamCursor | null {
  if (raw === undefined || raw === '') {
    return null;
  }
  const text =
    typeof raw === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(raw)
      ? Buffer.from(raw, 'base64url').toString()
      : '';
  const match =
    /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z)\|(\d{1,12})$/.exec(text);
  const createdAt = match?.[1];
  const id = Number(match?.[2]);
  if (!createdAt || !isRealInstant(createdAt) || !isRowId(id)) {
    throw new ValidationError(
      { before: 'The place in the list to continue from is not valid' },
      'The page requested is not valid',
      400,
    );
  }
  return { createdAt, id };
}

/** The largest id an integer column holds on PostgreSQL. */
export const MAX_ROW_ID = 2147483647;

export function isRowId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}

/** True for a time that exists: no 13th month, 45th day or 99th hour. */
function isRealInstant(text: string): boolean {
  const time = new Date(text);
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1) {
    return false;
  }
  // Date rolls 2026-02-30 over into March: the text must survive a round trip.
  return time.toISOString().slice(0, 19) === text.slice(0, 19);
}
