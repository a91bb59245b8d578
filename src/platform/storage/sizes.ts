const UNITS = ['KB', 'MB', 'GB', 'TB'];

/**
 * A size as people read it: `512 bytes`, `1.5 KB`, `500 MB`, counting
 * 1,024 to the next unit as most file managers do. One decimal place,
 * dropped when it is zero.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  }
  let value = bytes;
  let unit = '';
  for (const next of UNITS) {
    if (value < 1024 && unit) {
      break;
    }
    value /= 1024;
    unit = next;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${rounded.toLocaleString('en-GB')} ${unit}`;
}
