#!/usr/bin/env bash
# `make bench`: the load test. Starts the production-like stack on this machine (gunicorn with
# the production config and DJANGO_ENV=production, a Celery worker, throwaway PostgreSQL/Redis),
# seeds PRODUCTS (default 100000) products, then runs backend/bench/load/loadtest.py against
# 127.0.0.1 only. Bounded: each phase lasts DURATION seconds (default 20). PHASES picks a subset
# (ceiling,reads,cold,cart,mix,saturation,history); PROFILE=1 writes a py-spy flame graph per phase (and
# <phase>-worker, the Celery worker's) to backend/bench/profiles/ (py-spy comes from requirements/bench.txt, never production).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../scripts/lib.sh"

if [ -z "${AGORA_BENCH_INNER:-}" ]; then
  ensure_venv
  if [ ! -x "$REPO_DIR/.venv-bench/bin/locust" ] || [ ! -x "$REPO_DIR/.venv-bench/bin/py-spy" ]; then
    log "installing locust into .venv-bench"
    python3 -m venv "$REPO_DIR/.venv-bench"
    "$REPO_DIR/.venv-bench/bin/pip" install -q --disable-pip-version-check -r "$REPO_DIR/backend/requirements/bench.txt"
  fi
  AGORA_BENCH_INNER=1 exec "$REPO_DIR/scripts/with-test-services.sh" bash "$0" "$@"
fi

work=$(mktemp -d /tmp/agora-load.XXXXXX)
port=$(free_port)
cold_port=$(free_port)
while [ "$cold_port" = "$port" ]; do cold_port=$(free_port); done
bare_port=$(free_port)
while [ "$bare_port" = "$port" ] || [ "$bare_port" = "$cold_port" ]; do bare_port=$(free_port); done
stop_on_exit "$work"

export DJANGO_ENV=production DJANGO_SECRET_KEY="load-test-$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 SITE_URL="http://127.0.0.1:$port"
# Emails go to files, as `make run`'s do: the console backend (the default without EMAIL_URL) wrote
# every line of every message through the Celery worker's redirected stdout and its logger, which
# no deployment does; that was 8 % of the worker's CPU in the mix (bench/README.md).
export EMAIL_URL=filemail:// EMAIL_FILE_PATH="$work/mail"
mkdir -p "$EMAIL_FILE_PATH"
export MEDIA_ROOT="$work/media" GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"
# A throwaway stack on loopback: its demo logins are exactly what the load test signs in with, and
# checkout with the test gateway from one address is allowed only for such a stack.
export LOG_LEVEL=WARNING LOAD_TEST_CEILING_VIEW=true DEMO_DATA_ALLOWED=true
export PAYMENT_ALLOW_DUMMY_IN_PRODUCTION=true THROTTLE_CHECKOUT_IP=100000/min THROTTLE_CHECKOUT_USER=100000/min \
  THROTTLE_CHECKOUT_CART=100000/min
cd "$REPO_DIR/backend"
log "migrating and seeding ${PRODUCTS:-100000} products"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py seed_demo --products "${PRODUCTS:-100000}"
# The rebuild also deletes the outbox rows seeding queued (it covered them), so the worker does
# not re-index 100k products (invalidating the search cache every batch) during the measured phases.
"$PY" manage.py search_rebuild
"$PY" bench/load/prepare.py "$work/users.json"

"$VENV/bin/gunicorn" -c config/gunicorn.conf.py config.wsgi:application >"$work/web.log" 2>&1 &
web_pid=$!
BG_PIDS+=($web_pid)
# The same stack with the catalog cache off, for the cold-read phases: every list and detail answer
# is built from PostgreSQL (what each request costs after a write bumps the catalog version). Idle
# outside those phases.
CATALOG_CACHE_TIMEOUT=0 GUNICORN_BIND="127.0.0.1:$cold_port" \
  "$VENV/bin/gunicorn" -c config/gunicorn.conf.py config.wsgi:application >"$work/web-cold.log" 2>&1 &
cold_pid=$!
BG_PIDS+=($cold_pid)
# The ceiling's view with no middleware and no access log under the same gunicorn configuration
# (bench/load/bare_wsgi.py): what the stack around a request costs. Idle outside the ceiling phase.
GUNICORN_BIND="127.0.0.1:$bare_port" "$VENV/bin/gunicorn" -c bench/load/bare_gunicorn.py >"$work/web-bare.log" 2>&1 &
BG_PIDS+=($!)
"$VENV/bin/celery" -A config worker -Q default,orders,search,media,imports -l WARNING -c 2 >"$work/worker.log" 2>&1 &
worker_pid=$!
BG_PIDS+=($worker_pid)
for p in "$port" "$cold_port" "$bare_port"; do
  up=""
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$p/health/ready/" >/dev/null 2>&1 && up=1 && break; sleep 0.3; done
  if [ -z "$up" ]; then
    # A run against a server that is not up measures only refused connections: stop here.
    echo "the server on port $p did not become ready in 30 s; its log:" >&2
    tail -n 30 "$work"/web*.log >&2
    exit 1
  fi
done

cat <<INFO

Machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), Python $("$PY" -c 'import platform; print(platform.python_version())')
Stack:   gunicorn ${WEB_CONCURRENCY} workers x ${GUNICORN_THREADS:-4} threads (${GUNICORN_WORKER_CLASS:-gthread accepting only with a free thread}, config/gunicorn.conf.py), DJANGO_ENV=production,
         PostgreSQL $(psql --version | awk '{print $3}'), Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2), one Celery worker; locust on the same machine.
         A second gunicorn like it with CATALOG_CACHE_TIMEOUT=0 serves the cold-read phases, a third
         the ceiling's view with no middleware and no access log (bench/load/bare_wsgi.py).
Load:    $(uptime)
INFO
profile_args=()
if [ -n "${PROFILE:-}" ]; then
  profile_args=(--profile-dir "$REPO_DIR/backend/bench/profiles" --server-pids "main=$web_pid,cold=$cold_pid,worker=$worker_pid"
    --py-spy "$REPO_DIR/.venv-bench/bin/py-spy")
fi
cd "$here"
AGORA_LOAD_USERS="$work/users.json" "$REPO_DIR/.venv-bench/bin/python" loadtest.py --host "http://127.0.0.1:$port" \
  --cold-host "http://127.0.0.1:$cold_port" --bare-host "http://127.0.0.1:$bare_port" --duration "${DURATION:-20}" ${PHASES:+--phases "$PHASES"} \
  "${profile_args[@]}" --json "${RESULTS:-$REPO_DIR/backend/bench/load/last-run.json}"
echo "after the run: $(uptime)"
