#!/usr/bin/env bash
# What one customer message costs PostgreSQL, counted: runs the quick benchmark of one Switchboard process on a
# throwaway durable cluster with pg_stat_statements loaded, then prints, per inbound message stored, the WAL
# flushes, the transactions, each statement's calls, plans, mean execution time and rows, and each table's
# inserts, updates and updates made in place (HOT).
#
#   scripts/pg-statements.sh            # about 30 s; needs Debian's postgresql package (its contrib module)
#   PG_STAT_PROCESSES=2 scripts/pg-statements.sh    # the same with two Switchboard processes on the database
#
# PG_BIN as for scripts/pg-cluster.sh. The cluster is removed after the run.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)}
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "$0: initdb not found (install Debian's postgresql package, or set PG_BIN)" >&2
  exit 1
fi
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-pgstat-XXXXXX")
trap 'PG_BIN=$bin scripts/pg-cluster.sh stop "$dir"' EXIT
[[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
# Made here rather than by pg-cluster.sh, which then only starts it: the extension must be loaded at start.
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log"
cat >>"$dir/data/postgresql.conf" <<'CONF'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_planning = on
pg_stat_statements.max = 5000
CONF
eval "$(PG_BIN=$bin PG_DURABLE=1 scripts/pg-cluster.sh start "$dir")"
export DATABASE_URL
psql "$DATABASE_URL" -qc 'CREATE EXTENSION pg_stat_statements'

BENCH_QUICK=1 BENCH_ONLY="switchboard pg ${PG_STAT_PROCESSES:-1}" BENCH_SIZES=0 BENCH_RUNS=1 npm run --silent bench 2>&1 | grep -E "│ [01] " || true

n=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM switchboard.messages WHERE direction = 'in'")
echo "inbound messages stored: $n"
psql "$DATABASE_URL" -c "SELECT round((SELECT wal_sync FROM pg_stat_wal)::numeric / $n, 2) AS wal_flushes_per_message,
  round((SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())::numeric / $n, 2) AS transactions_per_message"
psql "$DATABASE_URL" -c "SELECT round(calls::numeric / $n, 3) AS per_message, plans, round(mean_exec_time::numeric, 3) AS exec_ms,
  round(mean_plan_time::numeric, 3) AS plan_ms, round(rows::numeric / calls, 2) AS rows_per_call,
  left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement
  FROM pg_stat_statements WHERE calls > $n / 20 ORDER BY calls DESC"
psql "$DATABASE_URL" -c "SELECT relname AS table, n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_hot_upd AS in_place
  FROM pg_stat_user_tables WHERE schemaname = 'switchboard' ORDER BY relname"
