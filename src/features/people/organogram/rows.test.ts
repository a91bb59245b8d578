import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOrganogram } from './import.ts';
import { teamKey } from './junior.ts';
import {
  JUNIOR_COLUMNS,
  SENIOR_COLUMNS,
  csvText,
  seniorRow,
} from './testing.ts';
import type { SeniorColumn } from './testing.ts';

const csv = (rows: string[][]) => new TextEncoder().encode(csvText(rows));
const post = (
  reference: string,
  name: string,
  reportsTo: string,
  overrides: Partial<Record<SeniorColumn, string>> = {},
) => seniorRow('Ministry of Tests', reference, name, reportsTo, overrides);
const SENIOR = [...SENIOR_COLUMNS];

function readSenior(rows: string[][]) {
  const read = readOrganogram('test.csv', csv([SENIOR, ...rows]));
  assert.equal(read.report.rejected, undefined);
  return { rows: read.senior ?? [], report: read.report };
}

describe('reading senior organogram rows', () => {
  it('reads post markers in any case as vacant, undisclosed or eliminated', () => {
    const { rows } = readSenior([
      post('1', 'VACANT', 'XX'),
      post('2', ' n/d ', '1'),
      post('3', 'N/D', '1'),
      post('4', 'Eliminated', '1'),
      post('5', 'Ann Other', '1'),
    ]);

    assert.deepEqual(
      rows.map((row) => [row.holderKind, row.name]),
      [
        ['vacant', null],
        ['undisclosed', null],
        ['undisclosed', null],
        ['eliminated', null],
        ['named', 'Ann Other'],
      ],
    );
  });

  it('takes an organisation name in the Name column as undisclosed, with a warning', () => {
    const { rows, report } = readSenior([
      post('405', 'Ministry of Tests', 'xx'),
    ]);

    assert.equal(rows[0]?.holderKind, 'undisclosed');
    assert.deepEqual(report.warnings, [
      'line 2: post 405 gives the organisation "Ministry of Tests" ' +
        'as its Name; it is taken as undisclosed',
    ]);
  });

  it(
    'reads references written as floats as whole numbers, ' +
      'and XX, N/A or nothing as the top',
    () => {
      const { rows } = readSenior([
        post('2.0', 'Vacant', '1.0'),
        post('CO57', 'Vacant', 'XX'),
        post('3', 'Vacant', 'N/A'),
        post('4', 'Vacant', ''),
      ]);

      assert.deepEqual(
        rows.map((row) => [row.reference, row.reportsTo]),
        [
          ['2', '1'],
          ['CO57', null],
          ['3', null],
          ['4', null],
        ],
      );
    },
  );

  it(
    'folds line breaks and no-break spaces in one-line cells ' +
      'but keeps paragraphs in the job function',
    () => {
      const { rows } = readSenior([
        post('1', 'Vacant', 'XX', {
          'Job Title': ' Permanent Secretary,\nEfficiency\u00A0and Reform ',
          'Job/Team Function': 'Leads  the\u00A0group.\r\nSets direction.',
        }),
      ]);

      assert.equal(
        rows[0]?.jobTitle,
        'Permanent Secretary, Efficiency and Reform',
      );
      assert.equal(rows[0]?.jobFunction, 'Leads the group.\nSets direction.');
    },
  );

  it(
    'reads pay written as floats or with £ and commas as whole pounds, ' +
      'and FTE as a fraction',
    () => {
      const { rows } = readSenior([
        post('1', 'Vacant', 'XX', {
          FTE: '0.5',
          'Actual Pay Floor (£)': '90000.0',
          'Actual Pay Ceiling (£)': '£94,999',
        }),
      ]);

      assert.deepEqual(
        [rows[0]?.fte, rows[0]?.payFloor, rows[0]?.payCeiling],
        [0.5, 90000, 94999],
      );
    },
  );

  it(
    'leaves marker phone and e-mail cells empty ' +
      'and warns about an address that is not one',
    () => {
      const { rows, report } = readSenior([
        post('1', 'Vacant', 'XX', { 'Contact Phone': 'N/D' }),
        post('2', 'Vacant', '1', {
          'Contact E-mail': 'a@x.gov.uk or b@x.gov.uk',
        }),
      ]);

      assert.deepEqual(
        rows.map((row) => [row.phone, row.email]),
        [
          [null, null],
          ['020 7946 0000', null],
        ],
      );
      assert.deepEqual(report.warnings, [
        'line 3: Contact E-mail "a@x.gov.uk or b@x.gov.uk" is not an address; it is left empty',
      ]);
    },
  );

  it('skips a row whose job title is over 255 code points, by its line, and keeps the rest', () => {
    const longest = '\u{1F3DB}'.repeat(255);
    const { rows, report } = readSenior([
      post('1', 'Vacant', 'XX', { 'Job/Team Function': 'Two\nlines' }),
      post('2', 'Vacant', '1', { 'Job Title': `${longest}x` }),
      post('3', 'Vacant', '1', { 'Job Title': longest }),
    ]);

    assert.deepEqual(
      rows.map((row) => row.reference),
      ['1', '3'],
    );
    assert.deepEqual(report.skipped, [
      {
        line: 4,
        reason: 'Job Title has 256 characters; the limit is 255',
        reference: '2',
      },
    ]);
    assert.equal(report.rowsRead, 3);
  });

  it('keeps U+FFFD characters and warns once with their count', () => {
    const { rows, report } = readSenior([
      post('1', 'Vacant', 'XX', {
        'Job/Team Function': 'Office\uFFFDs \uFFFD work',
      }),
      post('2', 'Vacant', '1', { 'Job Title': 'Head of \uFFFD' }),
    ]);

    assert.equal(rows[0]?.jobFunction, 'Office\uFFFDs \uFFFD work');
    assert.equal(rows[1]?.jobTitle, 'Head of \uFFFD');
    assert.deepEqual(report.warnings, [
      '3 U+FFFD replacement characters ' +
        '(text damaged before this file was made) are kept as they are',
    ]);
  });

  it('takes a Name that shows nothing as blank, so the post is undisclosed', () => {
    const { rows, report } = readSenior([
      post('1', '\u200B\u200B\u200B', 'XX'),
      post('2', ' \u2060\uFEFF\u200D\u00AD ', '1'),
      post('3', '\u3164\u2800', '1'),
    ]);

    assert.deepEqual(
      rows.map((row) => [row.holderKind, row.name]),
      [
        ['undisclosed', null],
        ['undisclosed', null],
        ['undisclosed', null],
      ],
    );
    assert.deepEqual(report.warnings, [
      'line 2: post 1 has no Name; it is taken as undisclosed',
      'line 3: post 2 has no Name; it is taken as undisclosed',
      'line 4: post 3 has no Name; it is taken as undisclosed',
    ]);
  });

  it('skips a row whose Job Title shows nothing, as if it were empty', () => {
    const { rows, report } = readSenior([
      post('1', 'Vacant', 'XX'),
      post('2', 'Vacant', '1', { 'Job Title': '\u200B\uFE0F' }),
    ]);

    assert.deepEqual(
      rows.map((row) => row.reference),
      ['1'],
    );
    assert.deepEqual(report.skipped, [
      { line: 3, reason: 'Job Title is empty', reference: '2' },
    ]);
  });

  it(
    'removes control and text-direction characters from every cell, ' +
      'with one warning counting the cells',
    () => {
      const { rows, report } = readSenior([
        post('1', 'Ann\u0001 Other', 'XX', {
          'Job Title': '\u202EHead\u202C of\u0007 Policy',
          'Job/Team Function': 'Leads\u0085 the\r\nteam\u007F.',
        }),
        post('2', '\u2066Bo Beta\u2069', '1', { Unit: 'Policy\u009B' }),
      ]);

      assert.deepEqual(
        rows.map((row) => [row.name, row.jobTitle, row.jobFunction, row.unit]),
        [
          ['Ann Other', 'Head of Policy', 'Leads the\nteam.', 'Policy'],
          ['Bo Beta', 'Director 2', 'Leads the work.', 'Policy'],
        ],
      );
      assert.deepEqual(report.warnings, [
        '5 cells held control or text-direction characters, which were removed',
      ]);
    },
  );

  it('refuses a file with a header and no rows', () => {
    const read = readOrganogram('test.csv', csv([SENIOR, ['', '', '']]));

    assert.equal(
      read.report.rejected,
      'the senior organogram has a header but no rows',
    );
  });
});

