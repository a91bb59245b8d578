import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type {
  ChildProcess,
  ChildProcessWithoutNullStreams,
} from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { freePort } from '../bench/server.ts';

// `serve` with WEB_PROCESSES=2, as an operator starts it. What is tested is
// the processes, not the queries, so one SQLite file serves for both
// databases.

const BIN = fileURLToPath(new URL('../bin/civilmedia.js', import.meta.url));

interface Answer {
  status: number;
  body: string;
  cookies: string[];
}

/** One request on a connection of its own, as a new visitor makes. */
function send(
  url: string,
  options: { method?: string; cookie?: string; form?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          connection: 'close',
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(options.form
            ? { 'content-type': 'application/x-www-form-urlencoded' }
            : {}),
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            cookies: (response.headers['set-cookie'] ?? []).map(
              (cookie) => cookie.split(';')[0] ?? '',
            ),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.form);
  });
}

/** Starts `serve`, keeping what it writes to stderr. */
function start(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

/** Starts `serve` and resolves once it says it is running. */
function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; stdout: () => string }> {
  const { child, stderr } = start(env);
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('CivilMedia is running at')) {
        resolve({ child, stdout: () => stdout });
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`serve ended (${code}) before it ran:\n${stderr()}`)),
    );
  });
}

/** The exit code, or 'still running' after 40 s. */
function exited(child: ChildProcess): Promise<number | null | 'still running'> {
  if (child.exitCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), 40_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** The processes `pid` forked, from Linux's /proc. */
function childrenOf(pid: number): number[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  return readFileSync(path, 'utf8').split(' ').filter(Boolean).map(Number);
}

describe('serve with two web processes', () => {
  let folder: string;
  let env: Record<string, string>;
  let password: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'civilmedia-web-processes-'));
    env = {
      DATABASE_URL: `sqlite:${join(folder, 'site.db')}`,
      DATA_DIR: join(folder, 'data'),
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      WEB_PROCESSES: '2',
    };
    const created = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [BIN, 'create-admin', 'ada@example.test'],
        { env: { PATH: process.env.PATH ?? '', ...env } },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    password = /Password: (\S+)/.exec(created)?.[1] ?? '';
    assert.notEqual(password, '');
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it('shares one cookie secret, replaces a process that dies, stops all on SIGTERM', async () => {
    const { child } = await serve(env);
    const origin = `http://127.0.0.1:${env.PORT}`;
    // Two web processes and the jobs process.
    const workers = childrenOf(child.pid ?? 0);
    assert.equal(workers.length, 3);

    // Each request comes on a new connection, and connections go to the
    // two processes in turn, so the form one process served is posted to
    // the other: that works only if both sign cookies with one secret.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const form = await send(`${origin}/sign-in`);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(token, 'the sign-in form has a CSRF token');
      const signedIn = await send(`${origin}/sign-in`, {
        method: 'POST',
        cookie: form.cookies.join('; '),
        form: new URLSearchParams({
          _csrf: token,
          email: 'ada@example.test',
          password,
        }).toString(),
      });
      assert.equal(signedIn.status, 303, signedIn.body.slice(0, 300));
      const home = await send(`${origin}/`, {
        cookie: [...form.cookies, ...signedIn.cookies].join('; '),
      });
      assert.equal(home.status, 200);
    }

    // A web process that dies is replaced, and the site goes on answering.
    process.kill(workers[0] ?? 0, 'SIGKILL');
    let now = childrenOf(child.pid ?? 0);
    while (now.length < 3 || now.includes(workers[0] ?? 0)) {
      await delay(100);
      now = childrenOf(child.pid ?? 0);
    }
    for (let attempt = 0; attempt < 4; attempt += 1) {
      assert.equal((await send(`${origin}/sign-in`)).status, 200);
    }
    workers.push(...now);

    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    for (const pid of workers) {
      assert.equal(existsSync(`/proc/${pid}`), false, `process ${pid} ended`);
    }
  });

  it('runs the jobs in a process of their own, not in a web process', async () => {
    const { child, stdout } = await serve({ ...env, LOG_LEVEL: 'warn' });
    try {
      const forked = childrenOf(child.pid ?? 0);
      const jobs = forked.filter((pid) =>
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .includes('CIVILMEDIA_WEB_PROCESS=jobs'),
      );
      assert.equal(forked.length, 3);
      assert.equal(jobs.length, 1);
      // A fan-out job without its notification fails, and whoever ran it
      // logs the failure with its process id.
      const database = new SQLite(env.DATABASE_URL?.slice('sqlite:'.length));
      const now = new Date().toISOString();
      const queued = database
        .prepare(
          `insert into jobs (type, payload, max_attempts, available_at, created_at)
           values ('activity.fanout', '{}', 1, ?, ?)`,
        )
        .run(now, now);
      let state = '';
      while (state !== 'failed') {
        await delay(100);
        state = (
          database
            .prepare('select state from jobs where id = ?')
            .get(queued.lastInsertRowid) as { state: string }
        ).state;
      }
      database.close();
      const failures = stdout()
        .split('\n')
        .filter((line) => line.includes('"msg":"job failed"'))
        .map((line) => (JSON.parse(line) as { pid: number }).pid);
      assert.deepEqual(failures, [jobs[0]]);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited(child), 0);
    }
  });

  it('tells in one line when the port is taken, and exits 1', async () => {
    const { child: first } = await serve(env);
    const { child: second, stderr } = start(env);
    const code = await exited(second);
    first.kill('SIGTERM');
    await exited(first);

    assert.equal(code, 1);
    assert.equal(
      stderr(),
      `civilmedia: cannot listen on 127.0.0.1:${env.PORT} (EADDRINUSE); check HOST and PORT\n`,
    );
  });

  it('stops with exit 0 when asked while a process waits to be replaced', async () => {
    const { child } = await serve(env);
    const [young, other] = childrenOf(child.pid ?? 0);
    // The other process is held still for 1.5 s, so the stop is not over
    // before the second the young one's replacement is put off by.
    process.kill(other ?? 0, 'SIGSTOP');
    process.kill(young ?? 0, 'SIGKILL');
    await delay(200);
    child.kill('SIGTERM');
    await delay(1500);
    process.kill(other ?? 0, 'SIGCONT');

    assert.equal(await exited(child), 0);
    const answer = await send(`http://127.0.0.1:${env.PORT}/healthz`).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    assert.equal(answer, 'ECONNREFUSED');
  });

  it('stops with exit 0 when asked before the processes listen', async () => {
    const { child, stderr } = start(env);
    while (childrenOf(child.pid ?? 0).length < 2) {
      await delay(20);
    }
    child.kill('SIGTERM');

    assert.equal(await exited(child), 0);
    assert.equal(stderr(), '');
  });
});
