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
  if (!match?.[1] || !match[2]) {
    throw new ValidationError(
      { before: 'The place in the list to continue from is not valid' },
      'The page requested is not valid',
      400,
    );
  }
  return { createdAt: match[1], id: Number(match[2]) };
}
