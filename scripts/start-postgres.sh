#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests and print its URL on stdout (logs go to stderr).
#
#   export GOVREPORT_PG_URL="$(bash scripts/start-postgres.sh)"   # start (installs Debian's postgresql if missing)
#   bash scripts/start-postgres.sh --stop                           # stop it and delete its data
#
# The cluster lives in $GOVREPORT_PG_DIR (default /tmp/govreport-pg), listens on 127.0.0.1 only
# (port $GOVREPORT_PG_PORT, default: a free one), trusts local connections and has a database
# "govreport". As root, the server runs as the unprivileged user "postgres" (PostgreSQL refuses root).
set -euo pipefail

DIR="${GOVREPORT_PG_DIR:-/tmp/govreport-pg}"
log() { echo "start-postgres: $*" >&2; }

find_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; fi
}

BIN="$(find_bin)"
if [[ -z "$BIN" ]]; then
  if [[ "$(id -u)" != 0 ]]; then log "PostgreSQL is not installed and this is not root: apt-get install postgresql"; exit 1; fi
  log "installing Debian package postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ "${1:-}" == "--stop" ]]; then
  if [[ -f "$DIR/data/postmaster.pid" ]]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true; fi
  rm -rf "$DIR"
  exit 0
fi

if [[ -f "$DIR/data/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  PORT="$(sed -n 4p "$DIR/data/postmaster.pid")"
  log "already running in $DIR"
else
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$DIR"
  fi
  PORT="${GOVREPORT_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR/data -c fsync=off" start >&2
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres govreport
  log "running in $DIR on 127.0.0.1:$PORT"
fi
echo "postgresql://postgres@127.0.0.1:$PORT/govreport"
