import type { Logger } from 'pino';
import type { Database } from './database.ts';
import {
  ACTIVITY_FANOUT_JOB,
  runFanOutJob,
} from './features/activity/fanout.ts';
import { emailJobHandlers } from './features/email/handlers.ts';
import { processFilesJob } from './features/files/process/job.ts';
import { PROCESS_JOB } from './features/files/versions.ts';
import {
  runSearchIndexMerge,
  SEARCH_MERGE_JOB,
} from './features/search/merge.ts';
import type { Config } from './platform/config.ts';
import type { JobHandlers } from './platform/jobs.ts';
import type { Mailer } from './platform/mail.ts';
import { openBlobStore } from './platform/storage/index.ts';

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
    [SEARCH_MERGE_JOB]: async (db, payload) => {
      const report = await runSearchIndexMerge(db, payload);
      context.log?.info(report, 'search index merged');
    },
    [PROCESS_JOB]: processFilesJob(
      (db) => openBlobStore(context.config, db),
      context.log,
    ),
  };
}
