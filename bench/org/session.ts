// Signing the bench's member in as a person does: the sign-in page for
// its CSRF cookie and token, then the form. The cookies that come back
// are what every read scenario sends.
import type { BenchAuth } from './context.ts';

/** Cookies by name, as a browser would keep them for one site. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) {
        this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    }
  }

  header(): string {
    return [...this.cookies]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }
}

const CSRF_FIELD = /name="_csrf" value="([^"]+)"/;

/** A CSRF token from a page's first form. */
export function csrfTokenOf(html: string): string {
  const found = CSRF_FIELD.exec(html)?.[1];
  if (!found) {
    throw new Error('the page holds no form with a CSRF token');
  }
  return found;
}

export interface SignIn {
  /** Milliseconds the form post took. */
  milliseconds: number;
  jar: CookieJar;
}

/** Signs `email` in on a fresh jar; throws unless the form redirects. */
export async function signIn(
  origin: string,
  email: string,
  password: string,
): Promise<SignIn> {
  const jar = new CookieJar();
  const page = await fetch(`${origin}/sign-in`);
  jar.take(page);
  const token = csrfTokenOf(await page.text());
  const started = performance.now();
  const response = await fetch(`${origin}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: jar.header(),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  const milliseconds = performance.now() - started;
  await response.arrayBuffer();
  if (response.status !== 303 && response.status !== 302) {
    throw new Error(`signing in answered ${response.status}, not a redirect`);
  }
  jar.take(response);
  return { milliseconds, jar };
}

/** The member signed in, with a form token and an API token. */
export async function benchAuth(
  origin: string,
  email: string,
  password: string,
  bearer: string,
): Promise<BenchAuth> {
  const { jar } = await signIn(origin, email, password);
  const account = await fetch(`${origin}/account`, {
    headers: { cookie: jar.header() },
  });
  if (account.status !== 200) {
    throw new Error(
      `the account page answered ${account.status} when signed in`,
    );
  }
  jar.take(account);
  const csrfToken = csrfTokenOf(await account.text());
  return { cookie: jar.header(), csrfToken, bearer };
}
