import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { getSetting, setSetting } from './features/admin/settings.ts';
import { recordAudit } from './features/audit/audit.ts';
import {
  hashPassword,
  MIN_PASSWORD_LENGTH,
} from './features/auth/passwords.ts';
import { deleteSessionsOf } from './features/auth/sessions.ts';
import {
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from './features/auth/tokens.ts';
import {
  createPerson,
  findAccountByEmail,
  hasAnyPerson,
  setPasswordHash,
  setRole,
} from './features/people/accounts.ts';
import {
  deactivateAccount,
  reactivateAccount,
} from './features/auth/lifecycle.ts';
import {
  createScimToken,
  listScimTokens,
  revokeScimToken,
} from './features/scim/tokens.ts';
import { mergeSearchIndex, rebuildFullText } from './features/search/merge.ts';
import {
  ensureSearchIndex,
  reindexEverything,
} from './features/search/reindex.ts';
import { ConfigError, loadConfig } from './platform/config.ts';
import { AppError, ValidationError } from './platform/errors.ts';
import type { Config } from './platform/config.ts';
import { openDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createLogger } from './platform/logging.ts';
import { characterCount } from './platform/text.ts';
import { FieldValidator } from './platform/validation.ts';
import {
  WebProcessesError,
  isForkedProcess,
  isJobsProcess,
  superviseWebProcesses,
  tellSupervisor,
} from './web-processes.ts';

// The server, the job workers, the demo and the importers are imported by
// the commands that use them, not here: loading the whole app through
// tsx takes about two seconds, which every `migrate` or `token` paid.

const HELP = `Usage: civilmedia <command> [options]

Commands:
  serve [--demo]               apply migrations and serve the site; with
                               --demo, seed the demo organisation first if
                               the database has nobody in it yet
  migrate                      apply database migrations
  seed-demo [--password P]     add the demo organisation to an empty database
  import organogram [--allow-ending-most] FILE…
                               import organogram CSV files (senior and
                               junior); a return that would end more than
                               half of a department's posts is refused
                               unless --allow-ending-most is given
  import mediawiki FILE [--space SLUG] [--authors MAPPING.csv]
                               import a MediaWiki XML export, every page
                               and revision, into the site wiki or a
                               group's; MAPPING.csv pairs wiki usernames
                               with e-mail addresses of people here
  import stackexchange DIR --category SLUG
                               import a Stack Exchange data dump's
                               Posts.xml and Comments.xml into the site
                               Talk category SLUG, made if missing; a
                               second run adds only what is new
  import wxr FILE --blog SLUG  import a WordPress export (WXR 1.0 to 1.2)
                               into the blog SLUG, or the blog of the group
                               SLUG, or a new site blog SLUG; its pages go
                               into that group's wiki or the site wiki; a
                               second run adds only what is new
                               Any import that has to skip something (a
                               damaged entry, a file cut short) keeps the
                               rest, lists what it skipped, and exits 3
  local-sign-in on|off         switch password sign-in on or off
  deactivate EMAIL             end EMAIL's access at once: sessions and API
                               tokens end, and they leave the directory
  reactivate EMAIL             let EMAIL sign in again (old sessions stay ended)
  create-admin EMAIL [--name N]
                               make EMAIL a site administrator, creating the
                               account if needed, and print a new password
  token create EMAIL [--name N]
                               print a new personal API token for EMAIL
  token list EMAIL             list EMAIL's tokens
  token revoke ID              revoke a token
  scim-token create NAME       print a new token for the SCIM client NAME
                               (an identity provider or HR feed)
  scim-token list              list SCIM tokens, live and revoked
  scim-token revoke ID         revoke a SCIM token at once
  jobs run [--workers N]       queue the digests now due and the nightly
                               search merge, run every due job (e-mail
                               and others) with N workers (1), and exit
  search reindex               rebuild the search index from all content
                               (on SQLite, and merge it); serve and
                               migrate do it by themselves when the index
                               is empty and there is content
  search rebuild               on SQLite, build the full-text indexes
                               again from the indexed words, for one that
                               integrity-check finds damaged; writes wait
                               meanwhile (about 20 s at org scale)
  help                         show this help

Settings come from environment variables; see README.md.`;

/** The command line, as the audit log names it. */
const COMMAND_LINE = { personId: null, label: 'command line' } as const;

/** A mistake in how the command was called: shown with a hint, exit 2. */
class UsageError extends Error {}

/** A problem the operator can fix (a database, a port): one line, exit 1. */
class OperatorError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (
    !command ||
    command === 'help' ||
    command === '--help' ||
    command === '-h'
  ) {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    throw new UsageError(`unknown command: ${command}`);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const handle = openDatabase<Database>(config.databaseUrl, {
    preparedStatements: config.databasePreparedStatements,
    onConnectionError: (error) =>
      logger.error({ err: error }, 'database connection lost'),
  });
  let keepOpen = false;
  try {
    // A forked web process finds the database ready: the process that
    // forked it migrated and indexed it first.
    const applied = isForkedProcess() ? [] : await migrate(handle.db);
    if ((command === 'serve' || command === 'migrate') && !isForkedProcess()) {
      await indexIfEmpty(handle.db, logger);
    }
    if (command === 'serve') {
      await serve(config, handle.db, rest, logger, handle.close);
      keepOpen = true;
      return 0;
    }
    if (command === 'jobs') {
      return await jobsCommand(config, handle.db, rest, logger);
    }
    if (command === 'migrate') {
      process.stdout.write(
        applied.length === 0
          ? 'Database is up to date.\n'
          : `Applied ${applied.length} migrations:\n${applied.join('\n')}\n`,
      );
      return 0;
    }
    return await run(handle.db, rest);
  } finally {
    if (!keepOpen) {
      await handle.close();
    }
  }
}

type Command = (db: Kysely<Database>, args: string[]) => Promise<number>;

// serve, migrate and jobs need more than the database; they are handled
// above.
const COMMANDS: Record<string, Command> = {
  serve: async () => 0,
  migrate: async () => 0,
  'seed-demo': (db, args) => seed(db, args),
  import: (db, args) => importCommand(db, args),
  'create-admin': (db, args) => createAdmin(db, args),
  'local-sign-in': (db, args) => localSignIn(db, args),
  deactivate: (db, args) => setActive(db, args, false),
  reactivate: (db, args) => setActive(db, args, true),
  token: (db, args) => token(db, args),
  'scim-token': (db, args) => scimToken(db, args),
  search: (db, args) => searchCommand(db, args),
  jobs: async () => 0,
};

/**
 * A database migrated from a version without search has content and an
 * empty index: build it before serving, so nothing is missing from
 * results. New content is indexed as it is written.
 */
async function indexIfEmpty(
  db: Kysely<Database>,
  logger: ReturnType<typeof createLogger>,
): Promise<void> {
  if (await ensureSearchIndex(db)) {
    logger.info('search index built from existing content');
  }
}

async function searchCommand(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  if (args.length === 1 && args[0] === 'rebuild') {
    const rebuilt = await rebuildFullText(db);
    process.stdout.write(
      rebuilt
        ? 'Full-text indexes built again from the indexed words, and merged\n'
        : 'Nothing to do on PostgreSQL: each row is indexed as it is written\n',
    );
    return 0;
  }
  if (args.length !== 1 || args[0] !== 'reindex') {
    throw new UsageError('usage: civilmedia search reindex | search rebuild');
  }
  const report = await reindexEverything(db);
  // On SQLite the rebuilt index is in many pieces until the nightly merge.
  await mergeSearchIndex(db, { budgetMs: Infinity });
  const lines = Object.entries(report).map(
    ([kind, count]) => `  ${kind}: ${count}`,
  );
  process.stdout.write(`Search index rebuilt:\n${lines.join('\n')}\n`);
  return 0;
}

async function jobsCommand(
  config: Config,
  db: Kysely<Database>,
  args: string[],
  logger: ReturnType<typeof createLogger>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { workers: { type: 'string', default: '1' } },
  });
  const workers = Number(values.workers);
  if (
    positionals.join(' ') !== 'run' ||
    !Number.isInteger(workers) ||
    workers < 1 ||
    workers > 32
  ) {
    throw new UsageError('usage: civilmedia jobs run [--workers 1-32]');
  }
  const { drainJobs } = await import('./workers.ts');
  const ran = await drainJobs(config, db, logger, workers);
  process.stdout.write(`Ran ${ran} jobs.\n`);
  return 0;
}

