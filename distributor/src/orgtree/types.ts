/** Where a thing was written: a file (relative to the org folder) and a 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** One thing wrong with the org files, reported as `file:line: message`. */
export interface Problem extends SourceRef {
  message: string;
}

export type Permission = 'see_rows' | 'see_contacts' | 'admin' | 'receive_reports';

export interface RoleSpec {
  name: string;
  description: string;
  permissions: ReadonlySet<Permission>;
  source: SourceRef;
}

export interface UnitSpec {
  code: string;
  name: string;
  kind: string;
  /** Code of the parent unit; null for the root. */
  parent: string | null;
  source: SourceRef;
}

export interface MappingSpec {
  unit: string;
  role: string;
  source: SourceRef;
}

export interface PersonSpec {
  login: string;
  email: string | null;
  name: string;
  mappings: MappingSpec[];
  source: SourceRef;
}

export interface TeamSpec {
  /** The Grafana team's name, exactly as in Grafana. */
  name: string;
  mappings: MappingSpec[];
  source: SourceRef;
}

/** The org tree, roles, people and teams as read (and checked) from a folder of files. */
export interface OrgFiles {
  dir: string;
  roles: RoleSpec[];
  /** Root first, then every unit after its parent. */
  units: UnitSpec[];
  people: PersonSpec[];
  teams: TeamSpec[];
}

export interface Changes {
  added: number;
  changed: number;
  removed: number;
}

/** What one apply did to the database. */
export interface ApplySummary {
  roles: Changes;
  units: Changes;
  people: Changes;
  teams: Changes;
  mappings: Changes;
}
