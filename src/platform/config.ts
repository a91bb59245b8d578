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
  /**
   * PostgreSQL only: keep each connection's statements prepared
   * (platform/db/pg-prepared.ts). Off for a pooler that cannot carry
   * them, such as PgBouncer before 1.21 in transaction mode.
   */
  databasePreparedStatements: boolean;
  logLevel: LogLevel;
  /** Passed to Fastify: false, true, or the number of proxies in front. */
  trustProxy: boolean | number;
  /** Signs the CSRF cookie; random per process when unset outside production. */
  cookieSecret: string;
  sessionIdleTimeoutMs: number;
  sessionAbsoluteTimeoutMs: number;
  /**
   * Sign-in requests allowed per client address in a minute, right or
   * wrong: a brake on password guessing's cost in CPU. High enough for an
   * office signing in at nine from one address; wrong passwords have their
   * own, tighter limits (features/auth/throttle.ts).
   */
  signInRateLimit: number;
  /** OpenID Connect providers, the organisation's own first. */
  oidcProviders: OidcProviderConfig[];
  /** Allow a plain-http issuer: for tests and local trials, never production. */
  oidcAllowHttpIssuer: boolean;
  /**
   * The SMTP relay, `smtp://user:password@host:587` (STARTTLS when the
   * server offers it) or `smtps://…:465`; with none, e-mail is not sent.
   */
  smtpUrl: URL | undefined;
  /** The From address of every e-mail. */
  mailFrom: string;
  /**
   * Processes `serve` forks to answer requests, sharing one port: one
   * renders pages on one core, so about one per core (src/web-processes.ts).
   */
  webProcesses: number;
  /** Job workers `serve` runs in its own process; 0 leaves jobs to others. */
  jobWorkers: number;
  /** How long a worker holds a job before another may take it over. */
  jobLeaseMs: number;
  /** The data folder; uploaded files live under `DATA_DIR/files`. */
  dataDir: string;
  /**
   * Where file bytes are kept: `disk` under the data folder, or `database`
   * when several app processes share one database and no shared disk.
   */
  fileStorage: 'disk' | 'database';
  /** The largest file one upload may store, in bytes. */
  fileMaxBytes: number;
  /** Bytes each group's files may take, every version counted. */
  groupQuotaBytes: number;
  /** Bytes each person's own files may take, every version counted. */
  personQuotaBytes: number;
}

/** One OpenID Connect identity provider people can sign in with. */
export interface OidcProviderConfig {
  /** `default` for the one set by OIDC_ISSUER, otherwise its OIDC_PROVIDERS key. */
  key: string;
  /** What the sign-in button says: "Sign in with NAME". */
  name: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Claims that update the profile at each sign-in, when named. */
  claims: { department?: string; jobTitle?: string };
  /**
   * Who signs in through it. `member`: the organisation's own staff.
   * `guest`: a partner's staff, who become guests, must have an address at
   * a partner organisation's domain, and can never take over a member's
   * account by claiming its address.
   */
  people: 'member' | 'guest';
  /** Where its flow starts, and where the provider sends people back. */
  startPath: string;
  callbackPath: string;
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
    databasePreparedStatements:
      readEnum(env, 'DATABASE_PREPARED_STATEMENTS', ['on', 'off'], 'on') ===
      'on',
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    trustProxy: readTrustProxy(env),
    cookieSecret: readCookieSecret(env, nodeEnv),
    sessionIdleTimeoutMs: readDuration(env, 'SESSION_IDLE_TIMEOUT', '8h'),
    sessionAbsoluteTimeoutMs: readDuration(
      env,
      'SESSION_ABSOLUTE_TIMEOUT',
      '7d',
    ),
    signInRateLimit: readInteger(env, 'SIGN_IN_RATE_LIMIT', 120, 1, 10_000),
    oidcProviders: readOidcProviders(env),
    oidcAllowHttpIssuer: readOidcAllowHttp(env, nodeEnv),
    smtpUrl: readSmtpUrl(env),
    mailFrom: readString(
      env,
      'MAIL_FROM',
      `CivilMedia <no-reply@${publicUrl.hostname}>`,
    ),
    webProcesses: readInteger(env, 'WEB_PROCESSES', 1, 1, 64),
    jobWorkers: readInteger(env, 'JOB_WORKERS', 1, 0, 32),
    jobLeaseMs: readInteger(env, 'JOB_LEASE_SECONDS', 300, 5, 86_400) * 1000,
    dataDir: readString(env, 'DATA_DIR', './data'),
    fileStorage: readEnum(env, 'FILE_STORAGE', ['disk', 'database'], 'disk'),
    fileMaxBytes: readBytes(env, 'FILE_MAX_BYTES', 500 * MiB),
    groupQuotaBytes: readBytes(env, 'FILE_GROUP_QUOTA_BYTES', 20 * GiB),
    personQuotaBytes: readBytes(env, 'FILE_PERSON_QUOTA_BYTES', 2 * GiB),
  };
}

