import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatOrgReport, type OrgReport } from './table.ts';

function report(memory: OrgReport['memory']): OrgReport {
  return {
    reads: [],
    writes: [],
    signIn: null,
    fanout: null,
    memory,
    seedSeconds: 0,
    seedParts: {},
    counts: {},
    databaseMiB: null,
  };
}

const memoryLine = (text: string) =>
  text.split('\n').find((line) => line.startsWith('server memory'));

it('says how many processes the memory line adds up', () => {
  assert.equal(
    memoryLine(
      formatOrgReport(report({ rssMiB: 612.4, peakMiB: 801.6, processes: 3 })),
    ),
    'server memory: 612 MiB resident after the reads, 802 MiB at peak ' +
      '(3 processes added up, each at its own peak: the web processes ' +
      'and the one that forked them)',
  );
  assert.equal(
    memoryLine(
      formatOrgReport(report({ rssMiB: 200, peakMiB: 250, processes: 1 })),
    ),
    'server memory: 200 MiB resident after the reads, 250 MiB at peak',
  );
});
