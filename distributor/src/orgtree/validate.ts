import type { FileContents } from './yamlFile.js';
import type { MappingSpec, Problem, SourceRef, UnitSpec } from './types.js';

const where = (source: SourceRef) => `${source.file}:${source.line}`;

/**
 * Checks the files against each other: duplicates across files, the shape of the tree, and what the
 * mappings name. Returns every problem found, and the units ordered root first, each after its parent.
 */
export function validateOrg(contents: FileContents): { problems: Problem[]; units: UnitSpec[] } {
  const problems: Problem[] = [];
  const report = (source: SourceRef, message: string) => problems.push({ ...source, message });

  const roles = firstOfEach(
    contents.roles,
    (role) => role.name,
    (role, first) => report(role.source, `duplicate role "${role.name}": already defined at ${where(first.source)}`),
  );
  const units = firstOfEach(
    contents.units,
    (unit) => unit.code,
    (unit, first) =>
      report(unit.source, `duplicate unit code "${unit.code}": already defined at ${where(first.source)}`),
  );
  firstOfEach(
    contents.people,
    (person) => person.login,
    (person, first) =>
      report(person.source, `duplicate login "${person.login}": already defined at ${where(first.source)}`),
  );
  firstOfEach(
    contents.teams,
    (team) => team.name,
    (team, first) => report(team.source, `duplicate team "${team.name}": already defined at ${where(first.source)}`),
  );

  checkTree([...units.values()], units, contents.problems.length > 0, report);
  const checkMappings = (who: string, mappings: MappingSpec[]) => {
    const seen = new Map<string, MappingSpec>();
    for (const mapping of mappings) {
      if (!units.has(mapping.unit)) report(mapping.source, `unknown unit "${mapping.unit}" in a mapping of ${who}`);
      if (!roles.has(mapping.role)) report(mapping.source, `unknown role "${mapping.role}" in a mapping of ${who}`);
      const earlier = seen.get(mapping.unit);
      if (earlier)
        report(mapping.source, `${who} is mapped to unit "${mapping.unit}" twice (also at ${where(earlier.source)})`);
      seen.set(mapping.unit, mapping);
    }
  };
  contents.people.forEach((person) => checkMappings(`person "${person.login}"`, person.mappings));
  contents.teams.forEach((team) => checkMappings(`team "${team.name}"`, team.mappings));

  return { problems, units: treeOrder([...units.values()]) };
}

/** The first entry for each key; every later one is reported as a duplicate. */
function firstOfEach<T>(items: T[], key: (item: T) => string, duplicate: (item: T, first: T) => void): Map<string, T> {
  const first = new Map<string, T>();
  for (const item of items) {
    const earlier = first.get(key(item));
    if (earlier) duplicate(item, earlier);
    else first.set(key(item), item);
  }
  return first;
}

type Report = (source: SourceRef, message: string) => void;

function checkTree(list: UnitSpec[], units: Map<string, UnitSpec>, filesHaveProblems: boolean, report: Report): void {
  if (list.length === 0) {
    // A units file that cannot be read already says so; "no units" would only repeat it.
    if (filesHaveProblems) return;
    report({ file: '.', line: 1 }, 'no units: add a YAML file with a units section, or a CSV export of the org tree');
    return;
  }
  for (const unit of list) {
    if (unit.parent !== null && !units.has(unit.parent)) {
      report(unit.source, `unknown parent "${unit.parent}" of unit "${unit.code}": no unit has that code`);
    }
  }
  checkRoots(list, report);
  findCycles(list, units).forEach((cycle) => {
    const first = cycle[0]!;
    report(
      first.source,
      `cycle in the org tree (each unit followed by its parent): ${[...cycle, first].map((unit) => unit.code).join(' → ')}`,
    );
  });
}

function checkRoots(list: UnitSpec[], report: Report): void {
  const roots = list.filter((unit) => unit.parent === null);
  const [root, ...others] = roots;
  if (!root) {
    report(list[0]!.source, 'no root unit: exactly one unit (the head office) must have no parent');
    return;
  }
  for (const other of others) {
    report(
      other.source,
      `second root: unit "${other.code}" has no parent, but "${root.code}" (${where(root.source)}) is already the root; give it a parent`,
    );
  }
}

/** Each cycle of parent links once, starting at its unit that comes first in the files. */
function findCycles(list: UnitSpec[], units: Map<string, UnitSpec>): UnitSpec[][] {
  const order = new Map(list.map((unit, index) => [unit.code, index]));
  const done = new Set<string>();
  const cycles: UnitSpec[][] = [];
  for (const start of list) {
    const walk: UnitSpec[] = [];
    const onWalk = new Set<string>();
    let unit: UnitSpec | undefined = start;
    while (unit && !done.has(unit.code) && !onWalk.has(unit.code)) {
      walk.push(unit);
      onWalk.add(unit.code);
      unit = unit.parent === null ? undefined : units.get(unit.parent);
    }
    if (unit && onWalk.has(unit.code)) {
      const cycle = walk.slice(walk.indexOf(unit));
      const first = cycle.reduce((a, b) => (order.get(a.code)! <= order.get(b.code)! ? a : b));
      const at = cycle.indexOf(first);
      cycles.push([...cycle.slice(at), ...cycle.slice(0, at)]);
    }
    walk.forEach((visited) => done.add(visited.code));
  }
  return cycles;
}

/** Root first, then breadth first in file order; units outside the tree (only with problems) last. */
function treeOrder(list: UnitSpec[]): UnitSpec[] {
  const children = new Map<string | null, UnitSpec[]>();
  for (const unit of list) {
    const siblings = children.get(unit.parent) ?? [];
    siblings.push(unit);
    children.set(unit.parent, siblings);
  }
  const ordered: UnitSpec[] = [];
  const placed = new Set<string>();
  const queue = [...(children.get(null) ?? [])];
  while (queue.length > 0) {
    const unit = queue.shift()!;
    ordered.push(unit);
    placed.add(unit.code);
    queue.push(...(children.get(unit.code) ?? []));
  }
  return [...ordered, ...list.filter((unit) => !placed.has(unit.code))];
}
