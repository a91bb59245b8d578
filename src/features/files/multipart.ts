import { Busboy } from '@fastify/busboy';
import type { BusboyFileStream, BusboyInstance } from '@fastify/busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ValidationError } from '../../platform/errors.ts';

// Multipart forms are read as they arrive and never held in memory. The
// content-type parser reads only the small fields before the first file,
// then hands the request on; the handler pulls the files one at a time
// and streams each straight into the blob store.
//
// CSRF: the site checks the form's token in a preHandler (src/access/
// gate.ts), which runs after this parser and before the handler. So the
// token is there to check before a single byte of a file is stored, as
// long as it comes before the files: our forms put the hidden `_csrf`
// field first (browsers send fields in page order), and the drag-and-drop
// script (public/file-drop.js) only submits the form itself, so its
// order is the same. A form whose file comes first has no token in its
// body and is refused unless an `X-CSRF-Token` header carries one. API
// calls with a personal token need none.
//
// Every field must come before the first file: one after it arrives only
// once the file is stored, too late to check, so the upload is refused.

/** Where the parsed body keeps its reader: no form field can be named so. */
export const FORM_READER = Symbol('multipart form reader');

/** One file of a form, its bytes still arriving. */
export interface FilePart {
  field: string;
  /** The name the browser sent; untrusted, cleaned before any use. */
  filename: string;
  stream: BusboyFileStream;
}

// Limits on what is not a file. Descriptions are the longest field.
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 64 * 1024;

function unreadable(): AppError {
  return new AppError(
    400,
    'BAD_REQUEST',
    'The form could not be read. Try again',
  );
}

function fieldAfterFile(): ValidationError {
  return new ValidationError({
    file: "Send the form's fields before its files",
  });
}

/**
 * The file name a browser meant. The HTML standard has browsers send `"`
 * as `%22` and CR and LF as `%0D` and `%0A` in a form's file names, and
 * nothing else escaped, so only those three are turned back: a name
 * that really holds `%41` keeps it.
 */
export function browserFileName(sent: string): string {
  return sent.replace(/%(?:22|0D|0A)/gu, (escape) =>
    String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
}

/**
 * Hands out a form's files in order. Busboy announces a file only once
 * the one before it has been read to its end, so at most one is waiting
 * and memory stays flat however large the files are.
 */
export class MultipartReader {
  /** The fields sent before the first file. */
  readonly fields: Record<string, string> = {};
  /** More files were sent than the limit allows. */
  tooManyFiles = false;
  /** A field came after a file, where it can no longer be read. */
  private lateField = false;
  private readonly waiting: FilePart[] = [];
  private wake: (() => void) | undefined;
  private finished = false;
  private failure: Error | undefined;
  private sawFile = false;
  private latest: BusboyFileStream | undefined;

  constructor(private readonly busboy: BusboyInstance) {
    busboy.on('field', (name, value) => {
      if (this.sawFile) {
        this.lateField = true;
        this.poke();
      } else if (!Object.hasOwn(this.fields, name)) {
        this.fields[name] = value;
      }
    });
    busboy.on('file', (field, stream, filename) => {
      this.sawFile = true;
      this.latest = stream;
      this.waiting.push({ field, filename: browserFileName(filename), stream });
      this.poke();
    });
    busboy.on('filesLimit', () => {
      this.tooManyFiles = true;
    });
    busboy.on('finish', () => {
      this.finished = true;
      this.poke();
    });
    busboy.on('error', (error: unknown) => {
      this.failure = error instanceof Error ? error : unreadable();
      this.poke();
    });
  }

  /**
   * Ends the form with an error when the client goes away mid-upload:
   * the file being read then fails, so the store drops what it had.
   */
  abort(error: Error): void {
    if (this.finished || this.failure) {
      return;
    }
    this.failure = error;
    this.latest?.destroy(error);
    this.poke();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves once the first file has begun or the form has ended. */
  async ready(): Promise<void> {
    while (!this.sawFile && !this.finished && !this.failure) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure) {
      throw unreadable();
    }
  }

  /** The next file, or null when the form has no more. */
  async next(): Promise<FilePart | null> {
    for (;;) {
      if (this.failure) {
        throw unreadable();
      }
      if (this.lateField) {
        throw fieldAfterFile();
      }
      const part = this.waiting.shift();
      if (part) {
        return part;
      }
      if (this.finished) {
        return null;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

/** The parsed body of a multipart request. */
export type MultipartBody = Record<string, string> & {
  [FORM_READER]: MultipartReader;
};

/**
 * Adds the multipart parser to a plugin's scope. The body it gives is
 * the fields before the first file (so `_csrf` is where the CSRF check
 * reads it) with the reader under FORM_READER.
 */
export function acceptMultipart(
  app: FastifyInstance,
  options: { maxFiles: number },
): void {
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    let busboy: BusboyInstance;
    try {
      busboy = Busboy({
        headers: request.headers as { 'content-type': string },
        limits: {
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          files: options.maxFiles,
          parts: MAX_FIELDS + options.maxFiles,
          headerPairs: 20,
        },
      });
    } catch {
      done(unreadable(), undefined);
      return;
    }
    const reader = new MultipartReader(busboy);
    const cutOff = () => reader.abort(unreadable());
    payload.once('aborted', cutOff);
    payload.once('error', cutOff);
    payload.pipe(busboy);
    reader.ready().then(
      () => {
        const body = { ...reader.fields, [FORM_READER]: reader };
        done(null, body);
      },
      (error: Error) => done(error, undefined),
    );
  });
}

/** The reader of a multipart request, or null for any other body. */
export function multipartOf(request: FastifyRequest): MultipartReader | null {
  const body = request.body as Partial<MultipartBody> | undefined;
  return body && typeof body === 'object' ? (body[FORM_READER] ?? null) : null;
}

/** The text fields of a form, multipart or not. */
export function formFields(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** The error for a form that carried no file where one was needed. */
export function noFileChosen(field = 'file'): ValidationError {
  return new ValidationError({ [field]: 'Select a file' });
}
