-- Up Migration

-- What SQL run as a query role could otherwise use to learn about rows outside its scope or to get in
-- other viewers' way. All query connections share one role, and PostgreSQL lets a role signal and
-- watch its own backends, so these are taken from PUBLIC in this database. Needs a superuser.
DO $$
DECLARE
  f regprocedure;
  v text;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'Orgscope migrations must run as a superuser (DATABASE_URL user %); they create roles and restrict catalog access', current_user;
  END IF;

  REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA orgscope FROM PUBLIC;

  -- Signalling other backends, session-level advisory locks, and per-table statistics counters.
  FOR f IN
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace
      AND (p.proname IN ('pg_cancel_backend', 'pg_terminate_backend', 'pg_stat_get_activity', 'pg_stat_get_backend_activity', 'pg_backend_memory_contexts', 'pg_ls_dir', 'pg_stat_file', 'pg_read_file', 'pg_read_binary_file', 'pg_notify', 'pg_listening_channels')
        OR p.proname LIKE 'pg\_advisory%' OR p.proname LIKE 'pg\_try\_advisory%'
        OR p.proname LIKE 'pg\_stat\_get\_%' OR p.proname LIKE 'pg\_statio\_%')
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;

  -- Statistics views and row-count estimates: pg_stats already hides tables under row-level security,
  -- these do not.
  FOR v IN
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'v'
      AND (c.relname LIKE 'pg\_stat%' OR c.relname LIKE 'pg\_statio%' OR c.relname IN ('pg_locks', 'pg_prepared_xacts'))
      AND c.relname NOT IN ('pg_stats', 'pg_stats_ext', 'pg_stats_ext_exprs')
  LOOP
    EXECUTE format('REVOKE SELECT ON pg_catalog.%I FROM PUBLIC', v);
  END LOOP;
  REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC;
  GRANT SELECT (oid, relname, relnamespace, reltype, relowner, relkind, relnatts, relhasindex, relrowsecurity, relforcerowsecurity, relispartition, relacl)
    ON pg_catalog.pg_class TO PUBLIC;
END $$;

-- Down Migration
GRANT SELECT ON pg_catalog.pg_class TO PUBLIC;
