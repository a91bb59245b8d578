import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { it } from 'node:test';
import { readBenchOptions } from './options.ts';

it('reads the organisation suite flags, --seed-only keeping what it seeds', () => {
  const options = readBenchOptions([
    '--scale',
    'small',
    '--db',
    'postgres',
    '--only',
    'thread,fanout',
    '--seed-only',
  ]);
  assert.equal(options.scale, 'small');
  assert.equal(options.people, 100);
  assert.equal(options.db, 'postgres');
  assert.equal(options.only, 'thread,fanout');
  assert.equal(options.seedOnly, true);
  assert.equal(options.keep, true);
  assert.equal(options.connections, 50);
  assert.equal(options.processes, availableParallelism());
});

it('starts the server with --processes web processes, at least one', () => {
  assert.equal(readBenchOptions(['--processes', '3']).processes, 3);
  assert.throws(() => readBenchOptions(['--processes', '0']), {
    message: '--processes must be a whole number from 1 to 64',
  });
});

it('refuses before seeding an --only that names no scenario', () => {
  assert.throws(() => readBenchOptions(['--only', 'thread,zanzibar']), {
    message: "--only zanzibar matches no scenario's id",
  });
  assert.throws(() => readBenchOptions(['--only', 'thread,']), {
    message: '--only has an empty id',
  });
  assert.equal(readBenchOptions(['--only', 'wiki-']).only, 'wiki-');
});

it('refuses an unknown feature, a scale from the prototype and --seed-only with --reuse', () => {
  assert.throws(() => readBenchOptions(['--feature', 'everything']), {
    message:
      '--feature must be one of digest, search, talk, wiki, expertise, directory, group',
  });
  assert.throws(() => readBenchOptions(['--scale', 'constructor']), {
    message: '--scale must be one of small, org, org5',
  });
  assert.throws(
    () => readBenchOptions(['--seed-only', '--reuse', 'kept.json']),
    { message: '--seed-only seeds afresh: not with --reuse or --feature' },
  );
  assert.throws(() => readBenchOptions(['--feature', 'talk', '--only', 'x']), {
    message: '--only picks from the organisation suite, not --feature',
  });
  assert.equal(readBenchOptions(['--feature', 'group']).connections, 8);
});

it('refuses --reuse with an --only that picks writes alone', () => {
  assert.throws(
    () => readBenchOptions(['--reuse', 'kept.json', '--only', 'reply,fanout']),
    {
      message:
        '--reuse measures reads only, and --only reply,fanout picks none',
    },
  );
  assert.equal(
    readBenchOptions(['--reuse', 'kept.json', '--only', 'reply,thread']).only,
    'reply,thread',
  );
});
