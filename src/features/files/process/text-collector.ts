// Gathering the text of a file up to a cap: what is kept per version,
// enough to find a document by its words without storing a book twice.

/** Characters of extracted text kept per version. */
export const MAX_TEXT = 200_000;

/** Appends text up to a cap; `full` once the cap is reached. */
export class TextCollector {
  private readonly parts: string[] = [];
  private length = 0;

  constructor(private readonly max: number = MAX_TEXT) {}

  get full(): boolean {
    return this.length >= this.max;
  }

  add(text: string): void {
    if (this.full || text.length === 0) {
      return;
    }
    const room = this.max - this.length;
    const kept = text.length > room ? cutAt(text, room) : text;
    this.parts.push(kept);
    this.length += kept.length;
    if (kept.length < text.length) {
      this.length = this.max;
    }
  }

  /** The text with runs of blank lines and trailing spaces tidied. */
  text(): string {
    return this.parts
      .join('')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }
}

/** The first `length` characters, not splitting a surrogate pair. */
function cutAt(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}
