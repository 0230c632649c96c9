-- Gantry schema, version 3: API keys and idempotency keys of the HTTP server (gantry-server).
-- The library itself never reads these tables.

-- One row per API key. The secret is stored only as a SHA-256 hash: a key's secret is 256 random
-- bits, so no guessing or dictionary attack can find it from its hash, and a fast hash lets every
-- request be checked without the cost of a password hash (bcrypt, scrypt and argon2 exist to slow
-- down guessing of low-entropy passwords, which these are not). A key is looked up by its id,
-- which is part of the key's text, and the hashes are compared in constant time.
CREATE TABLE ${schema}.api_keys (
  id           uuid        PRIMARY KEY,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role         text        NOT NULL CHECK (role IN ('producer', 'worker', 'admin')),
  tenant       text        CHECK (length(tenant) BETWEEN 1 AND 100), -- NULL: not limited to a tenant
  secret_hash  bytea       NOT NULL CHECK (length(secret_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);

-- Responses of requests sent with an Idempotency-Key header, per API key, so that a client's
-- retry gets the first response instead of creating the job again. The row is inserted before the
-- request's work, in the same transaction, so a concurrent retry waits on it and then replays.
-- The server deletes rows older than 24 hours.
CREATE TABLE ${schema}.idempotency_keys (
  api_key_id      uuid        NOT NULL REFERENCES ${schema}.api_keys (id) ON DELETE CASCADE,
  key             text        NOT NULL,
  request_hash    bytea       NOT NULL, -- SHA-256 of the method, path and body
  response_status integer,              -- NULL only inside the transaction that does the work
  response_body   text,                 -- the exact bytes sent, so a replay is identical
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_id, key)
);

-- Pruning, oldest first.
CREATE INDEX idempotency_keys_created_idx ON ${schema}.idempotency_keys (created_at);
