#!/usr/bin/env bash
# `make test` and CI: installs what it needs, starts throwaway PostgreSQL and Redis, runs lint and
# every test suite, and exits non-zero on any failure. The one definition of "the tests": CI's
# jobs (.github/workflows/ci.yml) call this script with stage names, `make test` calls it without.
#
#   scripts/test.sh                  every stage, in the order below (the backend last, so its
#                                    summary line closes the output)
#   scripts/test.sh lint infra ...   only those stages
#
# Stages: lint, infra, security, frontend, migrations, e2e (SKIP_E2E=1 skips it), backend
# (pytest with coverage >= 85 %; extra pytest options through PYTEST_ADDOPTS).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"

STAGES=(lint infra security frontend migrations e2e backend)

stage_lint() {
  ensure_venv
  log "lint: ruff"
  "$VENV/bin/ruff" check backend
  "$VENV/bin/ruff" format --check backend
  log "lint: app layering (import-linter contracts in backend/pyproject.toml)"
  (cd backend && PYTHONPATH=. "$VENV/bin/lint-imports" --no-cache --no-logo)
  log "types: mypy (strict on services, selectors, tasks and pricing; a baseline elsewhere that only shrinks)"
  "$PY" scripts/mypy-check.py
  log "docs: docs/api.md matches the OpenAPI schema; every documentation link resolves"
  (cd backend && "$PY" manage.py api_docs --check && "$PY" -m agora.core.doclinks)
}

stage_infra() {
  log "lint: infrastructure"
  bash scripts/lint-infra.sh
}

stage_security() {
  ensure_venv
  log "security: bandit, pip-audit and npm audit"
  bash scripts/security.sh
}

stage_frontend() {
  bash scripts/frontend.sh test
  log "frontend: the generated API types match the OpenAPI schema"
  bash scripts/api-types.sh --check
}

stage_migrations() {
  ensure_venv
  ensure_redis
  pg_bindir >/dev/null
  log "backend: migrations are in step with the models"
  (cd backend && "$REPO_DIR/scripts/with-test-services.sh" "$PY" manage.py makemigrations --check --dry-run >/dev/null)
}

stage_e2e() {
  if [ -n "${SKIP_E2E:-}" ]; then
    log "end-to-end: skipped (SKIP_E2E is set)"
    return 0
  fi
  ensure_venv
  ensure_redis
  pg_bindir >/dev/null
  log "end-to-end: Playwright journeys against the real stack"
  (cd backend && "$REPO_DIR/scripts/with-test-services.sh" bash "$REPO_DIR/scripts/e2e.sh")
}

stage_backend() {
  ensure_venv
  ensure_redis
  pg_bindir >/dev/null
  log "backend: pytest on real PostgreSQL, Redis and a Celery worker"
  (cd backend && "$REPO_DIR/scripts/with-test-services.sh" "$VENV/bin/pytest" -q -p no:warnings \
    --cov --cov-report=term --cov-report=xml:coverage.xml --cov-fail-under=85)
}

if [ "$#" -eq 0 ]; then
  set -- "${STAGES[@]}"
fi
for stage in "$@"; do
  if ! declare -F "stage_$stage" >/dev/null; then
    echo "unknown stage: $stage (stages: ${STAGES[*]})" >&2
    exit 2
  fi
done
for stage in "$@"; do
  "stage_$stage"
done
