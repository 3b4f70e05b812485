-- Up Migration

-- The org model: tree, people, teams, roles and the mappings between them. Nothing in this schema is
-- readable by the query roles except org_unit, and that only through row-level security.
-- Extensions live in their own schema, which functions name in their search_path.
CREATE SCHEMA IF NOT EXISTS ext;
CREATE EXTENSION IF NOT EXISTS ltree SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA ext;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA orgscope;

CREATE TABLE orgscope.org_unit (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{0,31}$'),
  parent_id integer REFERENCES orgscope.org_unit (id),
  -- Materialised path of ids ('1.4.27'): a subtree is one index range, and ids never change when a
  -- unit is renamed. Kept correct by orgscope.refresh_paths() after every change to the tree.
  path ext.ltree NOT NULL DEFAULT ''
);
CREATE INDEX org_unit_path_gist ON orgscope.org_unit USING gist (path);
CREATE INDEX org_unit_parent ON orgscope.org_unit (parent_id);
CREATE UNIQUE INDEX org_unit_single_root ON orgscope.org_unit ((true)) WHERE parent_id IS NULL;

CREATE TABLE orgscope.role (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  description text NOT NULL DEFAULT '',
  can_see_rows boolean NOT NULL DEFAULT true,
  can_see_contacts boolean NOT NULL DEFAULT false,
  can_admin boolean NOT NULL DEFAULT false,
  can_receive_reports boolean NOT NULL DEFAULT false
);

CREATE TABLE orgscope.person (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login text NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 200),
  email text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$'),
  name text NOT NULL DEFAULT ''
);

CREATE TABLE orgscope.team (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200)
);

-- A mapping gives a person or a Grafana team (by name) a role on one unit and its whole subtree.
CREATE TABLE orgscope.mapping (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id integer REFERENCES orgscope.person (id) ON DELETE CASCADE,
  team_id integer REFERENCES orgscope.team (id) ON DELETE CASCADE,
  unit_id integer NOT NULL REFERENCES orgscope.org_unit (id) ON DELETE CASCADE,
  role_id integer NOT NULL REFERENCES orgscope.role (id),
  CHECK ((person_id IS NULL) <> (team_id IS NULL))
);
CREATE UNIQUE INDEX mapping_person_unit ON orgscope.mapping (person_id, unit_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX mapping_team_unit ON orgscope.mapping (team_id, unit_id) WHERE team_id IS NOT NULL;

-- One row: the key that signs scope tokens. Readable only by the owner and the SECURITY DEFINER
-- function that verifies tokens.
CREATE TABLE orgscope.scope_key (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  secret bytea NOT NULL DEFAULT ext.gen_random_bytes(32)
);
INSERT INTO orgscope.scope_key DEFAULT VALUES;

-- Recomputes every unit's path from parent links. Raises on a cycle, so a bad tree never commits.
CREATE FUNCTION orgscope.refresh_paths() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, orgscope, ext AS $$
DECLARE
  placed integer;
  total integer;
BEGIN
  WITH RECURSIVE walk(id, path) AS (
    SELECT id, text2ltree(id::text) FROM orgscope.org_unit WHERE parent_id IS NULL
    UNION ALL
    SELECT u.id, w.path || u.id::text FROM orgscope.org_unit u JOIN walk w ON u.parent_id = w.id
  )
  UPDATE orgscope.org_unit u SET path = w.path FROM walk w WHERE u.id = w.id AND u.path IS DISTINCT FROM w.path;

  SELECT count(*) INTO total FROM orgscope.org_unit;
  WITH RECURSIVE walk(id) AS (
    SELECT id FROM orgscope.org_unit WHERE parent_id IS NULL
    UNION ALL
    SELECT u.id FROM orgscope.org_unit u JOIN walk w ON u.parent_id = w.id
  )
  SELECT count(*) INTO placed FROM walk;
  IF placed <> total THEN
    RAISE EXCEPTION 'org tree has % units that cannot be reached from the root (a cycle or a second root)', total - placed;
  END IF;
END $$;

-- Down Migration
DROP SCHEMA orgscope CASCADE;
DROP SCHEMA ext CASCADE;
