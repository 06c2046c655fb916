#!/usr/bin/env bash
# Runs a command with throwaway PostgreSQL and Redis on free ports, unless DATABASE_URL and
# REDIS_URL are already set (CI service containers, a developer's own servers).
# Usage: scripts/with-test-services.sh <command> [args...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  exec "$@"
fi

tmp=$(mktemp -d /tmp/agora-test.XXXXXX)
chmod 755 "$tmp"
pg_port=$(free_port)
redis_port=$(free_port)
cleanup() {
  pg_stop "$tmp/pg"
  redis_stop "$redis_port"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting throwaway PostgreSQL on :$pg_port and Redis on :$redis_port"
# Durability is irrelevant for a throwaway test database; speed is not.
pg_start "$tmp/pg" "$pg_port" fsync=off synchronous_commit=off full_page_writes=off
redis_start "$tmp/redis" "$redis_port"

export DATABASE_URL="postgres://agora@127.0.0.1:$pg_port/agora"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/1"
# For fault-injection tests that stop and restart these servers.
export AGORA_TEST_PG_DIR="$tmp/pg" AGORA_TEST_PG_OPTS="${PG_START_OPTS:-}" AGORA_TEST_REDIS_PORT="$redis_port"
export AGORA_TEST_REDIS_DIR="$tmp/redis"
"$@"
