import type { Logger } from 'pino';

/**
 * On the first SIGINT or SIGTERM, logs `message` and runs `steps` one
 * after another (stop listening, let jobs in hand finish, close the
 * database), then exits 0, or 1 when a step fails. A second signal while
 * stopping changes nothing.
 */
export function stopOnSignal(
  logger: Logger,
  message: string,
  steps: (() => Promise<unknown>)[],
): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, message);
    void steps
      .reduce<Promise<unknown>>(
        (done, step) => done.then(step),
        Promise.resolve(),
      )
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
}