/** Migrations, with a failure to reach the database told in one line. */
async function migrate(db: Kysely<Database>): Promise<string[]> {
  try {
    return await migrateToLatest(db);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && /^(E[A-Z]+|28|3D|57|08)/.test(code)) {
      throw new OperatorError(
        `cannot use the database in DATABASE_URL: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

async function serve(
  config: Config,
  db: Kysely<Database>,
  args: string[],
  logger: ReturnType<typeof createLogger>,
  close: () => Promise<void>,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { demo: { type: 'boolean' } },
  });
  if (isJobsProcess()) {
    const { runJobsProcess } = await import('./workers.ts');
    await runJobsProcess(config, db, logger, close);
    return;
  }
  if (isForkedProcess()) {
    // The jobs process beside this one runs the job workers.
    await listen({ ...config, jobWorkers: 0 }, db, logger, close);
    return;
  }
  let demoPassword: string | undefined;
  const passwordFile = demoPasswordFile(config);
  if (values.demo && !(await hasAnyPerson(db))) {
    process.stdout.write('Creating the demo organisation (first run only)…\n');
    const { seedDemoSite } = await import('./demo-site.ts');
    const { openBlobStore } = await import('./platform/storage/index.ts');
    const seeded = await seedDemoSite(db, {}, openBlobStore(config, db));
    demoPassword = seeded.password;
    if (passwordFile) {
      await writeFile(passwordFile, `${demoPassword}\n`, { mode: 0o600 });
    }
  } else if (values.demo && passwordFile) {
    demoPassword = (
      await readFile(passwordFile, 'utf8').catch(() => '')
    ).trim();
  }
  if (config.webProcesses > 1) {
    await close();
    // Each process needs the same secret, or a form one process served
    // would fail its CSRF check at another; without COOKIE_SECRET (outside
    // production) the random one chosen here is handed to all.
    await superviseWebProcesses(
      config.webProcesses,
      config.jobWorkers > 0,
      { COOKIE_SECRET: config.cookieSecret },
      logger,
    );
  } else {
    await listen(config, db, logger, close);
  }
  const url = config.publicUrl.href.replace(/\/$/, '');
  process.stdout.write(`\nCivilMedia is running at ${url}\n`);
  if (!values.demo) {
    return;
  }
  process.stdout.write(
    [
      '',
      'Sign in to the demo organisation as admin@demo.civilmedia.example (an',
      "administrator) or with any person's address from the directory, and",
      demoPassword
        ? `the demo password: ${demoPassword}`
        : 'the password shown on the first run.',
      'To set a new one: npx civilmedia create-admin admin@demo.civilmedia.example',
      '',
    ].join('\n'),
  );
}

/** Starts the server in this process, telling a port problem in one line. */
async function listen(
  config: Config,
  db: Kysely<Database>,
  logger: ReturnType<typeof createLogger>,
  close: () => Promise<void>,
): Promise<void> {
  try {
    const { startServer } = await import('./server.ts');
    await startServer(config, db, logger, close);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND'].includes(code)) {
      throw new OperatorError(
        `cannot listen on ${config.host}:${config.port} (${code}); check HOST and PORT`,
      );
    }
    throw error;
  }
}

/**
 * Where the demo's password is kept for the next start: beside a SQLite
 * database, readable only by its owner. A laptop demo is of no use if its
 * password scrolled away on the first run; a PostgreSQL install is not a
 * demo on a laptop, so nothing is written for it.
 */
function demoPasswordFile(config: Config): string | undefined {
  if (!config.databaseUrl.startsWith('sqlite:')) {
    return undefined;
  }
  const path = config.databaseUrl.slice('sqlite:'.length);
  return path === ':memory:' ? undefined : `${resolve(path)}.demo-password`;
}

async function seed(db: Kysely<Database>, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { password: { type: 'string' } },
  });
  if (
    values.password !== undefined &&
    characterCount(values.password) < MIN_PASSWORD_LENGTH
  ) {
    throw new UsageError(
      `the demo password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  if (await hasAnyPerson(db)) {
    process.stderr.write(
      'civilmedia: the database already has people in it; the demo is only added to an empty one\n',
    );
    return 1;
  }
  const { seedDemoSite } = await import('./demo-site.ts');
  const seeded = await seedDemoSite(db, { password: values.password });
  process.stdout.write(
    `Added ${seeded.people} people in ${seeded.departments} departments ` +
      `and ${seeded.groups} groups.\n` +
      `Demo password: ${seeded.password}\n`,
  );
  return 0;
}

async function importCommand(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  if (args[0] === 'mediawiki') {
    return importMediaWikiCommand(db, args.slice(1));
  }
  if (args[0] === 'stackexchange') {
    return importStackExchangeCommand(db, args.slice(1));
  }
  if (args[0] === 'wxr') {
    return importWxrCommand(db, args.slice(1));
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'allow-ending-most': { type: 'boolean' } },
  });
  const [kind, ...files] = positionals;
  if (kind !== 'organogram') {
    throw new UsageError(
      'usage: civilmedia import organogram [--allow-ending-most] FILE…, ' +
        'or import mediawiki FILE [--space SLUG] [--authors MAPPING.csv], ' +
        'or import stackexchange DIR --category SLUG, ' +
        'or import wxr FILE --blog SLUG',
    );
  }
  if (files.length === 0) {
    throw new UsageError('name at least one organogram CSV file');
  }
  const { importOrganogramFiles } =
    await import('./features/people/organogram/import.ts');
  const { formatImportReport } =
    await import('./features/people/organogram/report.ts');
  const reports = await importOrganogramFiles(db, files, {
    allowEndingMost: values['allow-ending-most'] ?? false,
  });
  let failed = false;
  for (const report of reports) {
    process.stdout.write(`${formatImportReport(report)}\n`);
    failed ||= report.rejected !== undefined;
  }
  return failed ? 1 : 0;
}

