-- Gantry schema, version 8: webhooks. A job, batch or workflow may name a URL that is called
-- (POST, JSON, signed) once it has finished. The finish writes a delivery row in the same
-- transaction; the webhook deliverer of any node (see WebhookDeliverer) sends it later, retries it
-- with backoff and records every attempt. A delivery never changes the job or batch it is about.
--
-- Which secret signs a delivery is named, never stored here: webhook_key is null for the secret
-- of the node that delivers it (a library user's own), or a key id that node resolves (the HTTP
-- server: the enqueuing API key's webhook secret, in api_keys.webhook_secret).

ALTER TABLE ${schema}.jobs ADD COLUMN webhook_url text;
ALTER TABLE ${schema}.jobs ADD COLUMN webhook_key text;
ALTER TABLE ${schema}.finished_jobs ADD COLUMN webhook_url text;
ALTER TABLE ${schema}.finished_jobs ADD COLUMN webhook_key text;
ALTER TABLE ${schema}.batches ADD COLUMN webhook_url text;
ALTER TABLE ${schema}.batches ADD COLUMN webhook_key text;

-- The HTTP server's per-key signing secret (the library never reads it). It has to be shown to the
-- key's owner and used to sign, so it is kept as it is, unlike the key's own secret (a hash).
-- NULL for keys made before this migration until the server first needs it (KeyStore makes one).
ALTER TABLE ${schema}.api_keys ADD COLUMN webhook_secret text;

CREATE TABLE ${schema}.webhook_deliveries (
  id               uuid        PRIMARY KEY DEFAULT ${schema}.uuid_v7(),
  subject          text        NOT NULL CHECK (subject IN ('job', 'batch')),
  subject_id       uuid        NOT NULL,
  tenant           text,
  url              text        NOT NULL,
  webhook_key      text,
  event            text        NOT NULL,
  payload          jsonb       NOT NULL,
  state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  -- Attempts started; a claim counts one at once, so an attempt cut short by a crash counts too.
  attempt          integer     NOT NULL DEFAULT 0,
  -- When a pending delivery is due. A claim moves it past the attempt's longest run, so that a
  -- delivery whose node died while sending is due again then (at-least-once delivery).
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error       text,
  -- One entry per attempt: {attempt, at, status_code, error, duration_ms, retry_in_ms}.
  attempts         jsonb       NOT NULL DEFAULT '[]',
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);

-- Claiming: due pending deliveries only, in due order.
CREATE INDEX webhook_deliveries_due_idx ON ${schema}.webhook_deliveries (next_attempt_at) WHERE state = 'pending';
-- A job's or batch's deliveries.
CREATE INDEX webhook_deliveries_subject_idx ON ${schema}.webhook_deliveries (subject_id, id);
-- Pruning delivered and dead deliveries, oldest first.
CREATE INDEX webhook_deliveries_prune_idx ON ${schema}.webhook_deliveries (created_at) WHERE state <> 'pending';

-- A finished job with a webhook gets its delivery here, in the transaction that finished it. A
-- statement trigger of its own rather than a part of finished_jobs_inserted(): it leaves that
-- function to the migrations that count, release and finish batches, and costs jobs without a
-- webhook one pass over the statement's new rows, which are in memory.
CREATE FUNCTION ${schema}.finished_jobs_webhooks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${schema}.webhook_deliveries (id, subject, subject_id, tenant, url, webhook_key, event, payload)
  SELECT d.delivery_id, 'job', d.id, d.tenant, d.webhook_url, d.webhook_key, d.event,
         jsonb_build_object(
           'id', d.delivery_id,
           'event', d.event,
           'created_at', now(),
           'data', jsonb_build_object('job', jsonb_build_object(
             'id', d.id,
             'queue', d.queue,
             'kind', d.kind,
             'state', d.state,
             'attempt', d.attempt,
             'max_attempts', d.max_attempts,
             'tenant', d.tenant,
             'batch_id', d.batch_id,
             'tags', to_jsonb(d.tags),
             'metadata', d.metadata,
             'result', d.result,
             'last_error', (d.errors -> -1) - 'stacktrace',
             'created_at', d.created_at,
             'finished_at', d.finished_at)))
  FROM (SELECT ${schema}.uuid_v7() AS delivery_id, 'job.' || r.state AS event, r.*
        FROM new_rows r
        WHERE r.webhook_url IS NOT NULL) d
  ORDER BY d.id;
  RETURN NULL;
END $$;

CREATE TRIGGER finished_jobs_webhooks AFTER INSERT ON ${schema}.finished_jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.finished_jobs_webhooks();

-- A batch or workflow with a webhook gets its delivery when finish_batch() marks it finished,
-- once: only that UPDATE sets finished_at (and only from NULL), so count updates never fire this.
-- The event is the batch's final state as Batches reads it: failed when any member is dead,
-- completed when every member completed and it was not cancelled, cancelled otherwise.
CREATE FUNCTION ${schema}.batch_finished_webhook() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delivery uuid := ${schema}.uuid_v7();
  outcome text := CASE WHEN NEW.dead > 0 THEN 'failed'
                       WHEN NEW.completed = NEW.total AND NEW.cancel_requested_at IS NULL THEN 'completed'
                       ELSE 'cancelled' END;
BEGIN
  INSERT INTO ${schema}.webhook_deliveries (id, subject, subject_id, tenant, url, webhook_key, event, payload)
  VALUES (delivery, 'batch', NEW.id, NEW.tenant, NEW.webhook_url, NEW.webhook_key, NEW.kind || '.' || outcome,
          jsonb_build_object(
            'id', delivery,
            'event', NEW.kind || '.' || outcome,
            'created_at', now(),
            'data', jsonb_build_object(NEW.kind, jsonb_build_object(
              'id', NEW.id,
              'kind', NEW.kind,
              'name', NEW.name,
              'tenant', NEW.tenant,
              'state', outcome,
              'metadata', NEW.metadata,
              'total', NEW.total,
              'completed', NEW.completed,
              'dead', NEW.dead,
              'cancelled', NEW.cancelled,
              'created_at', NEW.created_at,
              'finished_at', NEW.finished_at))));
  RETURN NULL;
END $$;

CREATE TRIGGER batches_finished_webhook AFTER UPDATE OF finished_at ON ${schema}.batches
  FOR EACH ROW WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL AND NEW.webhook_url IS NOT NULL)
  EXECUTE FUNCTION ${schema}.batch_finished_webhook();

