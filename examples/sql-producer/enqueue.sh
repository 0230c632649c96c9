#!/usr/bin/env bash
# Enqueues a Gantry job with nothing but psql, prints its id, then prints its status.
#
#   ./enqueue.sh KIND [ARGS_JSON] [OPTIONS_JSON]
#   DATABASE_URL=postgres://app@db.internal:5432/app \
#     ./enqueue.sh email.send '{"to": "ada@example.com"}' '{"queue": "mail", "delay_ms": 5000}'
#
# Connection: DATABASE_URL (a libpq URL such as postgres://user:pass@host:5432/db) when set, else
# psql's own variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or ~/.pgpass ...).
# GANTRY_SCHEMA: the schema Gantry is installed in (default: gantry).
#
# Output: the job's id on the first line (for a unique key an unfinished job already holds, that
# job's id), then the job's status as JSON. A rejected kind or option exits with psql's status 3
# and PostgreSQL's message and hint on stderr.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
  echo "usage: $0 KIND [ARGS_JSON] [OPTIONS_JSON]" >&2
  exit 2
fi
kind=$1
args=${2:-'{}'}
options=${3:-'{}'}
schema=${GANTRY_SCHEMA:-gantry}
# The schema name is the only thing pasted into the SQL text, so it must be a plain identifier.
if [[ ! $schema =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "$0: GANTRY_SCHEMA must be a plain lower-case identifier such as gantry, got: $schema" >&2
  exit 2
fi

# -X ignores ~/.psqlrc, -A -t print bare values, ON_ERROR_STOP makes an error the exit status.
# Values travel as psql variables and are quoted by psql (:'name'), never pasted into the SQL.
run_psql() {
  psql ${DATABASE_URL:+-d "$DATABASE_URL"} -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

id=$(run_psql -v kind="$kind" -v args="$args" -v options="$options" <<SQL
SELECT ${schema}.enqueue(:'kind', :'args'::jsonb, :'options'::jsonb);
SQL
)
echo "$id"

run_psql -v id="$id" <<SQL
SELECT jsonb_pretty(${schema}.job_status(:'id'::uuid));
SQL