const PROVIDER_KEY = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * The first provider comes from OIDC_ISSUER, OIDC_CLIENT_ID and
 * OIDC_CLIENT_SECRET. More are named in OIDC_PROVIDERS (`partner,nhs`),
 * each with the same settings under its own prefix (OIDC_PARTNER_ISSUER …).
 */
function readOidcProviders(env: Env): OidcProviderConfig[] {
  const providers: OidcProviderConfig[] = [];
  const first = readOidcProvider(env, 'OIDC_', 'default', false);
  if (first) {
    providers.push(first);
  }
  const keys = (env.OIDC_PROVIDERS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  for (const key of keys) {
    if (!PROVIDER_KEY.test(key) || key === 'default' || key === 'callback') {
      throw new ConfigError(
        'OIDC_PROVIDERS',
        'must be a comma-separated list of short lower-case names such as partner,nhs',
      );
    }
    const prefix = `OIDC_${key.toUpperCase().replace(/-/g, '_')}_`;
    const provider = readOidcProvider(env, prefix, key, true);
    if (provider) {
      providers.push(provider);
    }
  }
  return providers;
}

function readOidcProvider(
  env: Env,
  prefix: string,
  key: string,
  required: boolean,
): OidcProviderConfig | undefined {
  const names = ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET'].map((n) => prefix + n);
  const values = names.map((name) => env[name]?.trim() ?? '');
  if (!required && values.every((value) => value === '')) {
    return undefined;
  }
  values.forEach((value, index) => {
    if (!value) {
      throw new ConfigError(
        names[index] ?? prefix,
        `must be set with ${names.filter((_, i) => i !== index).join(' and ')}`,
      );
    }
  });
  const [issuerText = '', clientId = '', clientSecret = ''] = values;
  let issuer: URL;
  try {
    issuer = new URL(issuerText);
  } catch {
    throw new ConfigError(
      `${prefix}ISSUER`,
      'must be the issuer URL of an OpenID provider',
    );
  }
  const scopes = (
    env[`${prefix}SCOPES`]?.trim() || 'openid email profile'
  ).split(/\s+/);
  if (!scopes.includes('openid')) {
    throw new ConfigError(`${prefix}SCOPES`, 'must include openid');
  }
  const base = key === 'default' ? '/auth/oidc' : `/auth/oidc/${key}`;
  return {
    key,
    name:
      env[`${prefix}NAME`]?.trim() ||
      (key === 'default' ? 'your organisation account' : key),
    issuer,
    clientId,
    clientSecret,
    scopes,
    claims: {
      ...(env[`${prefix}DEPARTMENT_CLAIM`]?.trim()
        ? { department: env[`${prefix}DEPARTMENT_CLAIM`]?.trim() }
        : {}),
      ...(env[`${prefix}JOB_TITLE_CLAIM`]?.trim()
        ? { jobTitle: env[`${prefix}JOB_TITLE_CLAIM`]?.trim() }
        : {}),
    },
    people: readEnum(
      env,
      `${prefix}PEOPLE`,
      ['member', 'guest'],
      key === 'default' ? 'member' : 'guest',
    ),
    startPath: base,
    callbackPath: `${base}/callback`,
  };
}

function readOidcAllowHttp(env: Env, nodeEnv: Config['env']): boolean {
  const value = readEnum(
    env,
    'OIDC_ALLOW_HTTP_ISSUER',
    ['true', 'false'],
    'false',
  );
  if (value === 'true' && nodeEnv === 'production') {
    throw new ConfigError(
      'OIDC_ALLOW_HTTP_ISSUER',
      'must not be true in production: identity providers are reached over HTTPS',
    );
  }
  return value === 'true';
}

function readSmtpUrl(env: Env): URL | undefined {
  const value = env.SMTP_URL?.trim();
  if (!value) {
    return undefined;
  }
  const allowed = 'must be smtp://user:password@host:port or smtps://…';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SMTP_URL', allowed);
  }
  if (
    (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') ||
    !url.hostname
  ) {
    throw new ConfigError('SMTP_URL', allowed);
  }
  return url;
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

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  KiB: 1024,
  MiB,
  GiB,
  TiB: 1024 * GiB,
};

/**
 * A size in bytes: a whole number, optionally with a binary unit
 * (`524288000`, `500MiB`, `20GiB`). Zero, negative, fractional and
 * decimal-unit (`MB`) values are refused, so no one has to guess whether
 * a megabyte meant 1000 or 1024 kilobytes.
 */
function readBytes(env: Env, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (!value) {
    return fallback;
  }
  const match = /^(\d{1,16})\s*(KiB|MiB|GiB|TiB)?$/.exec(value);
  const bytes = Number(match?.[1]) * (BYTE_UNITS[match?.[2] ?? ''] ?? NaN);
  if (!match || !(bytes >= 1) || bytes > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError(
      name,
      'must be a whole number of bytes, such as 524288000 or 500MiB (KiB, MiB, GiB, TiB)',
    );
  }
  return bytes;
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
