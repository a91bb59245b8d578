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

test('files default to the disk under ./data with 500 MiB per file', () => {
  const config = loadConfig({});

  assert.equal(config.dataDir, './data');
  assert.equal(config.fileStorage, 'disk');
  assert.equal(config.fileMaxBytes, 524_288_000);
  assert.equal(config.groupQuotaBytes, 21_474_836_480);
  assert.equal(config.personQuotaBytes, 2_147_483_648);
});

test('file sizes take plain bytes or binary units', () => {
  const config = loadConfig({
    DATA_DIR: '/var/lib/civilmedia',
    FILE_STORAGE: 'database',
    FILE_MAX_BYTES: '1048576',
    FILE_GROUP_QUOTA_BYTES: '3 GiB',
    FILE_PERSON_QUOTA_BYTES: '512KiB',
  });

  assert.equal(config.dataDir, '/var/lib/civilmedia');
  assert.equal(config.fileStorage, 'database');
  assert.equal(config.fileMaxBytes, 1_048_576);
  assert.equal(config.groupQuotaBytes, 3 * 1024 ** 3);
  assert.equal(config.personQuotaBytes, 512 * 1024);
});

test('a file size that is not a positive whole number is refused', () => {
  const allowed =
    'must be a whole number of bytes, such as 524288000 or 500MiB (KiB, MiB, GiB, TiB)';
  const cases: [string, string][] = [
    ['FILE_MAX_BYTES', 'lots'],
    ['FILE_MAX_BYTES', '-5'],
    ['FILE_MAX_BYTES', '0'],
    ['FILE_MAX_BYTES', '1.5'],
    ['FILE_GROUP_QUOTA_BYTES', '20GB'],
    ['FILE_PERSON_QUOTA_BYTES', '99999999999 TiB'],
  ];
  for (const [variable, value] of cases) {
    assert.throws(
      () => loadConfig({ [variable]: value }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, `${variable}: ${allowed}`);
        return true;
      },
      `${variable}=${value}`,
    );
  }
  assert.throws(
    () => loadConfig({ FILE_STORAGE: 's3' }),
    /^ConfigError: FILE_STORAGE: must be one of disk, database$/,
  );
});

test('keeps PostgreSQL statements prepared unless DATABASE_PREPARED_STATEMENTS is off', () => {
  assert.equal(loadConfig({}).databasePreparedStatements, true);
  assert.equal(
    loadConfig({ DATABASE_PREPARED_STATEMENTS: 'on' })
      .databasePreparedStatements,
    true,
  );
  assert.equal(
    loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' })
      .databasePreparedStatements,
    false,
  );
  assert.throws(
    () => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'yes' }),
    /^ConfigError: DATABASE_PREPARED_STATEMENTS: must be one of on, off$/,
  );
});
