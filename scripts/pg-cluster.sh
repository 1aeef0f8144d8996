#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: listens on a Unix socket in its own directory only (no TCP port, so
# several can run side by side), trusts local connections, and is removed by `stop`.
#
#   eval "$(scripts/pg-cluster.sh start /tmp/sb-pg)"   # exports DATABASE_URL
#   scripts/pg-cluster.sh stop /tmp/sb-pg
#
# PG_DURABLE=1 starts it with fsync and synchronous commit on (PostgreSQL's defaults), for benchmarks.
# PG_BIN (default: the newest /usr/lib/postgresql/*/bin, else pg_ctl on PATH) says where initdb and pg_ctl are.
# As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

action=${1:-}
dir=${2:-}
if [[ -z "$action" || -z "$dir" ]]; then
  echo "usage: $0 start|stop <directory>" >&2
  exit 2
fi

bin=${PG_BIN:-}
if [[ -z "$bin" ]]; then
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -n "$newest" ]]; then bin=$newest; else bin=$(dirname "$(command -v pg_ctl || echo /nonexistent/pg_ctl)"); fi
fi
if [[ ! -x "$bin/pg_ctl" ]]; then
  echo "$0: pg_ctl not found (install Debian's postgresql package, or set PG_BIN)" >&2
  exit 1
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # fsync off: a throwaway cluster never survives a machine crash anyway, and tests run much faster.
    # PG_DURABLE=1 keeps PostgreSQL's defaults instead (fsync, synchronous commit): what a benchmark compares.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [[ "${PG_DURABLE:-0}" == 1 ]] && durability=""
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-k $dir -p 5432 -c listen_addresses='' $durability -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export DATABASE_URL='postgresql://postgres@localhost/postgres?host=$dir&port=5432'"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop <directory>" >&2
    exit 2
    ;;
esac
