// The statements each page makes, counted in process on the seeded
// database with the same session cookie the load uses: the server the
// load drives cannot be asked, and counting there would slow it.
import type { Kysely } from 'kysely';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { countQueries } from '../../src/platform/db/query-count.ts';
import { createLogger } from '../../src/platform/logging.ts';
import type { ReadScenario } from './context.ts';

export async function countPageQueries(
  db: Kysely<Database>,
  url: string,
  cookieSecret: string,
  reads: readonly ReadScenario[],
  headers: Record<string, string>,
): Promise<Map<string, number>> {
  const counter = countQueries(db);
  const app = await buildApp({
    config: loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: url,
      COOKIE_SECRET: cookieSecret,
      JOB_WORKERS: '0',
    }),
    db: counter.db,
    logger: createLogger('silent'),
  });
  const counts = new Map<string, number>();
  try {
    await app.ready();
    for (const scenario of reads) {
      // The first request fills caches a running server already holds.
      await app.inject({ url: scenario.path, headers });
      counter.reset();
      const response = await app.inject({ url: scenario.path, headers });
      if (response.statusCode === 200) {
        counts.set(scenario.id, counter.count());
      }
    }
  } finally {
    await app.close();
  }
  return counts;
}
