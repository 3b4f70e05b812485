import { describe, expect, it } from '@jest/globals';

import { readCsvFile } from './csvFile.js';

describe('readCsvFile', () => {
  it('accepts common header spellings and normalises the unit type', () => {
    const csv = '\uFEFFOrg Unit Code,Store Name,UNIT-TYPE,Reports To,Opened\nS1, Store One ,Sales Area,HQ,2020-01-01\n';

    const { units, problems } = readCsvFile('hr.csv', csv);

    expect(problems).toEqual([]);
    expect(units).toEqual([
      { code: 'S1', name: 'Store One', kind: 'sales_area', parent: 'HQ', source: { file: 'hr.csv', line: 2 } },
    ]);
  });

  it('treats an empty parent as the root', () => {
    const { units } = readCsvFile('hr.csv', 'code,name,type,parent\nHQ,Head Office,head_office,\n');
    expect(units[0]).toMatchObject({ code: 'HQ', parent: null });
  });

  it('names each missing column', () => {
    const { problems } = readCsvFile('hr.csv', 'code,title,parent\nS1,Store,HQ\n');
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      "1: no column for the unit's name: name one column unit_name or name or org_unit_name",
      "1: no column for the unit's kind: name one column unit_type or type or kind",
    ]);
  });

  it('reports broken quoting and short rows at their lines and keeps reading', () => {
    const csv = 'code,name,type,parent\nS1,Store,store,HQ\nS2,"Store "two",store,HQ\nS3,Store\nS4,Store 4,store,HQ\n';

    const { units, problems } = readCsvFile('hr.csv', csv);

    expect(problems.map((p) => p.line)).toEqual([3, 4]);
    expect(problems[0]!.message).toMatch(/^malformed row: Invalid Closing Quote/);
    expect(problems[1]!.message).toBe('malformed row: 2 fields, the header has 4');
    expect(units.map((u) => u.code)).toEqual(['S1', 'S4']);
  });

  it('reports an empty file', () => {
    expect(readCsvFile('hr.csv', '').problems).toEqual([
      {
        file: 'hr.csv',
        line: 1,
        message: 'the file is empty: expected a header row such as unit_code,unit_name,unit_type,parent_code',
      },
    ]);
  });
});
