// All SQL of the demo data generator. Values are bound as parameters; the only text put together is
// the list of fact tables below, which is fixed here.

export const FACT_TABLES = [
  'cx.survey_response',
  'cx.survey_contact',
  'cx.mystery_audit',
  'cx.customer_order',
] as const;

/** Fact tables with an identity column `id` that the generator fills itself. */
export const IDENTITY_TABLES = ['cx.survey_response', 'cx.mystery_audit', 'cx.customer_order'] as const;

export const CAN_BYPASS_RLS = `SELECT rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`;

export const LOCK_FACTS = `LOCK TABLE ${FACT_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`;

export const FACT_ROWS = `SELECT
  (SELECT count(*) FROM cx.survey_response)::bigint AS survey_response,
  (SELECT count(*) FROM cx.survey_contact)::bigint AS survey_contact,
  (SELECT count(*) FROM cx.mystery_audit)::bigint AS mystery_audit,
  (SELECT count(*) FROM cx.customer_order)::bigint AS customer_order`;

// Ordered by code with the C collation: the same tree gives the same order on any server locale.
export const STORE_UNITS = `SELECT id, code FROM orgscope.org_unit WHERE kind = 'store' ORDER BY code COLLATE "C"`;

export const TRUNCATE_FACTS = `TRUNCATE ${FACT_TABLES.join(', ')} RESTART IDENTITY`;

// FREEZE writes the rows as already frozen, which saves a vacuum pass over a fresh demo; PostgreSQL
// allows it because the tables were truncated in the same transaction.
export const COPY_RESPONSES = `COPY cx.survey_response (id, responded_at, unit_id, channel, touchpoint, nps, csat, comment,
  customer_name_masked, customer_phone_masked, customer_email_masked) FROM STDIN WITH (FREEZE)`;
export const COPY_CONTACTS = `COPY cx.survey_contact (response_id, unit_id, customer_name, customer_phone, customer_email)
  FROM STDIN WITH (FREEZE)`;
export const COPY_AUDITS = `COPY cx.mystery_audit (id, audited_at, unit_id, channel, scenario, score, passed, auditor, notes)
  FROM STDIN WITH (FREEZE)`;
export const COPY_ORDERS = `COPY cx.customer_order (id, ordered_at, unit_id, channel, status, items, amount, delivery_minutes)
  FROM STDIN WITH (FREEZE)`;

// Secondary indexes of the fact tables, as the catalog defines them. Building an index once after the
// load is several times faster than updating it row by row; indexes that back a constraint (the
// primary keys, which survey_contact's foreign key needs) stay.
export const SECONDARY_INDEXES = `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
  WHERE i.indrelid = ANY ($1::regclass[])
    AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
  ORDER BY 1`;

/** Drops an index named by the catalog (regclass text is quoted and schema-qualified as needed). */
export const dropIndex = (name: string) => `DROP INDEX ${name}`;

/** Index builds sort in memory when they can; SET LOCAL ends with the transaction. */
export const INDEX_BUILD_MEMORY = `SET LOCAL maintenance_work_mem = '256MB'`;

/** Moves a table's identity past the ids the generator wrote: $1 table, $2 rows written. */
export const ADVANCE_IDENTITY = `SELECT setval(pg_get_serial_sequence($1, 'id'), greatest($2::bigint, 1), $2::bigint > 0)`;

export const ANALYZE_FACTS = `ANALYZE ${FACT_TABLES.join(', ')}`;
