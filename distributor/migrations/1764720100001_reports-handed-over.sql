-- Up Migration

-- When the whole message of a 'sending' delivery was handed to the SMTP connection, written before
-- the end of DATA may leave. A 'sending' row without it belonged to a worker that died before the
-- server could have accepted anything: safe to send again. With it: 'unknown', never resent.
ALTER TABLE orgscope_report.delivery ADD COLUMN handed_over_at timestamptz;

-- Down Migration
ALTER TABLE orgscope_report.delivery DROP COLUMN handed_over_at;
