#!/usr/bin/env bash
# A PostgreSQL cluster of the project's own, in a folder, from Debian's packages. No Docker.
#   postgres.sh start DATA_DIR PORT [fast]   initdb (first time), start, create role+db "gateway"
#   postgres.sh stop DATA_DIR
# "fast" turns off fsync: for throwaway test clusters only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    apt_install postgresql
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$dir" ] || die "PostgreSQL binaries not found after install (expected /usr/lib/postgresql/*/bin)"
  fi
  echo "$dir"
}

# initdb and postgres refuse to run as root: run them as the 'postgres' system user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local data port=$2 mode=${3:-} bin
  data=$(realpath -m "$1")
  bin=$(pg_bin)
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown -R postgres "$data" 2>/dev/null || true
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale >"$data/../pg-initdb.log" 2>&1 \
      || { cat "$data/../pg-initdb.log" >&2; die "initdb failed"; }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = '$data'"
      echo "max_connections = 200"
      echo "shared_buffers = 256MB"
      if [ "$mode" = fast ]; then echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"; fi
    } >>"$data/postgresql.conf"
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "PostgreSQL already running in $data"
  else
    port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set DATABASE_URL to use an existing PostgreSQL"
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null \
      || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start (log: $data/server.log)"; }
  fi
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt -d postgres >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gateway') THEN
    CREATE ROLE gateway LOGIN CREATEDB PASSWORD 'gateway';
  ELSE
    ALTER ROLE gateway CREATEDB;
  END IF;
END \$\$;
SELECT 'CREATE DATABASE gateway OWNER gateway' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'gateway') \gexec
SQL
  log "PostgreSQL up on 127.0.0.1:$port (data $data)"
}

stop() {
  local data bin
  data=$(realpath -m "$1")
  [ -f "$data/PG_VERSION" ] || return 0
  bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null || true
}

case "${1:-}" in
  start) start "$2" "$3" "${4:-}" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DATA_DIR PORT [fast] | stop DATA_DIR" >&2; exit 2 ;;
esac
