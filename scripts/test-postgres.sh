#!/usr/bin/env bash
# `npm run test:postgres`: the store contract suite, the multi-process tests and the store copy on PostgreSQL. Runs
# against the database DATABASE_URL names (each test makes its own schema or database there and drops it), or, when
# DATABASE_URL is unset, against a throwaway cluster started for the run and removed after it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${DATABASE_URL:-}" ]]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-pg-XXXXXX")
  trap 'scripts/pg-cluster.sh stop "$dir"' EXIT
  eval "$(scripts/pg-cluster.sh start "$dir")"
  # Its data directory: the tests that restart PostgreSQL mid-test restart this one.
  export PG_DATA_DIR="$dir/data"
  echo "test:postgres: a throwaway PostgreSQL in $dir"
fi
export DATABASE_URL
# One file at a time: the multi-process test runs two servers, and the database shares the cores with them.
npx vitest run --no-file-parallelism test/store/postgres- "$@"