async function importMediaWikiCommand(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { space: { type: 'string' }, authors: { type: 'string' } },
  });
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError(
      'usage: civilmedia import mediawiki FILE [--space SLUG] [--authors MAPPING.csv]',
    );
  }
  const { importMediaWikiFile } =
    await import('./features/wiki/mediawiki/import.ts');
  const { formatMediaWikiReport } =
    await import('./features/wiki/mediawiki/report.ts');
  const report = await importMediaWikiFile(db, positionals[0], {
    space: values.space,
    authorsFile: values.authors,
  }).catch(refuseInvalid);
  process.stdout.write(`${formatMediaWikiReport(report)}\n`);
  return importedCode(report);
}

/**
 * Exit 3 when an import kept what it could but skipped something (damage,
 * or an entry this site cannot hold), so a script can tell that from a
 * clean import (0) and a refusal (1 or 2).
 */
const SKIPPED_SOME = 3;

function importedCode(report: { skipped: readonly unknown[] }): number {
  return report.skipped.length > 0 ? SKIPPED_SOME : 0;
}

/**
 * An importer's refusal of its input (a missing file, a file that is not
 * what it imports): one line and exit 1, like any problem the operator
 * can fix; exit 2 is kept for calling the command wrongly.
 */
function refuseInvalid(error: unknown): never {
  if (error instanceof ValidationError) {
    const reasons = Object.values(error.fields ?? {}).join('; ');
    throw new OperatorError(reasons || error.message);
  }
  throw error;
}

