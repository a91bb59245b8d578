// A browser for tests of sign-in flows across origins, over fetch: it
// follows redirects itself, so a test sees and can alter every hop.

/** One answer as the browser saw it. */
export interface Answer {
  url: string;
  status: number;
  location: string | undefined;
  body: string;
  /** Cookies this answer set (an empty value when it cleared one). */
  cookies: Map<string, SetCookie>;
}

export interface SetCookie {
  value: string;
  attributes: Map<string, string>;
}

/**
 * A browser over fetch: redirects are never followed for it, so a test
 * sees every hop; cookies are kept per origin (paths are ignored, which
 * is enough for these flows). `aliases` sends requests for a public
 * origin to the address that actually serves it, as a proxy would.
 */
export class HttpBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  constructor(private readonly aliases: Record<string, string> = {}) {}

  async get(url: string): Promise<Answer> {
    return this.request(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string>): Promise<Answer> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Follows redirects from `url` until an answer is not a redirect, or
   * until the next address is one `stopAt` accepts, which is returned
   * unvisited.
   */
  async follow(
    url: string,
    stopAt: (next: URL) => boolean = () => false,
  ): Promise<{ answer: Answer; stoppedAt?: string }> {
    let answer = await this.get(url);
    for (let hop = 0; hop < 10; hop += 1) {
      if (!answer.location) {
        return { answer };
      }
      const next = new URL(answer.location, answer.url);
      if (stopAt(next)) {
        return { answer, stoppedAt: next.href };
      }
      answer = await this.get(next.href);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(origin, cookies);
  }

  private async request(url: string, init: RequestInit): Promise<Answer> {
    const target = new URL(url);
    const served = this.aliases[target.origin];
    const address = served
      ? served + target.pathname + target.search
      : target.href;
    const cookies = this.jar.get(target.origin) ?? new Map<string, string>();
    const headers = new Headers(init.headers);
    if (cookies.size > 0) {
      headers.set(
        'cookie',
        [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    }
    const response = await fetch(address, {
      ...init,
      headers,
      redirect: 'manual',
    });
    const set = parseSetCookies(response.headers.getSetCookie());
    for (const [name, cookie] of set) {
      const maxAge = cookie.attributes.get('max-age');
      const expires = cookie.attributes.get('expires');
      const gone =
        cookie.value === '' ||
        maxAge === '0' ||
        (expires !== undefined && Date.parse(expires) < Date.now());
      if (gone) {
        cookies.delete(name);
      } else {
        cookies.set(name, cookie.value);
      }
    }
    this.jar.set(target.origin, cookies);
    return {
      url: target.href,
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      body: await response.text(),
      cookies: set,
    };
  }
}

function parseSetCookies(headers: string[]): Map<string, SetCookie> {
  const cookies = new Map<string, SetCookie>();
  for (const header of headers) {
    const [pair = '', ...parts] = header.split(';');
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals).trim();
    const attributes = new Map<string, string>();
    for (const part of parts) {
      const [key = '', ...value] = part.split('=');
      attributes.set(key.trim().toLowerCase(), value.join('=').trim());
    }
    cookies.set(name, { value: pair.slice(equals + 1).trim(), attributes });
  }
  return cookies;
}

/**
 * Goes from the start of a sign-in to the provider's redirect back, and
 * returns that address without visiting it, so a test can visit it, twice,
 * or altered. Logs in as `login` on the provider's page, or presses cancel
 * when `cancel` is set; a provider that remembers the browser skips its
 * page. `editAuthorizationUrl` may change the request to the provider.
 */
export async function reachCallback(
  browser: HttpBrowser,
  startUrl: string,
  options: {
    login?: string;
    cancel?: boolean;
    editAuthorizationUrl?: (url: URL) => void;
  },
): Promise<{ start: Answer; authorizationUrl: URL; callbackUrl: string }> {
  const appOrigin = new URL(startUrl).origin;
  const backHome = (next: URL) => next.origin === appOrigin;
  const start = await browser.get(startUrl);
  if (start.status !== 303 || !start.location) {
    throw new Error(`the sign-in did not start: ${start.status}`);
  }
  const authorizationUrl = new URL(start.location);
  options.editAuthorizationUrl?.(authorizationUrl);

  let { answer, stoppedAt } = await browser.follow(
    authorizationUrl.href,
    backHome,
  );
  if (!stoppedAt) {
    const action = /action="([^"]+)"/.exec(answer.body)?.[1];
    if (answer.status !== 200 || !action) {
      throw new Error(`no login page at the provider: ${answer.status}`);
    }
    const form: Record<string, string> = options.cancel
      ? { cancel: 'yes' }
      : { login: options.login ?? '' };
    const posted = await browser.post(new URL(action, answer.url).href, form);
    if (!posted.location) {
      throw new Error(`the provider refused the login: ${posted.status}`);
    }
    ({ answer, stoppedAt } = await browser.follow(
      new URL(posted.location, posted.url).href,
      backHome,
    ));
  }
  if (!stoppedAt) {
    throw new Error(
      `the provider did not send the browser back: ${answer.status}`,
    );
  }
  return { start, authorizationUrl, callbackUrl: stoppedAt };
}
