-- Gantry schema, version 2: tenants, structured progress, change notifications for watched jobs,
-- and the indexes that tenant listings and queue statistics need.

-- A job may belong to a tenant (NULL: none). Every tenant-scoped statement compares it in SQL.
ALTER TABLE ${schema}.jobs ADD COLUMN tenant text;
ALTER TABLE ${schema}.finished_jobs ADD COLUMN tenant text;

-- Per-item results a running job reports (a JSON array), kept on finish like the other progress fields.
ALTER TABLE ${schema}.jobs ADD COLUMN progress_items jsonb;
ALTER TABLE ${schema}.finished_jobs ADD COLUMN progress_items jsonb;

-- Unique keys are unique per tenant: a duplicate enqueue returns the existing job's id, which must
-- never be another tenant's job. Jobs without a tenant share the '' namespace (a tenant name is
-- never empty).
DROP INDEX ${schema}.jobs_unique_key_idx;
CREATE UNIQUE INDEX jobs_unique_key_idx ON ${schema}.jobs ((coalesce(tenant, '')), unique_key)
  WHERE unique_key IS NOT NULL;

-- One tenant's jobs newest first, on both tables (all_jobs is their UNION ALL, merged by id).
-- Partial: jobs without a tenant cost these indexes nothing.
CREATE INDEX jobs_tenant_idx ON ${schema}.jobs (tenant, id) WHERE tenant IS NOT NULL;
CREATE INDEX finished_jobs_tenant_idx ON ${schema}.finished_jobs (tenant, id) WHERE tenant IS NOT NULL;

-- Tell watchers (Gantry.watch) when a watched job changes state or progress. A row trigger whose
-- WHEN clause is false queues nothing, so unwatched jobs (nearly all of them) cost one boolean
-- test per updated row; lease renewals change none of the compared columns and notify nobody.
-- Finishing moves the row to finished_jobs, whose trigger already notifies <schema>_finished.
CREATE FUNCTION ${schema}.jobs_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${schema}_changed', NEW.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_changed AFTER UPDATE ON ${schema}.jobs
  FOR EACH ROW
  WHEN (NEW.watched AND (OLD.state, OLD.attempt, OLD.scheduled_at, OLD.progress_percent, OLD.progress_message,
                         OLD.progress_items, OLD.cancel_requested_at)
                    IS DISTINCT FROM (NEW.state, NEW.attempt, NEW.scheduled_at, NEW.progress_percent,
                         NEW.progress_message, NEW.progress_items, NEW.cancel_requested_at))
  EXECUTE FUNCTION ${schema}.jobs_changed();

DROP VIEW ${schema}.all_jobs;
CREATE VIEW ${schema}.all_jobs AS
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, NULL::jsonb AS result, created_at, scheduled_at, attempted_at,
         NULL::timestamptz AS finished_at, worker_id, cancel_requested_at, lease_expires_at, tenant, progress_items
    FROM ${schema}.jobs
  UNION ALL
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at,
         finished_at, worker_id, NULL::timestamptz, NULL::timestamptz, tenant, progress_items
    FROM ${schema}.finished_jobs;
