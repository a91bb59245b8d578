import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantOf, instantOfLocal, instantOfUtc } from './dates.ts';

describe('WordPress dates', () => {
  it('reads the UTC date when there is one', () => {
    assert.equal(
      instantOf('2030-01-01 19:00:18', '2030-01-01 12:00:18', 'Europe/London'),
      '2030-01-01T19:00:18.000Z',
    );
  });

  it('reads the local date in the site zone when the UTC one is zeros', () => {
    assert.equal(
      instantOf('0000-00-00 00:00:00', '2025-07-01 09:00:00', 'Europe/London'),
      '2025-07-01T08:00:00.000Z',
    );
    assert.equal(
      instantOfLocal('2025-03-10 09:00:00', 'Pacific/Auckland'),
      '2025-03-09T20:00:00.000Z',
    );
  });

  it('moves a time the clocks skip on by the gap', () => {
    // 01:30 on 30 March 2025 never happens in London: 02:30 summer time.
    assert.equal(
      instantOfLocal('2025-03-30 01:30:00', 'Europe/London'),
      '2025-03-30T01:30:00.000Z',
    );
  });

  it('takes the first of a time that happens twice', () => {
    // 01:30 on 26 October 2025 is first summer time (00:30 UTC).
    assert.equal(
      instantOfLocal('2025-10-26 01:30:00', 'Europe/London'),
      '2025-10-26T00:30:00.000Z',
    );
  });

  it('refuses text that is not a date', () => {
    for (const text of [
      '',
      '0000-00-00 00:00:00',
      '2025-02-30 10:00:00',
      '2025-01-01 24:00:00',
      'yesterday',
    ]) {
      assert.equal(instantOfUtc(text), undefined, text);
      assert.equal(instantOfLocal(text, 'Europe/London'), undefined, text);
    }
  });
});
