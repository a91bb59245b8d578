import type { Logger } from 'pino';
import type { Database } from './database.ts';
import {
  ACTIVITY_FANOUT_JOB,
  runFanOutJob,
} from './features/activity/fanout.ts';
import { emailJobHandlers } from './features/email/handlers.ts';
import type { Config } from './platform/config.ts';
import type { JobHandlers } from './platform/jobs.ts';
import type { Mailer } from './platform/mail.ts';

/** What job handlers may need besides the database. */
export interface JobContext {
  config: Config;
  mailer: Mailer;
  log?: Logger;
}

/**
 * Every feature's job handlers by job type: the one list a worker runs.
 * A feature with background work adds its handlers here.
 */
export function buildJobHandlers(context: JobContext): JobHandlers<Database> {
  return {
    ...emailJobHandlers({
      mailer: context.mailer,
      site: {
        publicUrl: context.config.publicUrl,
        secret: context.config.cookieSecret,
      },
      ...(context.log ? { log: context.log } : {}),
    }),
    [ACTIVITY_FANOUT_JOB]: runFanOutJob,
  };
}
