import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import type { Logger } from 'pino';
import type { LogLevel } from './config.ts';

/**
 * The one logger. Cookies, tokens and passwords are redacted wherever they
 * appear in a request or a fields object, so a careless field cannot leak
 * a secret into the logs.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
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
  });
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
