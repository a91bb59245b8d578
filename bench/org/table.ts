// The organisation suite's report: one table of read pages beside the
// bare-node floor, then writes, sign-in, the fan-out and the totals.
import { percentiles } from '../load.ts';
import type { Driven } from './drive.ts';
import type { ReadRow } from './measure.ts';

export interface WriteRow {
  id: string;
  name: string;
  /** The first request's answer. */
  status: number;
  load: Driven | null;
}

export interface FanoutResult {
  status: number;
  /** How long the request that made the thread took. */
  answeredMs: number;
  /** From the request to the last notification written; null if not. */
  finishedMs: number | null;
  notified: number;
  expected: number;
  /** The thread page at full load before, and while the fan-out ran. */
  idle: Driven;
  during: Driven;
}

export interface OrgReport {
  reads: ReadRow[];
  writes: WriteRow[];
  signIn: { one: number[]; many: number[]; seconds: number } | null;
  fanout: FanoutResult | null;
  memory: { rssMiB: number; peakMiB: number; processes: number } | null;
  seedSeconds: number;
  seedParts: Record<string, number>;
  counts: Record<string, number>;
  databaseMiB: number | null;
}

function table(titles: readonly string[], rows: string[][]): string {
  const widths = titles.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) =>
        i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0),
      )
      .join('  ');
  return [
    line(titles),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

/** Failures and time-outs of a load, as "0" or "3 (2 timed out)". */
function failed(load: Driven | null): string {
  if (!load) {
    return '–';
  }
  return load.timeouts > 0
    ? `${load.failures} (${load.timeouts} timed out)`
    : String(load.failures);
}

export function formatOrgReport(report: OrgReport): string {
  const parts: string[] = [];
  parts.push(
    table(
      [
        'page (signed-in member)',
        'req/s @50',
        'p50 ms @1',
        'p99 ms @50',
        'bare req/s',
        '× bare',
        'bytes',
        'queries',
        'failed',
      ],
      report.reads.map((row) => [
        row.status === 200 ? row.name : `${row.name} (answered ${row.status})`,
        fixed(row.many?.perSecond, 0),
        fixed(row.one?.p50, 2),
        fixed(row.many?.p99, 1),
        fixed(row.bare?.perSecond, 0),
        row.many && row.bare
          ? (row.many.perSecond / row.bare.perSecond).toFixed(3)
          : '–',
        row.bytes.toLocaleString('en-GB'),
        row.queries === null ? '–' : String(row.queries),
        failed(row.many),
      ]),
    ),
  );
  if (report.writes.length > 0) {
    parts.push(
      table(
        ['write', 'req/s', 'p50 ms', 'p99 ms', 'failed'],
        report.writes.map((row) => [
          row.load ? row.name : `${row.name} (answered ${row.status})`,
          fixed(row.load?.perSecond, 0),
          fixed(row.load?.p50, 2),
          fixed(row.load?.p99, 1),
          failed(row.load),
        ]),
      ),
    );
  }
  const lines: string[] = [];
  if (report.signIn) {
    const one = percentiles(report.signIn.one);
    const many = percentiles(report.signIn.many);
    lines.push(
      `sign-in: p50 ${fixed(one.p50)} ms one at a time; ` +
        `${(report.signIn.many.length / report.signIn.seconds).toFixed(1)}/s, ` +
        `p50 ${fixed(many.p50)} ms, p99 ${fixed(many.p99)} ms at once`,
    );
  }
  const fan = report.fanout;
  if (fan) {
    lines.push(
      `fan-out of a new thread: the request answered ${fan.status} in ` +
        `${fixed(fan.answeredMs)} ms; ${fan.notified.toLocaleString('en-GB')} of ` +
        `${fan.expected.toLocaleString('en-GB')} told ` +
        (fan.finishedMs === null
          ? 'before the bench stopped waiting'
          : `in ${fixed(fan.finishedMs / 1000)} s`) +
        `; thread page p99 ${fixed(fan.idle.p99)} ms idle, ` +
        `${fixed(fan.during.p99)} ms during (× ${fixed(fan.during.p99 / fan.idle.p99, 2)}), ` +
        `${fixed(fan.during.perSecond, 0)}/s`,
    );
  }
  if (report.memory) {
    lines.push(
      `server memory: ${fixed(report.memory.rssMiB, 0)} MiB resident after the reads, ` +
        `${fixed(report.memory.peakMiB, 0)} MiB at peak` +
        (report.memory.processes > 1
          ? ` (${report.memory.processes} processes added up, each at its ` +
            'own peak: the web processes and the one that forked them)'
          : ''),
    );
  }
  if (report.databaseMiB !== null) {
    lines.push(`database size: ${fixed(report.databaseMiB, 0)} MiB`);
  }
  lines.push(
    `seed: ${fixed(report.seedSeconds)} s (` +
      Object.entries(report.seedParts)
        .map(([name, seconds]) => `${name} ${fixed(seconds)}`)
        .join(', ') +
      ')',
    `rows: ${Object.entries(report.counts)
      .map(([name, count]) => `${name} ${count.toLocaleString('en-GB')}`)
      .join(', ')}`,
  );
  parts.push(lines.join('\n'));
  return parts.join('\n\n');
}
