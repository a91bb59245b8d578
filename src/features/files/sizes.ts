// Sizes as people read them: "840 bytes", "12.5 kB", "3.2 MB". Counted in
// 1,024s, as operating systems show a file's size, so the 500 MB limit
// reads as 500 MB.

const UNITS = ['kB', 'MB', 'GB', 'TB'] as const;

const ONE_DECIMAL = new Intl.NumberFormat('en-GB', {
  maximumFractionDigits: 1,
});

/** A byte count in the largest unit that keeps it at 1 or more. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) {
    return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  }
  let value = bytes;
  let unit: (typeof UNITS)[number] = 'kB';
  for (const next of UNITS) {
    value /= 1024;
    unit = next;
    if (value < 1024) {
      break;
    }
  }
  return `${ONE_DECIMAL.format(value)} ${unit}`;
}
