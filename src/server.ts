import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Database } from './database.ts';
import type { Config } from './platform/config.ts';
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

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    void app
      .close()
      .then(stopWorkers)
      .then(closeDatabase)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return app;
}
