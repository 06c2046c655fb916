#!/usr/bin/env bash
# `make run`: the shop with demo data on http://127.0.0.1:${PORT:-8000}.
# Installs what it needs, starts project-local PostgreSQL and Redis (data in .data/, kept between
# runs, on non-default ports), migrates, loads demo data, then runs web (gunicorn), a Celery
# worker and Celery beat in the foreground. Ctrl-C or SIGTERM stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

PORT="${PORT:-8000}"
PG_PORT="${AGORA_PG_PORT:-55432}"
REDIS_PORT="${AGORA_REDIS_PORT:-56379}"
DATA="$REPO_DIR/.data"

ensure_venv
if [ -f frontend/package.json ]; then
  bash scripts/frontend.sh build
fi

mkdir -p "$DATA"
chmod 755 "$DATA"
log "starting PostgreSQL on :$PG_PORT and Redis on :$REDIS_PORT (data in .data/)"
pg_start "$DATA/pg" "$PG_PORT"
redis_start "$DATA/redis" "$REDIS_PORT"

honcho_pid=""
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$honcho_pid" ] && kill -0 "$honcho_pid" 2>/dev/null; then
    kill -TERM "$honcho_pid" 2>/dev/null || true
    wait "$honcho_pid" 2>/dev/null || true
  fi
  log "stopping PostgreSQL and Redis"
  redis_stop "$REDIS_PORT"
  pg_stop "$DATA/pg"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

export DATABASE_URL="postgres://agora@127.0.0.1:$PG_PORT/agora"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1"
export PORT GUNICORN_BIND="127.0.0.1:$PORT"
export DJANGO_SETTINGS_MODULE=config.settings
# Links in emails point at this server; every email the worker sends is a file in .data/mail/.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
export EMAIL_URL="${EMAIL_URL:-filemail://}" EMAIL_FILE_PATH="${EMAIL_FILE_PATH:-$DATA/mail}"
mkdir -p "$EMAIL_FILE_PATH"
export DEMO_STAFF_EMAIL="${DEMO_STAFF_EMAIL:-admin@example.com}"
export DEMO_STAFF_PASSWORD="${DEMO_STAFF_PASSWORD:-AgoraAdmin123!}"

cd backend
log "migrating"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
log "loading demo data"
STAFF_PASSWORD="$DEMO_STAFF_PASSWORD" "$PY" manage.py create_staff_user --email "$DEMO_STAFF_EMAIL"
if "$PY" manage.py help seed_demo >/dev/null 2>&1; then
  "$PY" manage.py seed_demo --products "${DEMO_PRODUCTS:-300}"
fi

cat <<MSG

  Agora is running:
    storefront   http://127.0.0.1:$PORT/
    admin        http://127.0.0.1:$PORT/admin/   ($DEMO_STAFF_EMAIL / $DEMO_STAFF_PASSWORD)
    API docs     http://127.0.0.1:$PORT/api/docs/
    health       http://127.0.0.1:$PORT/health/ready/
    emails       $EMAIL_FILE_PATH/ (one file per email: verification, password reset, data export)
  Ctrl-C stops web, worker, beat, PostgreSQL and Redis.

MSG
# The Procfile names gunicorn and celery: they come from the project's venv.
export PATH="$VENV/bin:$PATH"
"$VENV/bin/honcho" -d "$REPO_DIR/backend" -f "$REPO_DIR/Procfile" start &
honcho_pid=$!
wait "$honcho_pid"
