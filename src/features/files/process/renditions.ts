import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { pdfThumbnailInThread } from './pdf-thread.ts';

// What is shown of a file instead of its bytes: a display copy of a
// raster image, re-encoded so that nothing of the upload but its pixels
// reaches a page (no metadata, no trailing bytes of a polyglot), and a
// small PNG thumbnail of an image or of a PDF's first page. SVG is never
// drawn here: it is an attachment only.

/** Longest side of the display copy. */
export const DISPLAY_SIZE = 2048;
/** Longest side of a thumbnail. */
export const THUMBNAIL_SIZE = 320;
/** Images of more pixels than this are not decoded (decompression bombs). */
export const MAX_INPUT_PIXELS = 50_000_000;
/** Image files larger than this are not decoded at all. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const RASTER_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
]);
// What libvips must itself find in the bytes before it decodes them;
// its SVG, PDF and other loaders are never reached from an upload.
const RASTER_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp', 'tiff']);

/** Why an image was not drawn. */
export class ImageError extends Error {
  override name = 'ImageError';
}

export interface Rendition {
  data: Buffer;
  mime: 'image/png' | 'image/jpeg';
}

export interface Renditions {
  display: Rendition | null;
  thumbnail: Rendition | null;
}

/** Whether a type sniffed from the bytes is a raster image we redraw. */
export function isRasterImage(mime: string): boolean {
  return RASTER_TYPES.has(mime.split(';')[0]?.trim().toLowerCase() ?? '');
}

/**
 * The display copy (PNG where the image has transparency, else JPEG, at
 * most DISPLAY_SIZE pixels a side, turned upright by its EXIF
 * orientation) and the thumbnail (PNG within THUMBNAIL_SIZE) of an
 * image. Throws an ImageError for an image too large to decode or in a
 * format not drawn; sharp's own errors for damaged bytes.
 */
export async function imageRenditions(bytes: Buffer): Promise<Renditions> {
  const open = (): Sharp =>
    sharp(bytes, {
      limitInputPixels: MAX_INPUT_PIXELS,
      sequentialRead: true,
      failOn: 'error',
    })
      .timeout({ seconds: 30 })
      .autoOrient();
  const tooMany = () =>
    new ImageError(`more than ${MAX_INPUT_PIXELS} pixels to draw`);
  // sharp reads only the header here, and refuses past the pixel limit.
  const meta = await open()
    .metadata()
    .catch((error: unknown) => {
      throw error instanceof Error && /pixel limit/.test(error.message)
        ? tooMany()
        : error;
    });
  if (!meta.format || !RASTER_FORMATS.has(meta.format)) {
    throw new ImageError(
      `not a raster image drawn here: ${String(meta.format)}`,
    );
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > MAX_INPUT_PIXELS) {
    throw tooMany();
  }
  const fit = (size: number) =>
    ({
      width: size,
      height: size,
      fit: 'inside',
      withoutEnlargement: true,
    }) as const;
  const display = open().resize(fit(DISPLAY_SIZE));
  const [displayData, thumbnailData] = await Promise.all([
    meta.hasAlpha
      ? display.png().toBuffer()
      : display
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: 85 })
          .toBuffer(),
    open().resize(fit(THUMBNAIL_SIZE)).png().toBuffer(),
  ]);
  return {
    display: {
      data: displayData,
      mime: meta.hasAlpha ? 'image/png' : 'image/jpeg',
    },
    thumbnail: { data: thumbnailData, mime: 'image/png' },
  };
}

/** A PDF's thumbnail: its first page within THUMBNAIL_SIZE, as PNG. */
export async function pdfRenditions(bytes: Uint8Array): Promise<Renditions> {
  const data = await pdfThumbnailInThread(bytes, THUMBNAIL_SIZE);
  return {
    display: null,
    thumbnail: data ? { data, mime: 'image/png' } : null,
  };
}
