#!/usr/bin/env bash
# `make test`: installs what it needs, starts throwaway PostgreSQL and Redis, runs lint and
# every test suite, and exits non-zero on any failure. The backend suite runs last so its
# summary line closes the output.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

ensure_venv
ensure_redis
pg_bindir >/dev/null

log "lint: ruff"
"$VENV/bin/ruff" check backend
"$VENV/bin/ruff" format --check backend

log "lint: app layering (import-linter contracts in backend/pyproject.toml)"
(cd backend && PYTHONPATH=. "$VENV/bin/lint-imports" --no-cache --no-logo)

log "types: mypy"
"$PY" scripts/mypy-check.py

if [ -x scripts/lint-infra.sh ] || [ -f scripts/lint-infra.sh ]; then
  log "lint: infrastructure"
  bash scripts/lint-infra.sh
fi

log "security: bandit, pip-audit and npm audit"
bash scripts/security.sh

if [ -f frontend/package.json ]; then
  bash scripts/frontend.sh test
fi

cd backend
log "backend: migrations are in step with the models"
"$REPO_DIR/scripts/with-test-services.sh" "$PY" manage.py makemigrations --check --dry-run >/dev/null

if [ -f "$REPO_DIR/frontend/package.json" ] && [ -f "$REPO_DIR/scripts/e2e.sh" ] && [ -z "${SKIP_E2E:-}" ]; then
  log "end-to-end: Playwright journeys against the real stack"
  "$REPO_DIR/scripts/with-test-services.sh" bash "$REPO_DIR/scripts/e2e.sh"
fi

log "backend: pytest on real PostgreSQL, Redis and a Celery worker"
exec "$REPO_DIR/scripts/with-test-services.sh" "$VENV/bin/pytest" -q -p no:warnings \
  --cov --cov-report=term --cov-report=xml:coverage.xml --cov-fail-under=85 "$@"
