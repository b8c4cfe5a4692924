#!/usr/bin/env bash
# A throwaway PostgreSQL server for the sync tests and benchmark, from Debian's
# `postgresql` package: a temporary data directory, loopback only, trust authentication,
# run as a non-root user (PostgreSQL refuses root), with a database `cora_test`.
#   scripts/pg-test-server.sh start    # initdb + start; prints the export line
#   scripts/pg-test-server.sh env      # prints: export CORA_TEST_PG=postgresql://...
#   scripts/pg-test-server.sh halt     # stop, keeping the data (a test's outage)
#   scripts/pg-test-server.sh resume   # start the halted server again
#   scripts/pg-test-server.sh stop     # stop and remove the data directory
# CORA_PG_PORT (default 54329) picks the port; the data lives in
# ${CORA_PG_DIR:-/tmp/cora-pg-test-$CORA_PG_PORT}.
set -euo pipefail
port="${CORA_PG_PORT:-54329}"
dir="${CORA_PG_DIR:-/tmp/cora-pg-test-$port}"
url="postgresql://postgres@127.0.0.1:$port/cora_test"

bin=""
for b in /usr/lib/postgresql/*/bin; do
  [ -x "$b/pg_ctl" ] && bin="$b"
done
if [ -z "$bin" ]; then
  echo "pg-test-server: PostgreSQL is not installed (apt-get install postgresql, or scripts/setup-debian.sh)" >&2
  exit 1
fi

# PostgreSQL will not run as root: as root, run its tools as the user `postgres`
# (made when missing); as anyone else, as that user.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_pg() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  as_pg() { "$@"; }
  owner=$(id -un)
fi

pgctl() { as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" "$@"; }

case "${1:-}" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && pgctl status >/dev/null 2>&1; then
      echo "export CORA_TEST_PG=$url"
      exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    chown "$owner" "$dir"
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    pgctl -w -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres cora_test
    echo "export CORA_TEST_PG=$url"
    ;;
  env)
    echo "export CORA_TEST_PG=$url"
    ;;
  halt)
    pgctl -w -m fast stop >/dev/null
    ;;
  resume)
    pgctl -w -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      pgctl -w -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|env|halt|resume|stop" >&2
    exit 2
    ;;
esac
