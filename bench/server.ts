import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A server the benchmark started, on 127.0.0.1. */
export interface RunningServer {
  origin: string;
  /** The server's process id, to read its memory. */
  pid: number;
  /** Stops the process the benchmark started, and waits for it to go. */
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Every server started and not yet stopped, for stopStartedServers.
const running = new Set<() => Promise<void>>();

/** Stops every server this process started, as when the bench is ended. */
export async function stopStartedServers(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

/** A port nobody is listening on right now, chosen by the system. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts CivilMedia as an operator would, `civilmedia serve` in
 * production mode, against `databaseUrl`, and waits until /healthz
 * answers. Listens on `port` when given, else on one the system picks.
 */
export async function startCivilMedia(
  databaseUrl: string,
  port?: number,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  port ??= await freePort();
  // Node's own options for the server, as "--cpu-prof --cpu-prof-dir=D"
  // to profile it: Node refuses --cpu-prof in NODE_OPTIONS.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '')
    .split(' ')
    .filter((arg) => arg !== '');
  const args = [...nodeArgs, 'bin/civilmedia.js', 'serve'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COOKIE_SECRET: randomBytes(32).toString('base64url'),
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitUntilHealthy(child, `http://127.0.0.1:${port}`, '/healthz');
}

/**
 * Starts a bare node:http server that answers every request with `body`,
 * the floor any Node server sits on.
 */
export async function startBareNode(
  body: Buffer,
  contentType: string,
): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/bare-server.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        CONTENT_TYPE: contentType,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stdin?.end(body);
  return waitUntilHealthy(child, `http://127.0.0.1:${port}`, '/');
}

async function waitUntilHealthy(
  child: ChildProcess,
  origin: string,
  path: string,
): Promise<RunningServer> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
    await exited;
    running.delete(stop);
  };
  running.add(stop);

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server stopped while starting:\n${output}`);
    }
    try {
      const response = await fetch(`${origin}${path}`);
      await response.arrayBuffer();
      if (response.ok) {
        return { origin, pid: child.pid ?? 0, stop };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(
    `the server did not answer ${path} within a minute:\n${output}`,
  );
}
