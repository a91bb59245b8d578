import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('defaults give a laptop install on SQLite at port 3000', () => {
  const config = loadConfig({});

  assert.equal(config.port, 3000);
  assert.equal(config.databaseUrl, 'sqlite:./data/civilmedia.db');
  assert.equal(config.publicUrl.href, 'http://localhost:3000/');
  assert.equal(config.sessionIdleTimeoutMs, 8 * 3_600_000);
  assert.equal(config.sessionAbsoluteTimeoutMs, 7 * 86_400_000);
});

test('a bad setting names the variable and what it allows', () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT: must be a whole number from 1 to 65535'],
    [
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL: must be sqlite:PATH or postgres://user@host:port/database',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      { SESSION_IDLE_TIMEOUT: '8 hours' },
      'SESSION_IDLE_TIMEOUT: must be a whole number followed by m, h or d, such as 30m, 8h or 7d',
    ],
    [
      { PUBLIC_URL: 'ftp://intranet' },
      'PUBLIC_URL: must be an http or https URL such as https://intranet.example.gov.uk',
    ],
    [
      { COOKIE_SECRET: 'short' },
      'COOKIE_SECRET: must be at least 32 characters',
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, message);
        return true;
      },
    );
  }
});

test('production refuses to start without a shared cookie secret', () => {
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production' }),
    /COOKIE_SECRET: must be set in production/,
  );
});
