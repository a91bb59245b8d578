import { createHash } from 'node:crypto';

/**
 * The SHA-1 of a revision's text as MediaWiki stores it in `<sha1>`: the
 * digest as a base-36 number, zero-padded to 31 digits.
 */
export function mediaWikiSha1(text: string): string {
  const hex = createHash('sha1').update(text, 'utf8').digest('hex');
  return BigInt(`0x${hex}`).toString(36).padStart(31, '0');
}
