/** What a role allows inside a scope. */
export interface Permissions {
  seeRows: boolean;
  seeContacts: boolean;
  admin: boolean;
  receiveReports: boolean;
}

/** An org unit as a person reads it. */
export interface UnitRef {
  code: string;
  name: string;
  kind: string;
}

/**
 * The rows a viewer may see: the union of the subtrees below the units they (or their teams) are
 * mapped to with a role that can see rows. Fail closed: not mapped means no units.
 */
export interface Scope {
  mapped: boolean;
  /** True when the scope includes the root of the tree: the whole chain. */
  coversAll: boolean;
  /** Every unit id in scope (subtrees expanded), sorted. Empty when coversAll is true. */
  unitIds: number[];
  /** The units the viewer is mapped to (the tops of their subtrees), for display. */
  roots: UnitRef[];
  /** Names of the roles of the mappings that grant this scope. */
  roles: string[];
  permissions: Permissions;
  /** Number of stores in scope. */
  storeCount: number;
  /** One line a person reads: "Region East, 42 stores". */
  summary: string;
}

/** A stable key for a scope: two recipients with equal keys see exactly the same report. */
export function scopeKey(scope: Scope): string {
  const units = scope.coversAll ? 'all' : scope.unitIds.join(',');
  return `${units}|contacts=${scope.permissions.seeContacts}`;
}
