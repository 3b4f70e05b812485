import { describe, expect, it } from '@jest/globals';

import { readYamlFile } from './yamlFile.js';

describe('readYamlFile', () => {
  it('reads every section with the line of each entry and mapping', () => {
    const yaml = [
      'roles:',
      '  - name: analyst',
      '    permissions: [see_rows]',
      'units:',
      '  - { code: HQ, name: Head Office, kind: head_office }',
      'people:',
      '  - login: ann',
      '    mappings:',
      '      - { unit: HQ, role: analyst }',
      '',
    ].join('\n');

    const read = readYamlFile('org.yaml', yaml);

    expect(read.problems).toEqual([]);
    expect(read.roles[0]).toMatchObject({ name: 'analyst', description: '', permissions: new Set(['see_rows']) });
    expect(read.units[0]).toMatchObject({ code: 'HQ', parent: null, source: { file: 'org.yaml', line: 5 } });
    expect(read.people[0]).toMatchObject({
      login: 'ann',
      email: null,
      mappings: [{ unit: 'HQ', role: 'analyst', source: { file: 'org.yaml', line: 9 } }],
    });
  });

  it('names an unknown section and a section that is not a list', () => {
    const read = readYamlFile('org.yaml', 'unit:\n  - code: HQ\npeople: ann\n');
    expect(read.problems).toEqual([
      { file: 'org.yaml', line: 1, message: 'unknown section "unit": use roles, units, people, teams' },
      { file: 'org.yaml', line: 3, message: 'people must be a list of entries (each line starting with "- ")' },
    ]);
  });

  it('reports a missing field at the entry and a mistyped one at its own line', () => {
    const read = readYamlFile(
      'org.yaml',
      'units:\n  - code: HQ\n    kind: head_office\n  - code: S1\n    name: 12\n    kind: store\n',
    );
    expect(read.problems).toEqual([
      { file: 'org.yaml', line: 2, message: 'name is missing' },
      {
        file: 'org.yaml',
        line: 5,
        message: 'name must be text (put it in quotes if it looks like a number or a date)',
      },
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const read = readYamlFile('org.yaml', 'units:\n  - code: HQ\n   name: x\n');
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]).toMatchObject({
      file: 'org.yaml',
      line: 3,
      message: expect.stringMatching(/^not valid YAML: /),
    });
  });
});
