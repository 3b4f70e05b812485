import { describe, expect, it } from '@jest/globals';

import { interpolateVariable, quoteLiteral, toMetricFindValues } from './sql.js';

describe('interpolateVariable, as Grafana PostgreSQL source', () => {
  it('escapes a single value without quoting it, for SQL that writes the quotes itself', () => {
    expect(interpolateVariable("O'Brien's", { multi: false, includeAll: false })).toBe("O''Brien''s");
  });

  it('quotes a string of a multi-value or include-all variable', () => {
    expect(interpolateVariable('SH001', { multi: true })).toBe("'SH001'");
    expect(interpolateVariable("x'y", { includeAll: true })).toBe("'x''y'");
  });

  it('turns several values into a comma-separated list of quoted literals', () => {
    expect(interpolateVariable(['SH001', "SH'002"], { multi: true })).toBe("'SH001','SH''002'");
  });

  it('writes numbers as they are', () => {
    expect(interpolateVariable(42, {})).toBe(42);
  });

  it('cannot be broken out of with a quote', () => {
    const sql = `SELECT * FROM org_units WHERE code IN (${interpolateVariable(["') OR true --"], { multi: true })})`;
    expect(sql).toBe("SELECT * FROM org_units WHERE code IN (''') OR true --')");
  });
});

describe('quoteLiteral', () => {
  it('doubles every quote', () => {
    expect(quoteLiteral("''")).toBe("''''''");
  });
});

describe('toMetricFindValues', () => {
  it('pairs __text with __value', () => {
    const options = toMetricFindValues([
      { name: '__value', values: ['SH001', 'SH002'] },
      { name: '__text', values: ['Shanghai Nanjing Rd', 'Shanghai Huaihai Rd'] },
    ]);
    expect(options).toEqual([
      { text: 'Shanghai Nanjing Rd', value: 'SH001' },
      { text: 'Shanghai Huaihai Rd', value: 'SH002' },
    ]);
  });

  it('lists every value as text otherwise, without duplicates', () => {
    expect(toMetricFindValues([{ name: 'code', values: ['EAST', 'WEST', 'EAST', 7] }])).toEqual([
      { text: 'EAST' },
      { text: 'WEST' },
      { text: '7' },
    ]);
  });
});
