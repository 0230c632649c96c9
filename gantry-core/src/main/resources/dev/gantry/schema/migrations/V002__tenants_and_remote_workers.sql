-- Gantry schema, version 2: tenants, structured progress, and the indexes tenant listings need.
-- Watched jobs' changes are notified by the statements that make them (see watch.sql), not by a
-- row trigger on jobs: any AFTER ROW UPDATE trigger makes PostgreSQL fetch every updated row's old
-- version, even when its WHEN clause is false, which measurably slowed 100-row claims.

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
