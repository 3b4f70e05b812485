-- Up Migration

-- Report schedules, their occurrences and the delivery ledger. Only the admin pool reads or writes
-- these tables; the query roles have no grant on this schema.
CREATE SCHEMA orgscope_report;

CREATE TABLE orgscope_report.schedule (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,99}$'),
  title text NOT NULL DEFAULT '',
  dashboard_uid text NOT NULL,
  cron text NOT NULL,
  time_zone text NOT NULL,
  range_from text NOT NULL,
  range_to text NOT NULL,
  variables jsonb NOT NULL DEFAULT '{}',
  formats text[] NOT NULL CHECK (formats <@ ARRAY['png', 'pdf'] AND cardinality(formats) > 0),
  -- { "units": [code], "roles": [name], "people": [login] }
  audience jsonb NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  -- 'file' schedules are owned by provisioning/reports and replaced on every load.
  source text NOT NULL CHECK (source IN ('file', 'api')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per fire of a schedule. The unique key is what makes a fire time run once, however many
-- distributor instances saw the tick.
CREATE TABLE orgscope_report.occurrence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  schedule_id integer NOT NULL REFERENCES orgscope_report.schedule (id) ON DELETE CASCADE,
  fire_time timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('scheduled', 'missed', 'manual', 'preview')),
  -- For a preview: the one recipient whose scope is rendered, and the admin address it goes to.
  preview_login text,
  preview_to text,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  recipients integer,
  renders integer,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE UNIQUE INDEX occurrence_once ON orgscope_report.occurrence (schedule_id, fire_time) WHERE kind <> 'preview';

-- The delivery ledger: one row per (occurrence, recipient), written before and after each send.
-- 'sending' that outlives its worker becomes 'unknown': the server may have accepted the message.
CREATE TABLE orgscope_report.delivery (
  occurrence_id uuid NOT NULL REFERENCES orgscope_report.occurrence (id) ON DELETE CASCADE,
  person_id integer NOT NULL,
  login text NOT NULL,
  email text NOT NULL,
  scope_key text NOT NULL,
  scope jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
  attempts integer NOT NULL DEFAULT 0,
  message_id text NOT NULL,
  last_error text,
  smtp_response text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (occurrence_id, person_id)
);
CREATE INDEX delivery_group ON orgscope_report.delivery (occurrence_id, scope_key, state);

-- Down Migration
DROP SCHEMA orgscope_report CASCADE;