describe('reading junior organogram rows', () => {
  it('reads each row as FTE under a senior post and skips a row with no FTE', () => {
    const read = readOrganogram(
      'junior.csv',
      csv([
        [...JUNIOR_COLUMNS],
        [
          '0',
          'M',
          'M',
          'HR ',
          '33.0',
          'B1/BAND B1',
          '23793',
          '30093.0',
          'Executive Assistant',
          '2.5',
          'Human Resources',
        ],
        ['1', 'M', 'M', 'HR', '33', 'A', '1', '2', 'Adviser', 'n/a', 'Policy'],
      ]),
    );

    assert.equal(read.report.kind, 'junior');
    assert.deepEqual(read.junior, [
      {
        line: 2,
        seniorReference: '33',
        grade: 'B1/BAND B1',
        jobTitle: 'Executive Assistant',
        unit: 'HR',
        professionalGroup: 'Human Resources',
        payscaleMin: 23793,
        payscaleMax: 30093,
        fte: 2.5,
        parentDepartment: 'M',
        organisation: 'M',
      },
    ]);
    assert.deepEqual(read.report.skipped, [
      { line: 3, reason: 'Number of Posts in FTE is not a number of posts' },
    ]);
  });

  it('keys a team by its folded details without the FTE', () => {
    const row = {
      line: 2,
      seniorReference: '33',
      grade: 'B1/BAND B1',
      jobTitle: 'Executive  Assistant',
      unit: 'Civil Service HR',
      professionalGroup: null,
      payscaleMin: 23793,
      payscaleMax: null,
      fte: 1,
      parentDepartment: null,
      organisation: null,
    };

    assert.equal(
      teamKey(row),
      'b1/band b1|executive assistant|civil service hr||23793|',
    );
  });
});
