// `node --import tsx bench/identity.ts [--people N] [--db sqlite|postgres]`:
// what provisioning and sign-in cost at organisation scale. Seeds the demo
// site through the data layer, then drives the real app in process with
// inject() (no network): SCIM lookups by userName, SCIM creates and
// deactivations, and local sign-ins. Prints numbers only.
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import type { Database } from '../src/database.ts';
import { seedDemoSite } from '../src/demo-site.ts';
import { createScimToken } from '../src/features/scim/tokens.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { createLogger } from '../src/platform/logging.ts';
import { createBenchDatabase } from './database.ts';
import { percentiles } from './load.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '21000' },
    db: { type: 'string', default: 'sqlite' },
  },
});
const kind = values.db === 'postgres' ? 'postgres' : 'sqlite';
const PASSWORD = 'a bench password that is long';

const database = await createBenchDatabase(kind);
const handle = openDatabase<Database>(database.url);
try {
  await migrateToLatest(handle.db);
  const seeded = await seedDemoSite(handle.db, {
    people: Number(values.people),
    password: PASSWORD,
  });
  const { token } = await createScimToken(handle.db, 'bench', {
    actor: { personId: null, label: 'bench' },
  });
  const app = await buildApp({
    config: loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      COOKIE_SECRET: 'bench-secret-that-is-at-least-32-characters',
      SIGN_IN_RATE_LIMIT: '10000',
    }),
    db: handle.db,
    logger: createLogger('silent'),
  });
  await app.ready();
  const scim = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/scim+json',
  };
  const people = await handle.db
    .selectFrom('people')
    .select(['id', 'email'])
    .where('role', '=', 'member')
    .orderBy('id')
    .limit(500)
    .execute();

  // One browser's sign-in: the form (for its CSRF token), then the POST.
  const signIn = async (email: string): Promise<number> => {
    const form = await app.inject({ url: '/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie },
      payload: { email, password: PASSWORD, _csrf: csrf },
    });
    return response.statusCode === 303 ? 200 : response.statusCode;
  };

  const timed = async (
    name: string,
    times: number,
    run: (i: number) => Promise<number>,
  ) => {
    const samples: number[] = [];
    for (let i = 0; i < times; i += 1) {
      const started = process.hrtime.bigint();
      const status = await run(i);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status >= 400) {
        throw new Error(`${name} answered ${status}`);
      }
    }
    const { p50, p95 } = percentiles(samples);
    process.stdout.write(
      `${name.padEnd(44)} p50 ${p50.toFixed(2).padStart(7)} ms` +
        `  p95 ${p95.toFixed(2).padStart(7)} ms  (${times})\n`,
    );
  };

  process.stdout.write(
    `${seeded.people} people, ${seeded.groups} groups, ${kind}\n`,
  );
  await timed('SCIM GET Users?filter=emails.value eq', 500, async (i) => {
    const email = people[i % people.length]?.email ?? '';
    const filter = encodeURIComponent(`emails.value eq "${email}"`);
    const response = await app.inject({
      url: `/scim/v2/Users?filter=${filter}`,
      headers: scim,
    });
    return response.statusCode;
  });
  await timed('SCIM POST Users', 300, async (i) => {
    const response = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: scim,
      payload: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `bench.user.${i}@example.gov.uk`,
        name: { givenName: 'Bench', familyName: `User ${i}` },
        emails: [{ value: `bench.user.${i}@example.gov.uk`, primary: true }],
      },
    });
    return response.statusCode;
  });
  await timed('SCIM PATCH active false (deactivate)', 300, async (i) => {
    const person = people[i];
    const response = await app.inject({
      method: 'PATCH',
      url: `/scim/v2/Users/${person?.id}`,
      headers: scim,
      payload: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      },
    });
    return response.statusCode;
  });
  await timed('local sign-in (argon2id verify), page and POST', 30, (i) =>
    signIn(people[300 + i]?.email ?? ''),
  );
  await app.close();
} finally {
  await handle.close();
  await database.drop();
}
