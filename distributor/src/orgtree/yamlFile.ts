import { isMap, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';

import { personEntry, roleEntry, teamEntry, unitEntry } from './entries.js';
import type { MappingSpec, Permission, PersonSpec, Problem, RoleSpec, SourceRef, TeamSpec, UnitSpec } from './types.js';

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
        line: lines.linePos(error.pos[0]).line,
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
    const source = { file: at.file, line: at.line(path) };
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      out.problems.push(at.problem(source.line, `each entry of ${section} must be a mapping of field: value`));
      return;
    }
    const raw = entry as Record<string, unknown>;
    switch (section) {
      case 'roles': {
        const role = check(at, path, roleEntry, raw, out.problems) ?? salvage(raw, 'name', { name: raw.name });
        if (role) out.roles.push(toRole(role as z.infer<typeof roleEntry>, source));
        break;
      }
      case 'units': {
        const unit =
          check(at, path, unitEntry, raw, out.problems) ?? salvage(raw, 'code', { code: raw.code, name: '', kind: '' });
        if (unit) out.units.push({ ...(unit as z.infer<typeof unitEntry>), parent: textOrNull(raw.parent), source });
        break;
      }
      case 'people': {
        const person =
          check(at, path, personEntry, raw, out.problems) ?? salvage(raw, 'login', { login: raw.login as string });
        if (person) out.people.push(toPerson(person, toMappings(at, path, raw), source));
        break;
      }
      case 'teams': {
        const team = check(at, path, teamEntry, raw, out.problems) ?? salvage(raw, 'name', { name: raw.name });
        if (team) out.teams.push({ name: team.name as string, mappings: toMappings(at, path, raw), source });
        break;
      }
    }
  });
}

/**
 * The key of an entry that has problems, so that checks across files still see it: a unit with a bad
 * kind must not make all its children "unknown parent" too. Such entries are never applied, since
 * their problems already stop the apply.
 */
function salvage<T extends object>(raw: Record<string, unknown>, key: string, partial: T): T | undefined {
  return typeof raw[key] === 'string' ? partial : undefined;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Checks one entry against its schema, turning each issue into a problem at the right line. */
function check<T extends z.ZodType>(
  at: Located,
  path: Path,
  schema: T,
  entry: unknown,
  problems: Problem[],
): z.infer<T> | undefined {
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
    problems.push(at.problem(at.line(issuePath), issue.message));
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
  person: Partial<z.infer<typeof personEntry>>,
  mappings: MappingSpec[],
  source: SourceRef,
): PersonSpec {
  return { login: person.login ?? '', email: person.email ?? null, name: person.name ?? '', mappings, source };
}

/** The mappings of a person or team that name a unit and a role as text (the schema reports the rest). */
function toMappings(at: Located, path: Path, raw: Record<string, unknown>): MappingSpec[] {
  if (!Array.isArray(raw.mappings)) return [];
  return raw.mappings.flatMap((mapping: unknown, index) => {
    const { unit, role } = (mapping ?? {}) as Record<string, unknown>;
    if (typeof unit !== 'string' || typeof role !== 'string') return [];
    return [{ unit, role, source: { file: at.file, line: at.line([...path, 'mappings', index]) } }];
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
