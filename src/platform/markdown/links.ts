// Links may only use http, https or mailto, or stay on this site. Two
// slashes (or backslashes, which browsers read as slashes) at the start
// name another host with the page's scheme, so they count as leaving.

const SAFE_URL =
  /^(?![/\\]{2})(https?:|mailto:|\/(?![/\\])|#|\.{0,2}\/?[^:]*$)/i;

/** True when a link target is allowed in rendered content. */
export function isSafeLinkTarget(url: string): boolean {
  // Browsers ignore tabs, newlines and leading spaces or controls inside a
  // scheme, so `java\tscript:` must be judged as `javascript:`.
  const compact = url.replace(/[\u0000-\u0020\u007F-\u009F]/g, '');
  return SAFE_URL.test(compact);
}
