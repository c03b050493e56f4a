# Shared helpers for the infrastructure scripts. Sourced, never run.
# Everything downloaded or generated lives under .local/ (git-ignored).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${GATEWAY_LOCAL_DIR:-$ROOT/.local}"
mkdir -p "$LOCAL_DIR"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# wait_port HOST PORT SECONDS: poll until a TCP port accepts connections.
wait_port() {
  local host=$1 port=$2 deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get is not available: install $* with your package manager"
  log "installing $* from Debian's packages"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$LOCAL_DIR/apt.log" 2>&1; then
    tail -n 5 "$LOCAL_DIR/apt.log" >&2
    die "apt-get install $* failed (full log: $LOCAL_DIR/apt.log). Install it by hand: apt-get install $*"
  fi
}