async function importStackExchangeCommand(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { category: { type: 'string' } },
  });
  if (positionals.length !== 1 || !positionals[0] || !values.category) {
    throw new UsageError(
      'usage: civilmedia import stackexchange DIR --category SLUG',
    );
  }
  const { importStackExchangeDirectory } =
    await import('./features/talk/stackexchange/import.ts');
  const { formatStackExchangeReport } =
    await import('./features/talk/stackexchange/report.ts');
  const report = await importStackExchangeDirectory(db, positionals[0], {
    category: values.category,
  }).catch(refuseInvalid);
  process.stdout.write(`${formatStackExchangeReport(report)}\n`);
  return importedCode(report);
}

async function importWxrCommand(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { blog: { type: 'string' } },
  });
  if (positionals.length !== 1 || !positionals[0] || !values.blog) {
    throw new UsageError('usage: civilmedia import wxr FILE --blog SLUG');
  }
  const { importWxrFile } = await import('./features/blogs/wxr/import.ts');
  const { formatWxrReport } = await import('./features/blogs/wxr/report.ts');
  const report = await importWxrFile(db, positionals[0], {
    blog: values.blog,
  }).catch(refuseInvalid);
  process.stdout.write(`${formatWxrReport(report)}\n`);
  return importedCode(report);
}

