-- Up Migration

-- Query roles. Untrusted panel SQL runs only as one of these LOGIN roles (their password is set by the
-- distributor at start). They own nothing, belong to no role and cannot bypass row-level security.
-- All four read the same signed scope; they differ only in the shape of their policy, so that each
-- scope gets a plan as fast as the filter an analyst would write by hand (docs/decisions/0002):
--   orgscope_query_unit  one unit (a store): unit_id = $1, estimated and indexed like a literal
--   orgscope_query       a few units (an area): unit_id = ANY($1), which drives an index
--   orgscope_query_wide  many units (a region): one bit looked up per row, not a search of a list
--   orgscope_query_all   the whole chain: one check per statement
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['orgscope_owner', 'orgscope_query_unit', 'orgscope_query', 'orgscope_query_wide', 'orgscope_query_all'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
    EXECUTE format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS', r);
  END LOOP;
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END $$;

-- The scope of the running transaction. The distributor signs a token naming the units in scope, bound
-- to this backend and valid for one query's time, and installs it with set_config in the same round
-- trip as BEGIN. SQL run by a viewer can read or overwrite the setting, but cannot forge a signature,
-- and a token of another connection or past its expiry fails. No valid token, no rows.
CREATE SCHEMA orgscope_scope;

-- PARALLEL RESTRICTED: evaluated once, in the leader (pg_backend_pid() is the viewer's connection
-- there), and handed to parallel workers as a parameter, so scoped queries still run in parallel.
CREATE FUNCTION orgscope_scope.claims() RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER SET search_path = pg_catalog, orgscope, ext AS $$
DECLARE
  token text := current_setting('orgscope.scope', true);
  payload text;
  signature text;
  claims jsonb;
BEGIN
  IF token IS NULL OR token = '' THEN
    RAISE EXCEPTION 'no viewer scope is set for this query' USING ERRCODE = 'insufficient_privilege';
  END IF;
  payload := split_part(token, '.', 1);
  signature := split_part(token, '.', 2);
  IF encode(hmac(convert_to(payload, 'UTF8'), (SELECT secret FROM orgscope.scope_key), 'sha256'), 'hex') <> signature THEN
    RAISE EXCEPTION 'viewer scope token is not valid' USING ERRCODE = 'insufficient_privilege';
  END IF;
  claims := convert_from(decode(payload, 'base64'), 'UTF8')::jsonb;
  IF (claims ->> 'pid')::integer <> pg_backend_pid() THEN
    RAISE EXCEPTION 'viewer scope token belongs to another connection' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (claims ->> 'exp')::bigint < (extract(epoch FROM statement_timestamp()) * 1000)::bigint THEN
    RAISE EXCEPTION 'viewer scope token has expired' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN claims;
END $$;

-- The token carries the units both as an array literal and as a hex bit string (bit n set for unit
-- n), so that each shape of policy gets its value by a cast, not by building it per statement.
CREATE FUNCTION orgscope_scope.unit_ids() RETURNS integer[]
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, orgscope_scope AS $$
  SELECT coalesce((orgscope_scope.claims() ->> 'units')::integer[], '{}')
$$;

CREATE FUNCTION orgscope_scope.covers_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, orgscope_scope AS $$
  SELECT coalesce((orgscope_scope.claims() ->> 'all')::boolean, false)
$$;

CREATE FUNCTION orgscope_scope.sees_contacts() RETURNS boolean
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, orgscope_scope AS $$
  SELECT coalesce((orgscope_scope.claims() ->> 'contacts')::boolean, false)
$$;

-- The single unit of a one-unit scope; NULL (no rows) for any other scope.
CREATE FUNCTION orgscope_scope.unit_id() RETURNS integer
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, orgscope_scope AS $$
  SELECT CASE WHEN cardinality(ids) = 1 THEN ids[1] END FROM orgscope_scope.unit_ids() ids
$$;

-- The units in scope as a bit string: bit n is set when unit n is in scope. Returned as bit (of any
-- length) because get_bit takes bit: a varbit would be cast for every row.
CREATE FUNCTION orgscope_scope.unit_bits() RETURNS bit
LANGUAGE sql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, orgscope_scope AS $$
  SELECT coalesce((orgscope_scope.claims() ->> 'bits')::varbit, B'')
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA orgscope_scope FROM PUBLIC;
GRANT USAGE ON SCHEMA orgscope_scope TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA orgscope_scope
  TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all;

-- Masks for customer contact details, shown to roles without the contacts permission.
CREATE FUNCTION orgscope.mask_name(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN value IS NULL THEN NULL ELSE left(value, 1) || '***' END $$;
CREATE FUNCTION orgscope.mask_phone(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN value IS NULL THEN NULL WHEN length(value) <= 4 THEN '****'
    ELSE left(value, 3) || repeat('*', length(value) - 7) || right(value, 4) END
$$;
CREATE FUNCTION orgscope.mask_email(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN value IS NULL THEN NULL ELSE left(value, 1) || '***@' || split_part(value, '@', 2) END
$$;

-- Facts of the customer-experience programme. Analysts query schema cx.
CREATE SCHEMA cx;

CREATE TABLE cx.survey_response (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  responded_at timestamptz NOT NULL,
  unit_id integer NOT NULL REFERENCES orgscope.org_unit (id),
  channel text NOT NULL,
  touchpoint text NOT NULL,
  nps smallint CHECK (nps BETWEEN 0 AND 10),
  csat smallint CHECK (csat BETWEEN 1 AND 5),
  comment text,
  customer_name_masked text,
  customer_phone_masked text,
  customer_email_masked text
);
CREATE INDEX survey_response_unit_time ON cx.survey_response (unit_id, responded_at);
CREATE INDEX survey_response_time ON cx.survey_response (responded_at);

-- Contact details live apart so that a role without the contacts permission reads the masked copies
-- in survey_response; the view below joins them back only where the policy lets a row through.
CREATE TABLE cx.survey_contact (
  response_id bigint PRIMARY KEY REFERENCES cx.survey_response (id) ON DELETE CASCADE,
  unit_id integer NOT NULL REFERENCES orgscope.org_unit (id),
  customer_name text,
  customer_phone text,
  customer_email text
);

CREATE TABLE cx.mystery_audit (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  audited_at timestamptz NOT NULL,
  unit_id integer NOT NULL REFERENCES orgscope.org_unit (id),
  channel text NOT NULL,
  scenario text NOT NULL,
  score numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
  passed boolean NOT NULL,
  auditor text NOT NULL,
  notes text
);
CREATE INDEX mystery_audit_unit_time ON cx.mystery_audit (unit_id, audited_at);
CREATE INDEX mystery_audit_time ON cx.mystery_audit (audited_at);

CREATE TABLE cx.customer_order (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ordered_at timestamptz NOT NULL,
  unit_id integer NOT NULL REFERENCES orgscope.org_unit (id),
  channel text NOT NULL,
  status text NOT NULL,
  items integer NOT NULL CHECK (items > 0),
  amount numeric(12, 2) NOT NULL CHECK (amount >= 0),
  delivery_minutes integer CHECK (delivery_minutes >= 0)
);
CREATE INDEX customer_order_unit_time ON cx.customer_order (unit_id, ordered_at);
CREATE INDEX customer_order_time ON cx.customer_order (ordered_at);

CREATE VIEW cx.survey_responses WITH (security_invoker = true) AS
SELECT
  r.id, r.responded_at, r.unit_id, r.channel, r.touchpoint, r.nps, r.csat, r.comment,
  coalesce(c.customer_name, r.customer_name_masked) AS customer_name,
  coalesce(c.customer_phone, r.customer_phone_masked) AS customer_phone,
  coalesce(c.customer_email, r.customer_email_masked) AS customer_email
FROM cx.survey_response r
LEFT JOIN cx.survey_contact c ON c.response_id = r.id;

CREATE VIEW cx.org_units WITH (security_invoker = true) AS
SELECT u.id, u.code, u.name, u.kind, u.parent_id, ext.nlevel(u.path) AS depth, u.path::text AS path
FROM orgscope.org_unit u;

-- Row-level security, forced for the owner too. Policies exist only for the query roles; anyone else
-- who is not a superuser sees nothing.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['cx.survey_response', 'cx.survey_contact', 'cx.mystery_audit', 'cx.customer_order'] LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO orgscope_owner', t);
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
    -- (SELECT f()) makes the planner evaluate the scope once per statement (an InitPlan); the
    -- comparisons with its value can drive an index scan on (unit_id, time).
    EXECUTE format($p$CREATE POLICY one_unit ON %s FOR SELECT TO orgscope_query_unit
      USING (unit_id = (SELECT orgscope_scope.unit_id()))$p$, t);
    EXECUTE format($p$CREATE POLICY scoped ON %s FOR SELECT TO orgscope_query
      USING (unit_id = ANY ((SELECT orgscope_scope.unit_ids())::integer[]))$p$, t);
    -- One bit per row, whatever the number of units; a unit beyond the bit string is out of scope.
    EXECUTE format($p$CREATE POLICY wide ON %s FOR SELECT TO orgscope_query_wide
      USING (CASE WHEN unit_id < length((SELECT orgscope_scope.unit_bits()))
                  THEN get_bit((SELECT orgscope_scope.unit_bits()), unit_id) = 1 ELSE false END)$p$, t);
    EXECUTE format($p$CREATE POLICY whole_chain ON %s FOR SELECT TO orgscope_query_all
      USING ((SELECT orgscope_scope.covers_all()))$p$, t);
  END LOOP;
END $$;

-- Contact details need the contacts permission on top of the scope.
CREATE POLICY contacts_allowed ON cx.survey_contact AS RESTRICTIVE FOR SELECT
  TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all
  USING ((SELECT orgscope_scope.sees_contacts()));

ALTER TABLE orgscope.org_unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgscope.org_unit FORCE ROW LEVEL SECURITY;
CREATE POLICY one_unit ON orgscope.org_unit FOR SELECT TO orgscope_query_unit
  USING (id = (SELECT orgscope_scope.unit_id()));
CREATE POLICY scoped ON orgscope.org_unit FOR SELECT TO orgscope_query
  USING (id = ANY ((SELECT orgscope_scope.unit_ids())::integer[]));
CREATE POLICY wide ON orgscope.org_unit FOR SELECT TO orgscope_query_wide
  USING (CASE WHEN id < length((SELECT orgscope_scope.unit_bits()))
              THEN get_bit((SELECT orgscope_scope.unit_bits()), id) = 1 ELSE false END);
CREATE POLICY whole_chain ON orgscope.org_unit FOR SELECT TO orgscope_query_all
  USING ((SELECT orgscope_scope.covers_all()));

ALTER VIEW cx.survey_responses OWNER TO orgscope_owner;
ALTER VIEW cx.org_units OWNER TO orgscope_owner;
GRANT USAGE ON SCHEMA orgscope, cx, ext TO orgscope_owner;
GRANT SELECT ON orgscope.org_unit TO orgscope_owner;

GRANT USAGE ON SCHEMA cx, ext TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all;
GRANT SELECT ON ALL TABLES IN SCHEMA cx TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all;
-- org_units reads the tree with the invoker's rights: the query roles may read these columns of
-- org_unit (under its policies) and nothing else in schema orgscope.
GRANT USAGE ON SCHEMA orgscope TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all;
GRANT SELECT (id, code, name, kind, parent_id, path) ON orgscope.org_unit
  TO orgscope_query_unit, orgscope_query, orgscope_query_wide, orgscope_query_all;

-- Down Migration
DROP SCHEMA cx CASCADE;
DROP SCHEMA orgscope_scope CASCADE;
DROP FUNCTION orgscope.mask_name(text);
DROP FUNCTION orgscope.mask_phone(text);
DROP FUNCTION orgscope.mask_email(text);
