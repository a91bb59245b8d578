import { randomBytes } from 'node:crypto';

/** The whole of CivilMedia's configuration, read once from the environment. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Where people reach the site; decides Secure cookies and absolute links. */
  publicUrl: URL;
  /** `sqlite:PATH` or a `postgres://` URL. */
  databaseUrl: string;
  logLevel: LogLevel;
  /** Passed to Fastify: false, true, or the number of proxies in front. */
  trustProxy: boolean | number;
  /** Signs the CSRF cookie; random per process when unset outside production. */
  cookieSecret: string;
  sessionIdleTimeoutMs: number;
  sessionAbsoluteTimeoutMs: number;
  /** Sign-in attempts allowed per client address in a minute. */
  signInRateLimit: number;
}

export type LogLevel =
  'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const LOG_LEVELS: LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/**
 * A bad setting. Its message is one line naming the variable and what it
 * allows, which is all the command line prints before it stops.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    allowed: string,
  ) {
    super(`${variable}: ${allowed}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and checks every setting; throws a ConfigError on the first bad one. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = readEnum(
    env,
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
  );
  const port = readInteger(env, 'PORT', 3000, 1, 65535);
  const host = readString(env, 'HOST', '127.0.0.1');
  const publicUrl = readPublicUrl(env, port);
  const databaseUrl = readDatabaseUrl(env);

  return {
    env: nodeEnv,
    port,
    host,
    publicUrl,
    databaseUrl,
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    trustProxy: readTrustProxy(env),
    cookieSecret: readCookieSecret(env, nodeEnv),
    sessionIdleTimeoutMs: readDuration(env, 'SESSION_IDLE_TIMEOUT', '8h'),
    sessionAbsoluteTimeoutMs: readDuration(
      env,
      'SESSION_ABSOLUTE_TIMEOUT',
      '7d',
    ),
    signInRateLimit: readInteger(env, 'SIGN_IN_RATE_LIMIT', 10, 1, 10_000),
  };
}

function readString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function readEnum<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = env[name]?.trim();
  if (!value) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function readInteger(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = env[name]?.trim();
  if (!value) {
    return fallback;
  }
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  }
  return number;
}

function readPublicUrl(env: Env, port: number): URL {
  const value = env.PUBLIC_URL?.trim();
  if (!value) {
    return new URL(`http://localhost:${port}`);
  }
  const allowed =
    'must be an http or https URL such as https://intranet.example.gov.uk';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('PUBLIC_URL', allowed);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', allowed);
  }
  return url;
}

function readDatabaseUrl(env: Env): string {
  const value = env.DATABASE_URL?.trim() || 'sqlite:./data/civilmedia.db';
  const allowed = 'must be sqlite:PATH or postgres://user@host:port/database';
  if (value.startsWith('sqlite:')) {
    if (value.length === 'sqlite:'.length) {
      throw new ConfigError('DATABASE_URL', allowed);
    }
    return value;
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', allowed);
    }
    return value;
  }
  throw new ConfigError('DATABASE_URL', allowed);
}

function readTrustProxy(env: Env): boolean | number {
  const value = env.TRUST_PROXY?.trim();
  if (!value || value === 'false') {
    return false;
  }
  if (value === 'true') {
    return true;
  }
  if (/^\d+$/.test(value) && Number(value) <= 10) {
    return Number(value);
  }
  throw new ConfigError(
    'TRUST_PROXY',
    'must be false, true, or the number of proxies in front (0 to 10)',
  );
}

function readCookieSecret(env: Env, nodeEnv: Config['env']): string {
  const value = env.COOKIE_SECRET?.trim();
  if (value) {
    if (value.length < 32) {
      throw new ConfigError('COOKIE_SECRET', 'must be at least 32 characters');
    }
    return value;
  }
  if (nodeEnv === 'production') {
    throw new ConfigError(
      'COOKIE_SECRET',
      'must be set in production, at least 32 random characters shared by every app process',
    );
  }
  return randomBytes(32).toString('base64url');
}

const DURATION_UNITS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Durations are a whole number and a unit: `30m`, `8h`, `7d`. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (!match?.[1] || !match[2]) {
    return undefined;
  }
  const amount = Number(match[1]);
  const unit = DURATION_UNITS[match[2]];
  return amount > 0 && unit ? amount * unit : undefined;
}

function readDuration(env: Env, name: string, fallback: string): number {
  const value = env[name]?.trim() || fallback;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new ConfigError(
      name,
      'must be a whole number followed by m, h or d, such as 30m, 8h or 7d',
    );
  }
  return ms;
}
