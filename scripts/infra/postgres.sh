#!/usr/bin/env bash
# A PostgreSQL cluster of the project's own, in a folder, from Debian's packages. No Docker.
#   postgres.sh start DATA_DIR PORT [fast]   initdb (first time), start, create role+db "gateway"
#   postgres.sh stop DATA_DIR
#   postgres.sh remove DATA_DIR              stop, then delete the cluster's data
# "fast" turns off fsync: for throwaway test clusters only.
#
# As root, initdb and postgres run as the 'postgres' user, which cannot pass a 0700 directory above
# the checkout (/root, mktemp -d). So root's cluster lives outside it, in a folder that user owns and
# named after DATA_DIR (see cluster_dir), and DATA_DIR is a symlink to it for people and tools.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROOT_CLUSTERS=/var/lib/postgresql/gateway

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

is_root() { [ "$(id -u)" = 0 ]; }

# initdb and postgres refuse to run as root: run them as the 'postgres' system user then, from /
# (the working directory may be inside the checkout, out of its reach).
as_pg() {
  if is_root; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# DATA_DIR as an absolute path, its last component kept (it may be root's symlink).
requested_dir() { echo "$(realpath -m "$(dirname "$1")")/$(basename "$1")"; }

# Where the cluster's files are: DATA_DIR itself, or as root a folder under $ROOT_CLUSTERS named by
# DATA_DIR's last two components and a hash of its path (two checkouts never share one). A cluster
# that root made in DATA_DIR itself before this layout stays there.
cluster_dir() {
  local requested=$1
  if ! is_root || { [ -f "$requested/PG_VERSION" ] && [ ! -L "$requested" ]; }; then
    echo "$requested"
    return
  fi
  local name hash
  name="$(basename "$(dirname "$requested")")-$(basename "$requested")"
  hash=$(printf '%s' "$requested" | sha256sum | cut -c1-12)
  echo "$ROOT_CLUSTERS/${name//[^A-Za-z0-9._-]/_}-$hash"
}

start() {
  local requested data port=$2 mode=${3:-} bin
  requested=$(requested_dir "$1")
  data=$(cluster_dir "$requested")
  bin=$(pg_bin)
  mkdir -p "$(dirname "$requested")"
  if [ "$data" != "$requested" ]; then
    as_pg true # creates the postgres user if missing
    [ -d /var/lib/postgresql ] || install -d -m 0755 -o postgres -g postgres /var/lib/postgresql
    install -d -m 0700 -o postgres -g postgres "$ROOT_CLUSTERS" "$data"
    # An empty DATA_DIR (left by a failed start before this layout) gives way to the symlink.
    if [ -d "$requested" ] && [ ! -L "$requested" ]; then
      rmdir "$requested" 2>/dev/null || die "$requested is in the way of the symlink to $data: move it away"
    fi
    ln -sfn "$data" "$requested"
  else
    mkdir -p "$data"
    if is_root; then chown -R postgres "$data" 2>/dev/null || true; fi
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    local user
    user=$(as_pg id -un)
    as_pg test -w "$data" \
      || die "user $user cannot write PostgreSQL's data directory $data: give it to $user (chown $user $data) and let $user pass every directory above it (chmod o+x)"
    # Written by this shell, next to DATA_DIR as before, where the person starting it looks.
    local initdb_log
    initdb_log="$(dirname "$requested")/pg-initdb.log"
    as_pg "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale >"$initdb_log" 2>&1 \
      || { cat "$initdb_log" >&2; die "initdb failed"; }
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
  data=$(cluster_dir "$(requested_dir "$1")")
  [ -f "$data/PG_VERSION" ] || return 0
  bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null || true
}

remove() {
  local requested data
  requested=$(requested_dir "$1")
  data=$(cluster_dir "$requested")
  stop "$1"
  rm -rf "$data" "$requested"
}

case "${1:-}" in
  start) start "$2" "$3" "${4:-}" ;;
  stop) stop "$2" ;;
  remove) remove "$2" ;;
  *) echo "usage: $0 start DATA_DIR PORT [fast] | stop DATA_DIR | remove DATA_DIR" >&2; exit 2 ;;
esac
