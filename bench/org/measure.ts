// Measuring one read page: the real server at 1 connection (p50) and at
// 50 (requests/s, p99), then a bare node:http server sending the same
// bytes at 50, the floor any Node server sits on.
import { startBareNode } from '../server.ts';
import type { ReadScenario } from './context.ts';
import { drive } from './drive.ts';
import type { Driven } from './drive.ts';

export interface LoadSettings {
  /** Seconds at many connections. */
  duration: number;
  /** Seconds at one connection. */
  single: number;
  connections: number;
}

export interface ReadRow {
  id: string;
  name: string;
  path: string;
  bytes: number;
  status: number;
  /** Statements the page ran, counted in process; null when not counted. */
  queries: number | null;
  one: Driven | null;
  many: Driven | null;
  bare: Driven | null;
}

/** Load before any measured load, so a fresh server's first requests are not timed. */
export const WARM_UP_SECONDS = 2;

/** Loads `scenario` on the server at `origin` as the signed-in member. */
export async function measureRead(
  origin: string,
  scenario: ReadScenario,
  headers: Record<string, string>,
  settings: LoadSettings,
): Promise<ReadRow> {
  const first = await fetch(`${origin}${scenario.path}`, {
    headers,
    redirect: 'manual',
  });
  const body = Buffer.from(await first.arrayBuffer());
  const row: ReadRow = {
    id: scenario.id,
    name: scenario.name,
    path: scenario.path,
    bytes: body.length,
    status: first.status,
    queries: null,
    one: null,
    many: null,
    bare: null,
  };
  if (first.status !== 200) {
    return row;
  }
  const get = (path: string) => () => ({
    method: 'GET' as const,
    path,
    headers,
  });
  await drive({
    origin,
    connections: settings.connections,
    duration: Math.min(WARM_UP_SECONDS, settings.duration),
    request: get(scenario.path),
  });
  await settle(origin, scenario.path, headers);
  row.one = await drive({
    origin,
    connections: 1,
    duration: settings.single,
    request: get(scenario.path),
  });
  row.many = await drive({
    origin,
    connections: settings.connections,
    duration: settings.duration,
    request: get(scenario.path),
  });
  // The bare server must not share the machine with that queue either.
  await settle(origin, scenario.path, headers);
  const bare = await startBareNode(
    body,
    first.headers.get('content-type') ?? 'text/html; charset=utf-8',
  );
  try {
    await drive({
      origin: bare.origin,
      connections: settings.connections,
      duration: 1,
      request: get('/'),
    });
    row.bare = await drive({
      origin: bare.origin,
      connections: settings.connections,
      duration: settings.duration,
      request: get('/'),
    });
  } finally {
    await bare.stop();
  }
  return row;
}

/**
 * Waits until the requests a load left in flight have been answered: a
 * load stops sending at its deadline, but the server still works through
 * what the connections had sent, and a one-connection run started at
 * once would wait behind all of it (it saw nothing at all in 4 s behind
 * 50 slow pages). One more request of the page, answered, means the
 * queue before it has gone.
 */
async function settle(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<void> {
  const response = await fetch(`${origin}${path}`, { headers });
  await response.arrayBuffer();
}

/**
 * The server's resident memory now and at its peak, in MiB (Linux): its
 * process and the web processes it forked (WEB_PROCESSES), each counted
 * at its own peak, so the peak is an upper bound when there are several.
 */
export async function serverMemory(
  pid: number,
): Promise<{ rssMiB: number; peakMiB: number; processes: number } | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    const children = await readFile(
      `/proc/${pid}/task/${pid}/children`,
      'utf8',
    ).catch(() => '');
    const pids = [pid, ...children.split(' ').filter(Boolean).map(Number)];
    let rssMiB = 0;
    let peakMiB = 0;
    for (const one of pids) {
      const status = await readFile(`/proc/${one}/status`, 'utf8');
      const kib = (field: string) =>
        Number(
          new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN,
        );
      rssMiB += kib('VmRSS') / 1024;
      peakMiB += kib('VmHWM') / 1024;
    }
    return { rssMiB, peakMiB, processes: pids.length };
  } catch {
    return null;
  }
}
