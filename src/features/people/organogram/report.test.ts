import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyReport, formatImportReport } from './report.ts';

describe('the organogram import summary', () => {
  it('gives a refused file one line saying why', () => {
    const report = {
      ...emptyReport('staff.csv'),
      rejected: 'the file is empty',
    };

    assert.equal(
      formatImportReport(report),
      'staff.csv: rejected: the file is empty',
    );
  });

  it('lists the counts, then each skipped row by line and each warning', () => {
    const report = {
      ...emptyReport('senior.csv'),
      kind: 'senior' as const,
      department: 'Cabinet Office',
      rowsRead: 3,
      departmentsCreated: 1,
      posts: { created: 2, updated: 0, ended: 1, reopened: 0 },
      people: { created: 1, updated: 0 },
      skipped: [
        { line: 4, reason: 'Job Title has 300 characters; the limit is 255' },
      ],
      warnings: [
        'line 3: post 2 reports to post 99, ' +
          'which is not in Cabinet Office; it is shown as a top post',
      ],
    };

    assert.equal(
      formatImportReport(report),
      [
        'senior.csv: senior posts of Cabinet Office',
        '  rows read: 3',
        '  departments created: 1',
        '  posts: 2 created, 0 updated, 1 ended, 0 reopened',
        '  people: 1 created, 0 updated',
        '  skipped rows: 1',
        '    line 4: Job Title has 300 characters; the limit is 255',
        '  warnings: 1',
        '    line 3: post 2 reports to post 99, ' +
          'which is not in Cabinet Office; it is shown as a top post',
      ].join('\n'),
    );
  });

  it('counts the people an import left holding no post, whose job it cleared', () => {
    const report = {
      ...emptyReport('senior.csv'),
      kind: 'senior' as const,
      department: 'Cabinet Office',
      rowsRead: 278,
      posts: { created: 122, updated: 155, ended: 79, reopened: 0 },
      people: { created: 50, updated: 25 },
      jobDetailsCleared: 47,
    };

    assert.equal(
      formatImportReport(report),
      [
        'senior.csv: senior posts of Cabinet Office',
        '  rows read: 278',
        '  posts: 122 created, 155 updated, 79 ended, 0 reopened',
        '  people: 50 created, 25 updated',
        '  people left holding no post: 47 (job title, grade and unit cleared)',
        '  skipped rows: 0',
        '  warnings: 0',
      ].join('\n'),
    );
  });

  it('says so when a junior import changed nothing', () => {
    const report = {
      ...emptyReport('junior.csv'),
      kind: 'junior' as const,
      department: 'Cabinet Office',
      rowsRead: 763,
    };

    assert.equal(
      formatImportReport(report),
      [
        'junior.csv: junior staff of Cabinet Office',
        '  rows read: 763',
        '  junior teams: 0 created, 0 updated, 0 ended, 0 reopened',
        '  nothing changed',
        '  skipped rows: 0',
        '  warnings: 0',
      ].join('\n'),
    );
  });
});
