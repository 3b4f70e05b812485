import { isMap, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';

import { personEntry, roleEntry, teamEntry, unitEntry } from './entries.js';
import type { MappingSpec, Permission, PersonSpec, Problem, RoleSpec, TeamSpec, UnitSpec } from './types.js';

/** What one file of the org folder contributes. Problems are collected, never thrown. */
export interface FileContents {
  roles: RoleSpec[];
  units: UnitSpec[];
  people: PersonSpec[];
  teams: TeamSpec[];
  problems: Problem[];
}

export const emptyContents = (): FileContents => ({ roles: [], units: [], people: [], teams: [], problems: [] });

const SECTIONS = ['roles', 'units', 'people', 'teams'] as const;
type Section = (typeof SECTIONS)[number];
type Path = (string | number)[];

/** Positions of one parsed YAML document, for `file:line` in every problem. */
class Located {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line of the node at `path`, or of its nearest ancestor that exists. */
  line(path: Path): number {
    for (let depth = path.length; depth > 0; depth--) {
      const node: unknown = this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lineAt(node.range[0]);
    }
    const root = this.doc.contents;
    return root?.range ? this.lineAt(root.range[0]) : 1;
  }

  /** Line of the key `key` in the mapping at `path`. */
  keyLine(path: Path, key: string): number {
    const map = this.doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find(
        (item) => isNode(item.key) && String((item.key as { value?: unknown }).value) === key,
      );
      if (pair && isNode(pair.key) && pair.key.range) return this.lineAt(pair.key.range[0]);
    }
    return this.line(path);
  }

  problem(line: number, message: string): Problem {
    return { file: this.file, line, message };
  }

  private lineAt(offset: number): number {
    return this.lines.linePos(offset).line;
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

/**
 * Reads one YAML file of the org folder: a mapping with any of the sections `roles`, `units`,
 * `people` and `teams`, each a list of entries. Every problem comes back with its line.
 */
export function readYamlFile(file: string, source: string): FileContents {
  const out = emptyContents();
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      out.problems.push({
        file,
        line: error.linePos?.[0].line ?? 1,
        message: `not valid YAML: ${firstLine(error.message)}`,
      });
    }
    return out;
  }

  const at = new Located(file, doc, lines);
  const top: unknown = doc.toJS();
  if (top === null || top === undefined) return out;
  if (typeof top !== 'object' || Array.isArray(top)) {
    out.problems.push(at.problem(1, `expected a mapping with sections ${SECTIONS.join(', ')}`));
    return out;
  }
  for (const [key, value] of Object.entries(top)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      out.problems.push(at.problem(at.keyLine([], key), `unknown section "${key}": use ${SECTIONS.join(', ')}`));
      continue;
    }
    readSection(at, key as Section, value, out);
  }
  return out;
}

function readSection(at: Located, section: Section, value: unknown, out: FileContents): void {
  if (value === null) return;
  if (!Array.isArray(value)) {
    out.problems.push(
      at.problem(at.line([section]), `${section} must be a list of entries (each line starting with "- ")`),
    );
    return;
  }
  value.forEach((entry: unknown, index) => {
    const path = [section, index];
    const ref = { file: at.file, line: at.line(path) };
    switch (section) {
      case 'roles': {
        const role = check(at, path, roleEntry, entry, out.problems);
        if (role) out.roles.push(toRole(role, ref));
        break;
      }
      case 'units': {
        const unit = check(at, path, unitEntry, entry, out.problems);
        if (unit)
          out.units.push({
            code: unit.code,
            name: unit.name,
            kind: unit.kind,
            parent: unit.parent ?? null,
            source: ref,
          });
        break;
      }
      case 'people': {
        const person = check(at, path, personEntry, entry, out.problems);
        if (person) out.people.push(toPerson(at, path, person, ref));
        break;
      }
      case 'teams': {
        const team = check(at, path, teamEntry, entry, out.problems);
        if (team) out.teams.push({ name: team.name, mappings: toMappings(at, path, team.mappings), source: ref });
        break;
      }
    }
  });
}

/** Checks one entry against its schema, turning each issue into a problem at the right line. */
function check<T extends z.ZodType>(
  at: Located,
  path: Path,
  schema: T,
  entry: unknown,
  problems: Problem[],
): z.infer<T> | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(at.problem(at.line(path), `each entry of ${String(path[0])} must be a mapping of field: value`));
    return undefined;
  }
  const result = schema.safeParse(entry);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const issuePath = [...path, ...(issue.path as Path)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(at.problem(at.keyLine(issuePath, key), `unknown field "${key}"`));
      }
      continue;
    }
    const prefix = issue.path.length > 1 ? `${issue.path.slice(0, -1).join('.')}: ` : '';
    problems.push(at.problem(at.line(issuePath), `${prefix}${issue.message}`));
  }
  return undefined;
}

function toRole(role: z.infer<typeof roleEntry>, source: RoleSpec['source']): RoleSpec {
  return {
    name: role.name,
    description: role.description ?? '',
    permissions: new Set<Permission>(role.permissions ?? []),
    source,
  };
}

function toPerson(
  at: Located,
  path: Path,
  person: z.infer<typeof personEntry>,
  source: PersonSpec['source'],
): PersonSpec {
  return {
    login: person.login,
    email: person.email ?? null,
    name: person.name ?? '',
    mappings: toMappings(at, path, person.mappings),
    source,
  };
}

function toMappings(at: Located, path: Path, mappings: { unit: string; role: string }[] | undefined): MappingSpec[] {
  return (mappings ?? []).map((mapping, index) => ({
    unit: mapping.unit,
    role: mapping.role,
    source: { file: at.file, line: at.line([...path, 'mappings', index]) },
  }));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
