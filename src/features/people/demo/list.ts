/**
 * The items of a comma-separated list written across several lines, each
 * trimmed. The demo's word lists are written this way so that they read as
 * prose and stay short, rather than one quoted string to a line.
 */
export function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.replace(/\s+/g, ' ').trim())
    .filter((item) => item.length > 0);
}
