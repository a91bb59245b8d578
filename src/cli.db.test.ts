import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { verifyPassword } from './features/auth/passwords.ts';
import { findTokenPerson } from './features/auth/tokens.ts';
import { findAccountByEmail } from './features/people/accounts.ts';
import { publishedFile } from './features/people/organogram/testing.ts';
import { openDatabase } from './platform/db/database.ts';
import { buildTestApp } from './test-support/app.ts';
import {
  openTestDatabase,
  postgresSkipReason,
} from './test-support/databases.ts';
import type { TestDatabase } from './test-support/databases.ts';
import { sharedDataPath } from './test-support/shared-data.ts';

/** What the report of pair-0.10.xml cut inside its Talk page skipped. */
const CUT_REPORT = new RegExp(
  [
    '\\n {2}skipped: 2',
    ' {4}line 94: Unclosed root tag',
    ' {4}Talk:Çullu, Agdam: the file ends inside a revision\\n',
  ].join('\\n'),
);

// The command line as an operator uses it: a separate process, its
// settings from the environment, its answers on stdout and stderr.

const BIN = fileURLToPath(new URL('../bin/civilmedia.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function civilmedia(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env } },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A database the CLI can open by URL, and a connection to check it. */
interface Target {
  url: string;
  db: Kysely<Database>;
  close(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const folder = mkdtempSync(join(tmpdir(), 'civilmedia-cli-'));
  const url = `sqlite:${join(folder, 'cli.db')}`;
  const handle = openDatabase<Database>(url);
  return {
    url,
    db: handle.db,
    async close() {
      await handle.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const database: TestDatabase = await openTestDatabase('postgres');
  const url = `${database.url}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}`;
  return { url, db: database.db, close: database.close };
}

const postgresSkip = await postgresSkipReason();

for (const [dialect, open] of [
  ['sqlite', sqliteTarget],
  ['postgres', postgresTarget],
] as const) {
  const skip = dialect === 'postgres' ? (postgresSkip ?? false) : false;
  describe(`the civilmedia command [${dialect}]`, { skip }, () => {
    let target: Target;
    let env: Record<string, string>;

    before(async () => {
      target = await open();
      env = { DATABASE_URL: target.url };
    });
    after(async () => {
      await target?.close();
    });

    it('stops on a bad setting with one line naming it', async () => {
      const run = await civilmedia(['migrate'], { ...env, PORT: 'eighty' });

      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        'civilmedia: PORT: must be a whole number from 1 to 65535\n',
      );
    });

    it('applies migrations, saying which, and then has none to apply', async () => {
      const first = await civilmedia(['migrate'], env);
      const second = await civilmedia(['migrate'], env);

      assert.equal(first.code, 0);
      const migrations = readdirSync(
        fileURLToPath(new URL('./migrations/', import.meta.url)),
      )
        .filter((name) => name.endsWith('.ts'))
        .map((name) => name.replace(/\.ts$/, ''))
        .sort();
      // The PostgreSQL test schema arrives migrated; the SQLite file does not.
      assert.equal(
        first.stdout,
        dialect === 'sqlite'
          ? `Applied ${migrations.length} migrations:\n${migrations.join('\n')}\n`
          : 'Database is up to date.\n',
      );
      assert.equal(second.stdout, 'Database is up to date.\n');
    });

    it('creates an administrator who can sign in with the printed password', async () => {
      const run = await civilmedia(
        ['create-admin', 'Root@Example.gov.uk', '--name', 'Rhi Root'],
        env,
      );

      assert.equal(run.code, 0);
      const password = /^Password: (\S+)$/m.exec(run.stdout)?.[1] ?? '';
      const account = await findAccountByEmail(
        target.db,
        'root@example.gov.uk',
      );
      assert.equal(account?.role, 'admin');
      assert.equal(account?.displayName, 'Rhi Root');
      assert.equal(
        await verifyPassword(account?.passwordHash ?? null, password),
        true,
      );
    });

    it('prints a token that works until it is revoked', async () => {
      const created = await civilmedia(
        ['token', 'create', 'root@example.gov.uk'],
        env,
      );
      assert.equal(created.code, 0);
      const token = created.stdout.trim().split('\n').at(-1) ?? '';
      const id = /^Token (\d+) /.exec(created.stdout)?.[1] ?? '';
      const account = await findAccountByEmail(
        target.db,
        'root@example.gov.uk',
      );
      assert.equal(await findTokenPerson(target.db, token), account?.id);

      const revoked = await civilmedia(['token', 'revoke', id], env);
      assert.equal(revoked.stdout, `Revoked token ${id}.\n`);
      assert.equal(await findTokenPerson(target.db, token), null);
      const list = await civilmedia(
        ['token', 'list', 'root@example.gov.uk'],
        env,
      );
      assert.match(
        list.stdout,
        new RegExp(`^${id}\\tcommand line\\t\\S+\\trevoked `),
      );
    });

    it('prints a SCIM token that provisions until it is revoked', async () => {
      const created = await civilmedia(
        ['scim-token', 'create', 'Entra', 'ID'],
        env,
      );
      assert.equal(created.code, 0);
      const token = created.stdout.trim().split('\n').at(-1) ?? '';
      const id = /^SCIM token (\d+) for Entra ID /.exec(created.stdout)?.[1];
      assert.match(token, /^cm_scim_/);
      const app = await buildTestApp({
        dialect,
        db: target.db,
        url: target.url,
        close: async () => undefined,
      });
      const provision = () =>
        app.inject({
          url: '/scim/v2/Users?count=0',
          headers: { authorization: `Bearer ${token}` },
        });
      try {
        assert.equal((await provision()).statusCode, 200);
        const list = await civilmedia(['scim-token', 'list'], env);
        assert.match(
          list.stdout,
          new RegExp(`^${id}\\tEntra ID\\t\\S+\\tlive\\t`),
        );

        const revoked = await civilmedia(
          ['scim-token', 'revoke', `${id}`],
          env,
        );
        assert.equal(revoked.stdout, `Revoked SCIM token ${id}.\n`);
        assert.equal((await provision()).statusCode, 401);
      } finally {
        await app.close();
      }
    });

    it('imports an organogram and changes nothing the second time', async () => {
      const file = publishedFile(
        'Cabinet-Office-FINAL--30-Sept-2013-senior.csv',
      );
      const first = await civilmedia(['import', 'organogram', file], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /rows read: 278\n/);
      assert.match(first.stdout, /posts: 277 created, 0 updated, 0 ended/);

      const second = await civilmedia(['import', 'organogram', file], env);
      assert.match(
        second.stdout,
        /posts: 0 created, 0 updated, 0 ended, 0 reopened/,
      );
      assert.match(second.stdout, /nothing changed/);
    });

    it('refuses a file that is not an organogram, in one line, and exits 1', async () => {
      const run = await civilmedia(['import', 'organogram', BIN], env);

      assert.equal(run.code, 1);
      assert.equal(run.stdout.trim().split('\n').length, 1);
      assert.match(run.stdout, /rejected: not an organogram: missing columns /);
    });

    it('imports a MediaWiki export cut short, keeps what it read, and exits 3', async () => {
      const whole = sharedDataPath('mediawiki', 'pair-0.10.xml');
      const text = readFileSync(whole, 'utf8');
      const talk = text.indexOf('<text', text.indexOf('<title>Talk:'));
      const folder = mkdtempSync(join(tmpdir(), 'civilmedia-cut-'));
      const cut = join(folder, 'cut.xml');
      writeFileSync(cut, text.slice(0, talk + 40));
      try {
        const run = await civilmedia(
          ['import', 'mediawiki', cut, '--space', 'site'],
          env,
        );
        assert.equal(run.code, 3, run.stderr);
        assert.match(run.stdout, CUT_REPORT);
        const pages = await target.db
          .selectFrom('wiki_pages')
          .select('title')
          .orderBy('title')
          .execute();
        assert.deepEqual(pages, [{ title: 'Çullu, Agdam' }]);

        const again = await civilmedia(
          ['import', 'mediawiki', whole, '--space', 'site'],
          env,
        );
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /\n {2}skipped: 0\n/);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('refuses a file an importer cannot take, in one line, and exits 1', async () => {
      const mediawiki = sharedDataPath('mediawiki', 'pair-0.10.xml');
      const folder = sharedDataPath('wxr');
      const runs = [
        {
          args: ['import', 'wxr', mediawiki, '--blog', 'refused'],
          line: `civilmedia: ${mediawiki} is not a WordPress export: it has no channel\n`,
        },
        {
          args: ['import', 'mediawiki', folder],
          line: `civilmedia: ${folder} is a folder, not a file to import\n`,
        },
        {
          args: ['import', 'stackexchange', folder, '--category', 'refused'],
          line: `civilmedia: ${folder} holds no Posts.xml\n`,
        },
      ];
      for (const { args, line } of runs) {
        const run = await civilmedia(args, env);
        assert.deepEqual([run.code, run.stdout, run.stderr], [1, '', line]);
      }
    });

    it('deactivates an account and ends its tokens at once (BUG-15)', async () => {
      const created = await civilmedia(
        ['token', 'create', 'root@example.gov.uk'],
        env,
      );
      const token = created.stdout.trim().split('\n').at(-1) ?? '';

      const last = await civilmedia(['deactivate', 'root@example.gov.uk'], env);
      assert.equal(last.code, 1);
      assert.equal(
        last.stderr,
        'civilmedia: This is the only active administrator: make someone else one before deactivating them\n',
      );
      await civilmedia(['create-admin', 'second@example.gov.uk'], env);

      const run = await civilmedia(['deactivate', 'ROOT@example.gov.uk'], env);

      assert.equal(run.code, 0);
      assert.equal(run.stdout, 'ROOT@example.gov.uk is now deactivated.\n');
      assert.equal(await findTokenPerson(target.db, token), null);
      const again = await civilmedia(
        ['reactivate', 'root@example.gov.uk'],
        env,
      );
      assert.equal(again.stdout, 'root@example.gov.uk is now active.\n');
      assert.equal(
        await findTokenPerson(target.db, token),
        null,
        'the token stays revoked',
      );
    });

    it('adds the demo only to an empty database', async () => {
      const run = await civilmedia(['seed-demo'], env);

      assert.equal(run.code, 1);
      assert.match(run.stderr, /already has people in it/);
    });

    it('rebuilds the search index, and on SQLite its full-text indexes', async () => {
      const reindex = await civilmedia(['search', 'reindex'], env);
      assert.equal(reindex.code, 0, reindex.stderr);
      assert.match(reindex.stdout, /^Search index rebuilt:\n {2}person: \d+\n/);

      const rebuild = await civilmedia(['search', 'rebuild'], env);
      assert.equal(rebuild.code, 0, rebuild.stderr);
      assert.equal(
        rebuild.stdout,
        dialect === 'sqlite'
          ? 'Full-text indexes built again from the indexed words, and merged\n'
          : 'Nothing to do on PostgreSQL: each row is indexed as it is written\n',
      );

      const wrong = await civilmedia(['search', 'rebuild', 'now'], env);
      assert.equal(wrong.code, 2);
      assert.match(
        wrong.stderr,
        /usage: civilmedia search reindex \| search rebuild/,
      );
    });

    it('answers an unknown command with its usage and exit code 2', async () => {
      const run = await civilmedia(['frobnicate'], env);

      assert.equal(run.code, 2);
      assert.equal(run.stderr, 'civilmedia: unknown command: frobnicate\n');
    });
  });
}
