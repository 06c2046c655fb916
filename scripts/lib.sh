# Shared shell helpers for the project's scripts: system packages, the venv, PostgreSQL and Redis.
# Sourced, not executed.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_DIR/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

_apt_updated=""
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get is not available: install $* yourself"; return 1
  fi
  if [ -z "$_apt_updated" ]; then
    as_root apt-get update -qq >/dev/null; _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    log "installing PostgreSQL server"
    apt_install postgresql >/dev/null
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$d"
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server"
    apt_install redis-server
  fi
}

# Python venv with the pinned dev requirements; reinstalls only when a requirements file changed.
ensure_venv() {
  local stamp="$VENV/.requirements.sha"
  local want
  want=$(cat "$REPO_DIR"/backend/requirements/*.txt | sha256sum | cut -d' ' -f1)
  if [ ! -x "$PY" ]; then
    log "creating virtualenv in .venv"
    python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python packages (backend/requirements/dev.txt)"
    # (grep drops pip's notes about this machine's unused local package mirrors)
    "$PY" -m pip install -q --disable-pip-version-check -r "$REPO_DIR/backend/requirements/dev.txt" 2>&1 \
      | { grep -v "^WARNING: Location 'file://" || true; }
    echo "$want" >"$stamp"
  fi
}

# Runs a command as the postgres user when we are root (initdb refuses to run as root).
_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DATADIR PORT [extra postgres -c options...]
pg_start() {
  local dir="$1" port="$2"; shift 2
  local bin; bin=$(pg_bindir)
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    _as_pg "$bin/initdb" -D "$dir" -U agora --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if _as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    return 0
  fi
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
  for o in "$@"; do opts="$opts -c $o"; done
  PG_START_OPTS="$opts"
  _as_pg "$bin/pg_ctl" -D "$dir" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null
  "$bin/psql" -h 127.0.0.1 -p "$port" -U agora -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='agora'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$port" -U agora agora
}

pg_stop() {
  local dir="$1" bin; bin=$(pg_bindir)
  _as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# redis_start DIR PORT
redis_start() {
  local dir="$1" port="$2"
  ensure_redis
  mkdir -p "$dir"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then return 0; fi
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "redis did not start (see $dir/redis.log)"; return 1
}

redis_stop() {
  local port="$1"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Background servers of a script: append their pids to BG_PIDS; on exit they are stopped (TERM,
# then waited for) and the given work directory is removed.
BG_PIDS=()
BG_WORK=""
_stop_background() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$BG_WORK" ]; then rm -rf "$BG_WORK"; fi
}
stop_on_exit() {
  BG_WORK="${1:-}"
  trap _stop_background EXIT
}
