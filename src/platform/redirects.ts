const ORIGIN = 'http://civilmedia.invalid';

/**
 * Where to send someone after signing in or out: only a path on this site.
 * Anything else (another host, `//host`, `/\host`, a scheme, control
 * characters, or something that does not parse) becomes `/`, without
 * saying why, so the answer gives an attacker nothing to tune.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) {
    return '/';
  }
  if (!value.startsWith('/') || /[\u0000-\u001F\u007F\\]/.test(value)) {
    return '/';
  }
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== ORIGIN || url.pathname.startsWith('//')) {
    return '/';
  }
  return url.pathname + url.search + url.hash;
}