function readEmailArgument(value: string | undefined): string {
  const form = new FieldValidator({ email: value });
  const email = form.email('email', {
    label: 'E-mail address',
    required: true,
  });
  if (!email) {
    throw new UsageError(form.errors.email ?? 'give an e-mail address');
  }
  return email;
}

async function createAdmin(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string' } },
  });
  const email = readEmailArgument(positionals[0]);
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const existing = await findAccountByEmail(db, email);
  await db.transaction().execute(async (trx) => {
    let id: number;
    if (existing) {
      id = existing.id;
      if (existing.role !== 'admin') {
        await setRole(trx, id, 'admin');
        await recordAudit(trx, {
          action: 'role.changed',
          actor: COMMAND_LINE,
          subject: { type: 'person', id },
          details: { from: existing.role, to: 'admin' },
        });
      }
      await setPasswordHash(trx, id, passwordHash);
      await deleteSessionsOf(trx, id);
    } else {
      id = await createPerson(trx, {
        displayName: values.name ?? email.split('@')[0] ?? email,
        email,
        role: 'admin',
        passwordHash,
        source: 'admin',
      });
      await recordAudit(trx, {
        action: 'account.created',
        actor: COMMAND_LINE,
        subject: { type: 'person', id },
        details: { role: 'admin', via: 'command line' },
      });
    }
    await recordAudit(trx, {
      action: 'password.set',
      actor: COMMAND_LINE,
      subject: { type: 'person', id },
      details: { via: 'create-admin' },
    });
  });
  process.stdout.write(
    `${existing ? 'Made' : 'Created'} ${email} a site administrator.\nPassword: ${password}\n`,
  );
  if (!(await getSetting(db, 'localSignIn'))) {
    process.stdout.write(
      'Password sign-in is switched off, so this password works only after\n' +
        '`civilmedia local-sign-in on`.\n',
    );
  }
  return 0;
}

/**
 * Switches password sign-in on or off: the way back in when it was
 * switched off and the identity provider cannot be used.
 */
async function localSignIn(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  const [state] = args;
  if (state !== 'on' && state !== 'off') {
    throw new UsageError('usage: civilmedia local-sign-in on|off');
  }
  await db
    .transaction()
    .execute((trx) =>
      setSetting(trx, 'localSignIn', state === 'on', COMMAND_LINE),
    );
  process.stdout.write(`Password sign-in is now ${state}.\n`);
  return 0;
}

/**
 * Deactivates or reactivates an account from the command line: the same
 * path as every other, so sessions and tokens end at once (BUG-15).
 */
async function setActive(
  db: Kysely<Database>,
  args: string[],
  active: boolean,
): Promise<number> {
  const email = readEmailArgument(args[0]);
  const account = await findAccountByEmail(db, email);
  if (!account) {
    process.stderr.write(`civilmedia: no account for ${email}\n`);
    return 1;
  }
  const cause = { actor: COMMAND_LINE, via: 'command line' };
  const changed = await db
    .transaction()
    .execute((trx) =>
      active
        ? reactivateAccount(trx, account.id, cause)
        : deactivateAccount(trx, account.id, cause),
    );
  const state = active ? 'active' : 'deactivated';
  process.stdout.write(
    changed
      ? `${email} is now ${state}.\n`
      : `${email} was already ${state}.\n`,
  );
  return 0;
}

