// Drives a server with autocannon over 127.0.0.1 with requests that may
// differ one from the next (a write's body, another page to save), and
// keeps every response's own time: autocannon's histogram keeps whole
// milliseconds, its per-response timings keep fractions.
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { percentiles } from '../load.ts';
import type { Measurement } from '../load.ts';
import type { WriteRequest } from './context.ts';

export interface Drive {
  origin: string;
  connections: number;
  /** Seconds; or until `until` settles, whichever is first. */
  duration: number;
  until?: Promise<unknown>;
  /** The `n`th request, from 0. */
  request(
    n: number,
  ):
    | WriteRequest
    | { method: 'GET'; path: string; headers: Record<string, string> };
}

/** `failures` counts answers outside 2xx and 3xx, and connection errors. */
export interface Driven extends Measurement {
  /** Requests with no answer within autocannon's 10 s. */
  timeouts: number;
  /** The first failing status seen, to say what went wrong. */
  firstFailure: number | null;
}

/** Runs one load and gives its numbers. 2xx and 3xx count as answered. */
export async function drive(options: Drive): Promise<Driven> {
  let next = 0;
  const timings: number[] = [];
  let failures = 0;
  let firstFailure: number | null = null;
  let instance: ReturnType<typeof autocannon> | undefined;
  const result = await new Promise<Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.origin,
        connections: options.connections,
        duration: options.duration,
        requests: [
          {
            setupRequest: (raw) => {
              const made = options.request(next);
              next += 1;
              return {
                ...raw,
                method: made.method,
                path: made.path,
                headers: made.headers,
                body: 'body' in made ? made.body : undefined,
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, status, _bytes, milliseconds) => {
      if (status >= 200 && status < 400) {
        timings.push(milliseconds);
      } else {
        failures += 1;
        firstFailure ??= status;
      }
    });
    void options.until?.then(() => instance?.stop());
  });
  return {
    perSecond: timings.length / result.duration,
    ...percentiles(timings),
    samples: timings.length,
    failures: failures + result.errors,
    timeouts: result.timeouts,
    firstFailure,
  };
}
