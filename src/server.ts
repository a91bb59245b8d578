import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Database } from './database.ts';
import type { Config } from './platform/config.ts';
import { stopOnSignal } from './platform/stopping.ts';
import { getStylesheet } from './platform/stylesheet.ts';
import { startJobWorkers } from './workers.ts';

/**
 * Starts listening and the job workers, and stops cleanly on SIGINT or
 * SIGTERM: in-flight requests and jobs finish, then the database closes.
 */
export async function startServer(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
  closeDatabase: () => Promise<void>,
): Promise<FastifyInstance> {
  const app = await buildApp({ config, db, logger });
  // Build the stylesheet now rather than on the first visitor's request.
  await getStylesheet();
  await app.listen({ port: config.port, host: config.host });
  const stopWorkers = await startJobWorkers(config, db, logger);

  stopOnSignal(logger, 'stopping', [
    () => app.close(),
    stopWorkers,
    closeDatabase,
  ]);
  return app;
}
