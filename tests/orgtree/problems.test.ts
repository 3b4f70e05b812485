import { beforeAll, describe, expect, it } from '@jest/globals';

import { OrgscopeError } from '../../distributor/src/errors.js';
import { formatProblem, loadOrgFiles, type Problem } from '../../distributor/src/orgtree/index.js';
import { lineOf, orgFolder } from './orgFolder.js';

const ROLES = `roles:
  - name: analyst
    permissions: [see_rows, receive_reports]
  - name: viewer
    permissions: [see_rows, fly]
`;

const UNITS = `units:
  - code: HQ
    name: Head Office
    kind: head_office
  - code: EAST
    name: East
    kind: region
    parent: HQ
  - code: LOST
    name: Lost area
    kind: area
    parent: NOWHERE
  - code: A
    name: Area A
    kind: area
    parent: B
  - code: B
    name: Area B
    kind: area
    parent: A
  - code: EAST
    name: East again
    kind: region
    parent: HQ
  - code: HQ2
    name: Second head office
    kind: head_office
  - code: 7
    name: Number seven
    kind: Store Type
    parnet: HQ
`;

const STORES = `unit_code,unit_name,unit_type,parent_code
S1,Store 1,store,EAST
EAST,Store named like a region,store,HQ
S2,Store 2,store
S1,Store 1 again,store,EAST
S3,,store,EAST
`;

const PEOPLE = `people:
  - login: ann
    email: not-an-email
    mappings:
      - { unit: NOPE, role: analyst }
      - { unit: EAST, role: boss }
  - login: ann
    email: ann@orgscope.example
  - email: nobody@orgscope.example
teams:
  - name: Leads
    mappings: [{ unit: S1, role: analyst }, { unit: S1, role: analyst }]
`;

async function problemsOf(files: Record<string, string>): Promise<Problem[]> {
  const folder = await orgFolder(files);
  try {
    await loadOrgFiles(folder.dir);
  } catch (error) {
    if (error instanceof OrgscopeError && error.code === 'invalid_files') return error.details as Problem[];
    throw error;
  } finally {
    await folder.remove();
  }
  throw new Error('the files were accepted');
}

describe('org files with problems', () => {
  let lines: string[];
  beforeAll(async () => {
    const problems = await problemsOf({
      'roles.yaml': ROLES,
      'units.yaml': UNITS,
      'stores.csv': STORES,
      'people.yaml': PEOPLE,
    });
    lines = problems.map((problem) => formatProblem(problem));
  });

  it('reports an unknown permission of a role', () => {
    expect(lines).toContainEqual(
      `roles.yaml:${lineOf(ROLES, 'fly')}: unknown permission "fly": use see_rows, see_contacts, admin or receive_reports`,
    );
  });

  it('reports an unknown parent', () => {
    expect(lines).toContainEqual(
      `units.yaml:${lineOf(UNITS, 'code: LOST')}: unknown parent "NOWHERE" of unit "LOST": no unit has that code`,
    );
  });

  it('reports a cycle once, at its first unit', () => {
    const cycles = lines.filter((line) => line.includes('cycle'));
    expect(cycles).toEqual([
      `units.yaml:${lineOf(UNITS, 'code: A')}: cycle in the org tree (each unit followed by its parent): A → B → A`,
    ]);
  });

  it('reports duplicate codes within YAML, across YAML and CSV, and within CSV', () => {
    const firstEast = `units.yaml:${lineOf(UNITS, 'code: EAST')}`;
    expect(lines).toContainEqual(
      `units.yaml:${lineOf(UNITS, 'code: EAST', 5)}: duplicate unit code "EAST": already defined at ${firstEast}`,
    );
    expect(lines).toContainEqual(`stores.csv:3: duplicate unit code "EAST": already defined at ${firstEast}`);
    expect(lines).toContainEqual('stores.csv:5: duplicate unit code "S1": already defined at stores.csv:2');
  });

  it('reports a second root', () => {
    expect(lines).toContainEqual(
      `units.yaml:${lineOf(UNITS, 'code: HQ2')}: second root: unit "HQ2" has no parent, but "HQ" (units.yaml:2) is already the root; give it a parent`,
    );
  });

  it('reports wrong types, bad values and unknown fields at their own lines', () => {
    expect(lines).toContainEqual(
      `units.yaml:${lineOf(UNITS, 'code: 7')}: code must be text (put it in quotes if it looks like a number or a date)`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^units.yaml:${lineOf(UNITS, 'Store Type')}: kind "Store Type" is not valid`)),
    );
    expect(lines).toContainEqual(`units.yaml:${lineOf(UNITS, 'parnet')}: unknown field "parnet"`);
  });

  it('reports malformed CSV rows and missing cells', () => {
    expect(lines).toContainEqual('stores.csv:4: malformed row: 3 fields, the header has 4');
    expect(lines).toContainEqual("stores.csv:6: missing name: every row needs the unit's code, name and type");
  });

  it('reports bad emails, unknown units and roles in mappings, duplicate logins and missing fields', () => {
    expect(lines).toContainEqual(
      `people.yaml:${lineOf(PEOPLE, 'not-an-email')}: bad email "not-an-email": expected name@domain.tld`,
    );
    expect(lines).toContainEqual(
      `people.yaml:${lineOf(PEOPLE, 'NOPE')}: unknown unit "NOPE" in a mapping of person "ann"`,
    );
    expect(lines).toContainEqual(
      `people.yaml:${lineOf(PEOPLE, 'boss')}: unknown role "boss" in a mapping of person "ann"`,
    );
    expect(lines).toContainEqual(
      `people.yaml:${lineOf(PEOPLE, 'login: ann', 2)}: duplicate login "ann": already defined at people.yaml:2`,
    );
    expect(lines).toContainEqual(`people.yaml:${lineOf(PEOPLE, 'nobody@')}: login is missing`);
    expect(lines).toContainEqual(
      `people.yaml:${lineOf(PEOPLE, 'name: Leads') + 1}: team "Leads" is mapped to unit "S1" twice (also at people.yaml:${lineOf(PEOPLE, 'name: Leads') + 1})`,
    );
  });

  it('lists every problem and nothing else, sorted by file and line', () => {
    expect(lines).toHaveLength(18);
    const sorted = [...lines].sort((a, b) => {
      const [fa, la] = a.split(':');
      const [fb, lb] = b.split(':');
      return fa!.localeCompare(fb!) || Number(la) - Number(lb);
    });
    expect(lines).toEqual(sorted);
  });
});

describe('a tree without a root', () => {
  it('says that one unit must have no parent', async () => {
    const units =
      'units:\n  - { code: A, name: A, kind: area, parent: B }\n  - { code: B, name: B, kind: area, parent: A }\n';
    const problems = await problemsOf({ 'units.yaml': units });
    expect(problems.map((problem) => formatProblem(problem))).toEqual([
      'units.yaml:2: no root unit: exactly one unit (the head office) must have no parent',
      'units.yaml:2: cycle in the org tree (each unit followed by its parent): A → B → A',
    ]);
  });
});

describe('a file that is not YAML', () => {
  it('names the line of the syntax error', async () => {
    const problems = await problemsOf({ 'units.yaml': 'units:\n  - code: HQ\n    name: [unclosed\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'units.yaml', message: expect.stringContaining('not valid YAML') });
  });
});
