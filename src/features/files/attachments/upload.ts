import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { PersonActor } from '../../../access/actor.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { isRasterImage } from '../../../platform/sniff.ts';
import { FieldValidator } from '../../../platform/validation.ts';
import { multipartOf } from '../multipart.ts';
import { remainingBytes } from '../quota.ts';
import {
  checkDeclaredLength,
  discardStored,
  storeFormFiles,
  storeRawBody,
} from '../receive.ts';
import { requireUpload, saveUploads } from '../service.ts';
import { RAW_BODY } from '../upload-flow.ts';
import type { UploadContext } from '../upload-flow.ts';
import type { RecordedUpload, StoredUpload } from '../versions.ts';
import { cannotAttach, itemNotFound } from './items.ts';
import type { AttachmentItem } from './items.ts';

// Attaching files to an item, through the files feature's upload steps:
// who may attach and the declared length are checked before a byte is
// read, the small fields before the files, then the bytes are streamed
// into the store. Only then is the type known, from the bytes: an image
// without alternative text (or a "decorative" tick) is refused and its
// bytes forgotten, as is anything else that fails.

/** What an upload says about its image's alternative text. */
export interface AltChoice {
  /** The text; '' for a decorative image; null when none was given. */
  altText: string | null;
  /** Set when the fields contradict each other or are too long. */
  error: string | null;
}

export const ALT_REQUIRED =
  'Enter alternative text for the image, or describe it as decorative';

const ALT_RULE = { label: 'Alternative text', max: 500 } as const;

function ticked(value: unknown): boolean {
  return value === 'true' || value === '1' || value === 'on' || value === true;
}

/**
 * The form's `altText` and `decorative` fields. The API may also send
 * `alt` (in the form or the query), where an empty `alt=` means a
 * decorative image, as an empty alt attribute does in HTML.
 */
export function readAltChoice(input: Record<string, unknown>): AltChoice {
  const check = new FieldValidator(input);
  const decorative = ticked(input.decorative);
  const field = check.has('altText') ? 'altText' : 'alt';
  const text = check.text(field, ALT_RULE);
  const failed = check.errors[field];
  if (failed) {
    return { altText: null, error: failed };
  }
  if (decorative && text !== null) {
    return {
      altText: null,
      error:
        'Either enter alternative text or describe the image as decorative, not both',
    };
  }
  if (decorative || (field === 'alt' && check.has('alt') && text === null)) {
    return { altText: '', error: null };
  }
  return { altText: text, error: null };
}

function altError(message: string): ValidationError {
  return new ValidationError({ altText: message });
}

/** Refuses an upload whose images lack what a reader needs. */
function checkImages(stored: readonly StoredUpload[], alt: AltChoice) {
  const images = stored.filter((upload) => isRasterImage(upload.blob.mime));
  if (images.length === 0) {
    return null;
  }
  if (images.length > 1) {
    throw new ValidationError({
      file: 'Add images one at a time, so that each has its own alternative text',
    });
  }
  if (alt.altText === null) {
    throw altError(ALT_REQUIRED);
  }
  return alt.altText;
}

function rawBodyOf(request: FastifyRequest): Readable | null {
  const body = request.body as { [RAW_BODY]?: Readable } | undefined;
  return body && typeof body === 'object' ? (body[RAW_BODY] ?? null) : null;
}

/**
 * Receives the files of a multipart form, or a raw body named by
 * `rawName`, as attachments of `item`. `fields` are the form's small
 * fields (or the query string for a raw body).
 */
export async function receiveAttachments(
  context: UploadContext,
  request: FastifyRequest,
  actor: PersonActor,
  item: AttachmentItem,
  options: { fields: Record<string, unknown>; rawName: string | null },
): Promise<RecordedUpload[]> {
  const { db, store, limits } = context;
  if (!item.mayAttach) {
    throw cannotAttach();
  }
  await requireUpload(db, actor, item.container, itemNotFound);
  const remaining = await remainingBytes(db, item.container, limits);
  const reader = multipartOf(request);
  const maxFiles = reader ? limits.maxFilesPerRequest : 0;
  checkDeclaredLength(request, limits, remaining, maxFiles);
  const alt = readAltChoice(options.fields);
  if (alt.error) {
    throw altError(alt.error);
  }

  let stored: StoredUpload[];
  if (reader) {
    stored = await storeFormFiles(reader, store, limits, remaining, {
      maxFiles: limits.maxFilesPerRequest,
    });
  } else {
    const raw = rawBodyOf(request);
    if (!raw || options.rawName === null) {
      throw new ValidationError({
        name: 'Send the file as multipart/form-data, or as the body with ?name=',
      });
    }
    const name = options.rawName;
    stored = [await storeRawBody(raw, name, store, limits, remaining)];
  }

  try {
    const altText = checkImages(stored, alt);
    return await saveUploads(
      db,
      actor,
      {
        container: item.container,
        folderId: null,
        title: null,
        description: null,
        comment: '',
        altText,
      },
      stored,
      limits,
    );
  } catch (error) {
    await discardStored(store, stored);
    throw error;
  }
}