async function token(db: Kysely<Database>, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: 'string' } },
  });
  if (action === 'revoke') {
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id < 1) {
      throw new UsageError('usage: civilmedia token revoke ID');
    }
    const revoked = await db.transaction().execute(async (trx) => {
      const done = await revokeApiToken(trx, id);
      if (done) {
        await recordAudit(trx, {
          action: 'token.revoked',
          actor: COMMAND_LINE,
          subject: { type: 'token', id },
          details: { via: 'command line' },
        });
      }
      return done;
    });
    process.stdout.write(
      revoked ? `Revoked token ${id}.\n` : `No live token ${id}.\n`,
    );
    return revoked ? 0 : 1;
  }
  if (action !== 'create' && action !== 'list') {
    throw new UsageError(
      'usage: civilmedia token create|list EMAIL, or token revoke ID',
    );
  }
  const email = readEmailArgument(positionals[0]);
  const account = await findAccountByEmail(db, email);
  if (!account?.active) {
    process.stderr.write(`civilmedia: no active account for ${email}\n`);
    return 1;
  }
  if (action === 'list') {
    for (const row of await listApiTokens(db, account.id)) {
      const state = row.revokedAt ? `revoked ${row.revokedAt}` : 'live';
      process.stdout.write(
        `${row.id}\t${row.name}\t${row.createdAt}\t${state}\n`,
      );
    }
    return 0;
  }
  const name = values.name ?? 'command line';
  const created = await db.transaction().execute(async (trx) => {
    const token = await createApiToken(trx, account.id, name);
    await recordAudit(trx, {
      action: 'token.created',
      actor: COMMAND_LINE,
      subject: { type: 'token', id: token.id },
      details: { name, for: account.id, via: 'command line' },
    });
    return token;
  });
  process.stdout.write(
    `Token ${created.id} for ${email} (shown only now):\n${created.token}\n`,
  );
  return 0;
}

async function scimToken(
  db: Kysely<Database>,
  args: string[],
): Promise<number> {
  const [action, ...rest] = args;
  const { positionals } = parseArgs({ args: rest, allowPositionals: true });
  const cause = { actor: COMMAND_LINE };
  if (action === 'create' && positionals.length > 0) {
    const created = await db
      .transaction()
      .execute((trx) => createScimToken(trx, positionals.join(' '), cause))
      .catch((error: unknown) => {
        if (error instanceof ValidationError) {
          throw new UsageError(
            `the name: ${error.fields?.name ?? error.message}`,
          );
        }
        throw error;
      });
    process.stdout.write(
      `SCIM token ${created.id} for ${created.name} (shown only now):\n${created.token}\n`,
    );
    return 0;
  }
  if (action === 'list' && positionals.length === 0) {
    for (const row of await listScimTokens(db)) {
      const state = row.revokedAt ? `revoked ${row.revokedAt}` : 'live';
      const used = row.lastUsedAt ? `last used ${row.lastUsedAt}` : 'unused';
      process.stdout.write(
        `${row.id}\t${row.name}\t${row.createdAt}\t${state}\t${used}\n`,
      );
    }
    return 0;
  }
  const id = Number(positionals[0]);
  if (
    action !== 'revoke' ||
    positionals.length !== 1 ||
    !Number.isInteger(id) ||
    id < 1
  ) {
    throw new UsageError(
      'usage: civilmedia scim-token create NAME, scim-token list, or scim-token revoke ID',
    );
  }
  const revoked = await db
    .transaction()
    .execute((trx) => revokeScimToken(trx, id, cause));
  process.stdout.write(
    revoked ? `Revoked SCIM token ${id}.\n` : `No live SCIM token ${id}.\n`,
  );
  return revoked ? 0 : 1;
}

/** An unknown or malformed option, as node:util's parseArgs reports it. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

// A forked process's failure goes to the process that forked it, so that
// several processes failing alike (a port in use) are told of once.
let told: Promise<void> = Promise.resolve();

function tell(reason: string): void {
  if (isForkedProcess()) {
    told = tellSupervisor(reason);
  } else {
    process.stderr.write(`civilmedia: ${reason}\n`);
  }
}

void main(process.argv.slice(2))
  .then(
    (code) => {
      if (code !== 0 || process.argv[2] !== 'serve') {
        process.exitCode = code;
      }
    },
    (error: unknown) => {
      if (isParseArgsError(error)) {
        tell((error as Error).message);
        process.exitCode = 2;
        return;
      }
      if (
        error instanceof ConfigError ||
        error instanceof UsageError ||
        error instanceof OperatorError ||
        error instanceof WebProcessesError ||
        error instanceof AppError
      ) {
        tell(error.message);
        process.exitCode = error instanceof UsageError ? 2 : 1;
        return;
      }
      tell((error as Error).stack ?? String(error));
      process.exitCode = 1;
    },
  )
  .then(async () => {
    // A forked process that failed would otherwise be kept alive by its
    // channel to the process that forked it.
    if (isForkedProcess() && process.exitCode) {
      await told;
      process.exit();
    }
  });
