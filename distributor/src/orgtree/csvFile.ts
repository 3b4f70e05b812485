import { parse } from 'csv-parse/sync';

import { unitCode, unitKind, unitName } from './entries.js';
import { emptyContents, type FileContents } from './yamlFile.js';

type Column = 'code' | 'name' | 'kind' | 'parent';

/**
 * Header spellings seen in HR exports, after normalising (lowercase, spaces and dashes as "_").
 * Other columns (city, opening date, ...) are ignored.
 */
const HEADERS: Record<Column, readonly string[]> = {
  code: ['unit_code', 'code', 'org_unit_code', 'org_code', 'store_code', 'unit_id', 'org_unit_id'],
  name: ['unit_name', 'name', 'org_unit_name', 'org_name', 'store_name'],
  kind: ['unit_type', 'type', 'kind', 'unit_kind', 'org_unit_type', 'level', 'unit_level'],
  parent: ['parent_code', 'parent', 'parent_unit', 'parent_unit_code', 'parent_org_code', 'parent_id', 'reports_to'],
};

export const normaliseHeader = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** HR systems write "Store" or "Sales Area"; the org model wants one lowercase word. */
export const normaliseKind = (kind: string) => normaliseHeader(kind);

interface Row {
  record: string[];
  info: { lines: number };
}

/**
 * Reads a CSV export of an org tree: a header row, then one unit per row. An empty parent marks the
 * root. Every malformed row is reported with its line; the good rows are still read so that all
 * problems show at once.
 */
export function readCsvFile(file: string, source: string): FileContents {
  const out = emptyContents();
  const problem = (line: number, message: string) => out.problems.push({ file, line, message });
  const rows = parseRows(source, (line, message) => problem(line, message));
  const [header, ...body] = rows;
  if (!header) {
    problem(1, 'the file is empty: expected a header row such as unit_code,unit_name,unit_type,parent_code');
    return out;
  }

  const columns = findColumns(header.record, (message) => problem(header.info.lines, message));
  if (!columns) return out;
  for (const row of body) {
    if (row.record.length !== header.record.length) {
      problem(row.info.lines, `malformed row: ${row.record.length} fields, the header has ${header.record.length}`);
      continue;
    }
    const unit = readRow(row, columns, (message) => problem(row.info.lines, message));
    if (unit) out.units.push({ ...unit, source: { file, line: row.info.lines } });
  }
  return out;
}

function parseRows(source: string, problem: (line: number, message: string) => void): Row[] {
  // With `info: true` csv-parse returns { record, info } objects; its typings only know plain records.
  const rows: unknown = parse(source, {
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: { lines?: number; message: string } | undefined) => {
      if (error) problem(error.lines ?? 1, `malformed row: ${error.message.replace(/ at line \d+/, '')}`);
    },
  });
  return rows as Row[];
}

function findColumns(header: string[], problem: (message: string) => void): Record<Column, number> | undefined {
  const normalised = header.map(normaliseHeader);
  const found: Partial<Record<Column, number>> = {};
  for (const column of Object.keys(HEADERS) as Column[]) {
    const index = normalised.findIndex((name) => HEADERS[column].includes(name));
    if (index < 0) {
      problem(`no column for the unit's ${column}: name one column ${HEADERS[column].slice(0, 3).join(' or ')}`);
    } else {
      found[column] = index;
    }
  }
  return Object.keys(found).length === 4 ? (found as Record<Column, number>) : undefined;
}

/** The unit of one row. A row with problems still yields its unit (if it has a code) for the checks across files. */
function readRow(row: Row, columns: Record<Column, number>, problem: (message: string) => void) {
  const cell = (column: Column) => (row.record[columns[column]] ?? '').trim();
  const unit = {
    code: cell('code'),
    name: cell('name'),
    kind: normaliseKind(cell('kind')),
    parent: cell('parent') || null,
  };
  const empty = (['code', 'name', 'kind'] as const).filter((column) => cell(column) === '');
  if (empty.length > 0) {
    problem(`missing ${empty.join(', ')}: every row needs the unit's code, name and type`);
  } else {
    const checks = [unitCode.safeParse(unit.code), unitName.safeParse(unit.name), unitKind.safeParse(unit.kind)];
    checks.flatMap((result) => (result.success ? [] : result.error.issues)).forEach((issue) => problem(issue.message));
  }
  return unit.code === '' ? undefined : unit;
}
