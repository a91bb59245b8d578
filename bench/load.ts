import autocannon from 'autocannon';
import type { Result } from 'autocannon';

/** What one measured scenario gives the results table. */
export interface Measurement {
  /** Completed requests (or calls) per second. */
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** How many requests or calls the numbers are over. */
  samples: number;
  /** Answers other than 2xx, and connection errors. */
  failures: number;
}

export interface LoadOptions {
  origin: string;
  /** Paths with their query strings, sent in turn and then again. */
  paths: readonly string[];
  headers: Record<string, string>;
  connections: number;
  duration: number;
}

// TODO: autocannon runs on the same machine as the server and takes CPU
// from it, so on a small machine requests/s are a floor, not a ceiling.

/**
 * Drives a server with autocannon over 127.0.0.1. Latencies are taken
 * from autocannon's per-response timings, which are fractions of a
 * millisecond, rather than its histogram, which keeps whole milliseconds.
 */
export async function driveServer(options: LoadOptions): Promise<Measurement> {
  let next = 0;
  const timings: number[] = [];
  let failures = 0;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.origin,
        connections: options.connections,
        duration: options.duration,
        headers: options.headers,
        requests: [
          {
            setupRequest: (request) => {
              request.path = options.paths[next % options.paths.length];
              next += 1;
              return request;
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, status, _bytes, milliseconds) => {
      if (status >= 200 && status < 300) {
        timings.push(milliseconds);
      } else {
        failures += 1;
      }
    });
  });
  return {
    perSecond: timings.length / result.duration,
    ...percentiles(timings),
    samples: timings.length,
    failures: failures + result.errors,
  };
}

/** The 50th, 95th and 99th percentiles, by nearest rank. */
export function percentiles(values: readonly number[]): {
  p50: number;
  p95: number;
  p99: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p95: at(95), p99: at(99) };
}