-- cancel_dependents() of migration 6, now keeping the webhook (as transition.sql's archive does),
-- so that a step cancelled by its dependency calls its webhook too.
CREATE OR REPLACE FUNCTION ${schema}.cancel_dependents(ids uuid[], reasons text[]) RETURNS void
LANGUAGE sql AS $$
  WITH gone AS (
    DELETE FROM ${schema}.jobs j
    USING unnest(ids, reasons) AS c(id, reason)
    WHERE j.id = c.id AND j.state = 'pending'
    RETURNING j.*, c.reason
  )
  INSERT INTO ${schema}.finished_jobs
    (id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
     errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at, worker_id, watched,
     tenant, progress_items, batch_id, webhook_url, webhook_key)
  SELECT g.id, g.queue, g.kind, g.args, 'cancelled', g.priority, g.attempt, g.max_attempts, g.timeout_ms,
         g.unique_key, g.tags, g.metadata,
         g.errors || jsonb_build_array(jsonb_build_object('attempt', g.attempt, 'class', 'dependency',
                                                          'message', g.reason, 'at', now())),
         g.progress_percent, g.progress_message, NULL, g.created_at, g.scheduled_at, g.attempted_at, g.worker_id,
         g.watched, g.tenant, g.progress_items, g.batch_id, g.webhook_url, g.webhook_key
  FROM gone g
  ORDER BY g.id
$$;

-- Every job, running or finished, in one shape, now with its webhook.
CREATE OR REPLACE VIEW ${schema}.all_jobs AS
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, NULL::jsonb AS result, created_at, scheduled_at, attempted_at,
         NULL::timestamptz AS finished_at, worker_id, cancel_requested_at, lease_expires_at, tenant, progress_items,
         batch_id, webhook_url
    FROM ${schema}.jobs
  UNION ALL
  SELECT id, queue, kind, args, state, priority, attempt, max_attempts, timeout_ms, unique_key, tags, metadata,
         errors, progress_percent, progress_message, result, created_at, scheduled_at, attempted_at,
         finished_at, worker_id, NULL::timestamptz, NULL::timestamptz, tenant, progress_items, batch_id, webhook_url
    FROM ${schema}.finished_jobs;
