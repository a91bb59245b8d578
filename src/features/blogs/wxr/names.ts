// Small readers shared by the WXR reader and importer.

/**
 * The family of a namespace — `wp`, `excerpt`, `content` or `dc` — from
 * its URI, whatever version or scheme the exporter wrote
 * (`http://wordpress.org/export/1.0/`, `https://wordpress.org/export/1.2/`).
 * An undeclared or unknown prefix stands for itself, so a file that
 * forgot its declarations still reads by the usual prefixes.
 */
export function namespaceFamily(uri: string | undefined, prefix: string) {
  if (uri === undefined) {
    return prefix;
  }
  const bare = uri.replace(/^https?:\/\//i, '').toLowerCase();
  if (/^(www\.)?wordpress\.org\/export\/[\d.]+\/excerpt\/?$/.test(bare)) {
    return 'excerpt';
  }
  if (/^(www\.)?wordpress\.org\/export\/[\d.]+\/?$/.test(bare)) {
    return 'wp';
  }
  if (bare.startsWith('purl.org/rss/1.0/modules/content')) {
    return 'content';
  }
  if (bare.startsWith('purl.org/dc/elements/')) {
    return 'dc';
  }
  return prefix;
}

/**
 * The string in memory of its own. sax hands out text as slices of the
 * chunk it read, so a kept slice would keep the whole chunk alive.
 */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** A whole number written in the file, or undefined. */
export function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*-?\d{1,15}\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}
