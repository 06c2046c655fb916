#!/usr/bin/env bash
# End-to-end journeys (Playwright, Debian's chromium) against the real stack: the built SPA
# served by gunicorn with the production settings module, a Celery worker, demo data, and the
# PostgreSQL/Redis given in DATABASE_URL/REDIS_URL (scripts/with-test-services.sh sets them).
# Arguments go to Playwright: `scripts/e2e.sh e2e/discovery.spec.ts` runs one journey.
# `scripts/e2e.sh --lighthouse` measures the same stack with Lighthouse instead (make lighthouse).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

: "${DATABASE_URL:?run me through scripts/with-test-services.sh}"
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for Playwright"
  apt_install chromium fonts-liberation
fi
bash scripts/frontend.sh build

work=$(mktemp -d /tmp/agora-e2e.XXXXXX)
port=$(free_port)
stop_on_exit "$work"

export DJANGO_SETTINGS_MODULE=config.settings MEDIA_ROOT="$work/media" GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2
export PRIVATE_MEDIA_ROOT="$work/private" SITE_URL="http://127.0.0.1:$port"
# Emails (verification, password reset, data export) as files the journeys read their links from.
export EMAIL_URL="filemail://" EMAIL_FILE_PATH="$work/mail" E2E_MAIL_DIR="$work/mail"
mkdir -p "$work/mail"
cd backend
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
STAFF_PASSWORD='AgoraAdmin123!' "$PY" manage.py create_staff_user --email admin@example.com >/dev/null
if "$PY" manage.py help seed_demo >/dev/null 2>&1; then
  "$PY" manage.py seed_demo --products 60 >/dev/null
fi
"$VENV/bin/gunicorn" -c config/gunicorn.conf.py config.wsgi:application >"$work/web.log" 2>&1 &
BG_PIDS+=($!)
"$VENV/bin/celery" -A config worker -Q default,orders,search,media,imports -l WARNING -P threads -c 4 >"$work/worker.log" 2>&1 &
BG_PIDS+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/health/ready/" >/dev/null 2>&1 && break
  sleep 0.3
done
curl -fsS "http://127.0.0.1:$port/health/ready/" >/dev/null || { tail -50 "$work/web.log"; exit 1; }

cd "$REPO_DIR/frontend"
status=0
if [ "${1:-}" = "--lighthouse" ]; then
  E2E_BASE_URL="http://127.0.0.1:$port" npm run lighthouse --silent || status=$?
else
  E2E_BASE_URL="http://127.0.0.1:$port" npm run e2e --silent -- "$@" || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "--- web log (tail) ---"; tail -40 "$work/web.log"
  echo "--- worker log (tail) ---"; tail -40 "$work/worker.log"
fi
exit "$status"
