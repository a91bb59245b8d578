import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import type { LogLevel } from './config.ts';

/**
 * The one logger. Cookies, tokens and passwords are redacted wherever they
 * appear in a request or a fields object, so a careless field cannot leak
 * a secret into the logs. `destination` is for tests; logs go to stdout.
 */
export function createLogger(
  level: LogLevel,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'password',
        'token',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: { req: requestForLog },
  };
  // Tests read what would be logged from a stream of their own.
  return destination ? pino(options, destination) : pino(options);
}

/** What the logs keep of a request (Fastify logs `{ req: request }`). */
interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

// A personal feed address carries its secret in the path (BUG-02), where
// header redaction cannot reach it, so the path is cut down here.
function requestForLog(request: LoggedRequest) {
  return {
    method: request.method,
    url: withoutPathSecrets(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** A request URL with the secret of a personal feed address replaced. */
export function withoutPathSecrets(url: string): string {
  return url.replace(/^\/feeds\/[^/?#]*/, '/feeds/[redacted]');
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request id for the logs: a load balancer's `x-request-id` when it is
 * a plain token, otherwise a new UUID.
 */
export function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header)
    ? header
    : randomUUID();
}
