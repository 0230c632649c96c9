-- Gantry schema, version 4: the SQL API. Any PostgreSQL client (psql, a trigger, another language's
-- driver) enqueues a job in one statement and reads its status, without Gantry's Java library and
-- without any privilege on the tables:
--
--   SELECT ${schema}.enqueue('email.send', '{"to": "a@b.c"}', '{"queue": "mail", "delay_ms": 5000}');
--   SELECT ${schema}.job_status('01937c1e-...');
--
-- Both functions are SECURITY DEFINER: they run with the privileges of the role that ran this
-- migration (the tables' owner), so callers need EXECUTE on them and nothing else. The role
-- ${schema}_producer holds exactly that; an operator makes application login roles members of it.
-- A fixed search_path and schema-qualified names keep a caller's own objects out of their bodies.

-- Enqueues one job, as Gantry.enqueue(kind, args, options) does in Java, and returns its id; for a
-- unique key that an unfinished job already holds, that job's id. Options (all optional; null is
-- the same as leaving one out): queue, priority, max_attempts, timeout_ms, unique_key, tags,
-- metadata, tenant, and either delay_ms (from the database's now(), clock-safe) or run_at (an ISO 8601
-- instant with its offset). Invalid values and unknown options raise SQLSTATE 22023 naming the
-- option, with a hint on the fix. Workers are woken at commit by the insert trigger on jobs.
CREATE FUNCTION ${schema}.enqueue(kind text, args jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  opts         jsonb := coalesce(enqueue.options, '{}');
  unknown      text;
  v            jsonb;
  n            numeric;
  job_queue    text := 'default';
  priority_n   smallint := 0;
  attempts_n   integer;
  timeout_n    bigint;
  key_text     text;
  tag_list     text[] := '{}';
  meta         jsonb := '{}';
  tenant_text  text;
  due          timestamptz := now();
  new_id       uuid;
  new_state    text;
  new_queue    text;
  is_duplicate boolean;
BEGIN
  IF enqueue.kind IS NULL OR enqueue.kind !~ '^[A-Za-z0-9_.:/-]{1,200}$' THEN
    RAISE EXCEPTION '${schema}.enqueue: kind must be 1 to 200 characters of letters, digits, ''_'', ''.'', '':'', ''/'' or ''-'', got: %', left(enqueue.kind, 210)
      USING ERRCODE = '22023', HINT = 'The kind names the handler that runs the job, for example ''email.send''.';
  END IF;
  IF jsonb_typeof(opts) <> 'object' THEN
    RAISE EXCEPTION '${schema}.enqueue: options must be a JSON object, got a JSON %', jsonb_typeof(opts)
      USING ERRCODE = '22023', HINT = 'For example ''{"queue": "mail", "delay_ms": 5000}'', or ''{}'' for the defaults.';
  END IF;
  SELECT k INTO unknown FROM jsonb_object_keys(opts) k
  WHERE k <> ALL (ARRAY['queue', 'priority', 'max_attempts', 'timeout_ms', 'unique_key', 'tags', 'metadata', 'tenant',
                        'delay_ms', 'run_at'])
  ORDER BY k LIMIT 1;
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION '${schema}.enqueue: unknown option "%"', unknown
      USING ERRCODE = '22023',
            HINT = 'Known options: queue, priority, max_attempts, timeout_ms, unique_key, tags, metadata, tenant, delay_ms, run_at.';
  END IF;
  -- JSON null counts as not set, so clients may build the object with every key present.
  opts := (SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}') FROM jsonb_each(opts) o WHERE jsonb_typeof(o.value) <> 'null');

  v := opts -> 'queue';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'string' OR v #>> '{}' !~ '^[A-Za-z0-9_.:-]{1,128}$' THEN
      RAISE EXCEPTION '${schema}.enqueue: option "queue" must be 1 to 128 characters of letters, digits, ''_'', ''.'', '':'' or ''-'', got: %', v
        USING ERRCODE = '22023', HINT = 'For example {"queue": "mail"}; leave it out for the queue "default".';
    END IF;
    job_queue := v #>> '{}';
  END IF;

  v := opts -> 'priority';
  IF v IS NOT NULL THEN
    -- CASE, not OR: casting a JSON string to numeric would fail before the check could.
    n := CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END;
    IF n IS NULL OR n <> trunc(n) OR n NOT BETWEEN -100 AND 100 THEN
      RAISE EXCEPTION '${schema}.enqueue: option "priority" must be a whole number from -100 to 100, got: %', v
        USING ERRCODE = '22023', HINT = 'Lower runs first; the default is 0. For example {"priority": -10}.';
    END IF;
    priority_n := n;
  END IF;

  v := opts -> 'max_attempts';
  IF v IS NOT NULL THEN
    n := CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END;
    IF n IS NULL OR n <> trunc(n) OR n NOT BETWEEN 1 AND 2147483647 THEN
      RAISE EXCEPTION '${schema}.enqueue: option "max_attempts" must be a whole number of at least 1, got: %', v
        USING ERRCODE = '22023', HINT = 'For example {"max_attempts": 5}; leave it out to let the kind''s retry policy decide.';
    END IF;
    attempts_n := n;
  END IF;

  v := opts -> 'timeout_ms';
  IF v IS NOT NULL THEN
    n := CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END;
    IF n IS NULL OR n <> trunc(n) OR n NOT BETWEEN 1 AND 9223372036854775807 THEN
      RAISE EXCEPTION '${schema}.enqueue: option "timeout_ms" must be a whole number of milliseconds of at least 1, got: %', v
        USING ERRCODE = '22023', HINT = 'For example {"timeout_ms": 120000} for two minutes; leave it out for the worker''s default.';
    END IF;
    timeout_n := n;
  END IF;

  v := opts -> 'unique_key';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'string' OR v #>> '{}' ~ '^\s*$' OR char_length(v #>> '{}') > 1000 THEN
      RAISE EXCEPTION '${schema}.enqueue: option "unique_key" must be a non-blank string of at most 1000 characters, got: %',
          left(v::text, 100)
        USING ERRCODE = '22023', HINT = 'For example {"unique_key": "welcome:42"}: while a job with this key has not finished, enqueueing returns its id.';
    END IF;
    key_text := v #>> '{}';
  END IF;

  v := opts -> 'tags';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'array' THEN
      RAISE EXCEPTION '${schema}.enqueue: option "tags" must be a JSON array of strings, got a JSON %', jsonb_typeof(v)
        USING ERRCODE = '22023', HINT = 'For example {"tags": ["billing", "eu"]}.';
    END IF;
    SELECT t INTO v FROM jsonb_array_elements(v) t
    WHERE jsonb_typeof(t) <> 'string' OR t #>> '{}' ~ '^\s*$' OR char_length(t #>> '{}') > 200
    LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION '${schema}.enqueue: option "tags": each tag must be a non-blank string of at most 200 characters, got: %',
          left(v::text, 100)
        USING ERRCODE = '22023', HINT = 'For example {"tags": ["billing", "eu"]}.';
    END IF;
    tag_list := ARRAY(SELECT jsonb_array_elements_text(opts -> 'tags'));
  END IF;

  v := opts -> 'metadata';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'object' THEN
      RAISE EXCEPTION '${schema}.enqueue: option "metadata" must be a JSON object, got a JSON %', jsonb_typeof(v)
        USING ERRCODE = '22023', HINT = 'For example {"metadata": {"requested_by": "cron"}}.';
    END IF;
    meta := v;
  END IF;

  v := opts -> 'tenant';
  IF v IS NOT NULL THEN
    -- The same rule as JobOptions.withTenant in Java.
    IF jsonb_typeof(v) <> 'string' OR v #>> '{}' !~ '^[A-Za-z0-9._:-]{1,100}$' THEN
      RAISE EXCEPTION '${schema}.enqueue: option "tenant" must be 1 to 100 characters of letters, digits and . _ : -, got: %',
          left(v::text, 100)
        USING ERRCODE = '22023', HINT = 'For example {"tenant": "acme"}; unique keys are unique per tenant.';
    END IF;
    tenant_text := v #>> '{}';
  END IF;

  IF opts ? 'delay_ms' AND opts ? 'run_at' THEN
    RAISE EXCEPTION '${schema}.enqueue: options "delay_ms" and "run_at" cannot both be set'
      USING ERRCODE = '22023', HINT = 'Use delay_ms (measured from the database''s now(), clock-safe) or run_at (an absolute instant), not both.';
  END IF;

  v := opts -> 'delay_ms';
  IF v IS NOT NULL THEN
    -- At most 100 years: a bound that no real delay reaches, well inside timestamptz's range.
    n := CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END;
    IF n IS NULL OR n <> trunc(n) OR n NOT BETWEEN 0 AND 3155760000000 THEN
      RAISE EXCEPTION '${schema}.enqueue: option "delay_ms" must be a whole number of milliseconds from 0 to 3155760000000 (100 years), got: %', v
        USING ERRCODE = '22023', HINT = 'For example {"delay_ms": 5000} runs the job 5 seconds after the database''s now().';
    END IF;
    due := now() + n::bigint * interval '1 millisecond';
  END IF;

  v := opts -> 'run_at';
  IF v IS NOT NULL THEN
    -- An explicit offset is required: without one the caller's session time zone would decide.
    IF jsonb_typeof(v) <> 'string'
        OR v #>> '{}' !~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$' THEN
      RAISE EXCEPTION '${schema}.enqueue: option "run_at" must be an ISO 8601 instant with an offset, got: %', left(v::text, 100)
        USING ERRCODE = '22023', HINT = 'For example {"run_at": "2030-01-31T09:00:00Z"} or "2030-01-31T10:00:00+01:00".';
    END IF;
    BEGIN
      due := (v #>> '{}')::timestamptz;
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
      RAISE EXCEPTION '${schema}.enqueue: option "run_at" is not a valid instant: %', v
        USING ERRCODE = '22023', HINT = 'For example {"run_at": "2030-01-31T09:00:00Z"}.';
    END;
  END IF;

  INSERT INTO ${schema}.jobs AS j
    (queue, kind, args, state, priority, max_attempts, timeout_ms, unique_key, tags, metadata, scheduled_at, tenant)
  VALUES (job_queue, enqueue.kind, coalesce(enqueue.args, '{}'), CASE WHEN due <= now() THEN 'available' ELSE 'scheduled' END,
          priority_n, attempts_n, timeout_n, key_text, tag_list, meta, due, tenant_text)
  -- The one place that names the unique-key index (per tenant since migration 2), as insert.sql
  -- does: a key an unfinished job of the same tenant holds returns that job (the no-op update lets
  -- RETURNING see it, xmax <> 0 tells it was not inserted).
  ON CONFLICT ((coalesce(tenant, '')), unique_key) WHERE unique_key IS NOT NULL
    DO UPDATE SET unique_key = excluded.unique_key
  RETURNING j.id, j.state, j.queue, j.xmax <> 0 INTO new_id, new_state, new_queue, is_duplicate;

  -- The no-op update locked the existing job's row until commit, so a claim running meanwhile
  -- skipped it (SKIP LOCKED): wake its queue again (delivered at commit). New available jobs are
  -- announced by the insert trigger on jobs.
  IF is_duplicate AND new_state = 'available' THEN
    PERFORM pg_notify('${schema}_wakeup', new_queue);
  END IF;
  RETURN new_id;
END
$$;

-- What a producer may know about a job it enqueued: where it is, how far it got, its result and
-- its last error (without the stack trace). NULL when there is no such job (or it was pruned).
-- Reads both tables through all_jobs, so finished jobs are found too.
CREATE FUNCTION ${schema}.job_status(id uuid)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
           'id', a.id,
           'queue', a.queue,
           'kind', a.kind,
           'state', a.state,
           'attempt', a.attempt,
           'max_attempts', a.max_attempts,
           'progress_percent', a.progress_percent,
           'progress_message', a.progress_message,
           'result', a.result,
           'last_error', (a.errors -> -1) - 'stacktrace',
           'cancel_requested', a.cancel_requested_at IS NOT NULL,
           'created_at', a.created_at,
           'scheduled_at', a.scheduled_at,
           'attempted_at', a.attempted_at,
           'finished_at', a.finished_at)
  FROM ${schema}.all_jobs a
  WHERE a.id = job_status.id
$$;

-- Functions are executable by PUBLIC unless revoked; these two run with the owner's privileges.
REVOKE ALL ON FUNCTION ${schema}.enqueue(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION ${schema}.job_status(uuid) FROM PUBLIC;

-- The producer role: NOLOGIN, may use the schema and execute these two functions, nothing else.
-- Roles belong to the whole cluster, hence the schema in its name; an existing one (from another
-- database with the same schema name, or made by an administrator) is reused. A migrating role
-- that may not create roles skips it with a NOTICE rather than failing the upgrade.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${schema}_producer') THEN
    BEGIN
      CREATE ROLE ${schema}_producer NOLOGIN;
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'Gantry: role ${schema}_producer was not created: % may not create roles. The SQL API works for the schema''s owner only until a superuser runs: CREATE ROLE ${schema}_producer NOLOGIN; GRANT USAGE ON SCHEMA ${schema} TO ${schema}_producer; GRANT EXECUTE ON FUNCTION ${schema}.enqueue(text, jsonb, jsonb), ${schema}.job_status(uuid) TO ${schema}_producer;',
          current_user;
        RETURN;
      WHEN duplicate_object OR unique_violation THEN
        NULL; -- created at the same moment by a migration of another database in this cluster
    END;
  END IF;
  GRANT USAGE ON SCHEMA ${schema} TO ${schema}_producer;
  GRANT EXECUTE ON FUNCTION ${schema}.enqueue(text, jsonb, jsonb), ${schema}.job_status(uuid) TO ${schema}_producer;
END
$$;
