# The commands a person types. The README names two of them: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DATABASE_URL=postgres://agora@127.0.0.1:55432/agora REDIS_URL=redis://127.0.0.1:56379/0 CELERY_BROKER_URL=redis://127.0.0.1:56379/1

.PHONY: help run test lint fmt docs api-types lighthouse lint-infra migrate shell seed bench docker-build compose-up

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: ## the shop with demo data on http://127.0.0.1:8000 (web, worker, beat, PostgreSQL, Redis)
	@bash scripts/run.sh

test: ## lint and every test suite on throwaway PostgreSQL/Redis (what CI runs)
	@bash scripts/test.sh

lint: ## ruff (lint + format check) and, once installed, the frontend linters
	@source scripts/lib.sh && ensure_venv
	$(VENV)/bin/ruff check backend
	$(VENV)/bin/ruff format --check backend
	@if [ -d frontend/node_modules ]; then npm --prefix frontend run lint && npm --prefix frontend run format:check && npm --prefix frontend run typecheck; fi

fmt: ## format and auto-fix Python (ruff) and frontend (prettier)
	@source scripts/lib.sh && ensure_venv
	$(VENV)/bin/ruff check --fix backend
	$(VENV)/bin/ruff format backend
	@if [ -d frontend/node_modules ]; then npm --prefix frontend exec -- prettier --write .; fi

docs: ## regenerate docs/api.md from the OpenAPI schema and check every documentation link
	@source scripts/lib.sh && ensure_venv
	cd backend && ../$(PY) manage.py api_docs
	cd backend && ../$(PY) -m agora.core.doclinks

api-types: ## regenerate the SPA's API types (frontend/src/lib/api-schema.d.ts) from the OpenAPI schema
	@bash scripts/api-types.sh

lighthouse: ## Lighthouse performance, accessibility and SEO of the home and a product page on a throwaway stack
	@source scripts/lib.sh && ensure_venv && ensure_redis
	cd backend && ../scripts/with-test-services.sh bash ../scripts/e2e.sh --lighthouse

lint-infra: ## hadolint, compose config, actionlint, terraform fmt, checkov, HCL invariant tests
	@bash scripts/lint-infra.sh

migrate: ## apply migrations to the `make run` database (PostgreSQL must be running: make run)
	cd backend && $(DEV_ENV) ../$(PY) manage.py migrate

shell: ## Django shell on the `make run` database
	cd backend && $(DEV_ENV) ../$(PY) manage.py shell

seed: ## load demo data into the `make run` database (PRODUCTS=N to choose how many)
	cd backend && $(DEV_ENV) ../$(PY) manage.py seed_demo --products $${PRODUCTS:-300}

bench: ## load test: production-like stack, 100k products, ceiling ratio table (PRODUCTS=, DURATION=)
	@bash backend/bench/load/run.sh

docker-build: ## build the production image (needs a Docker engine)
	docker build -t agora:local .

compose-up: ## the production-like stack from the built image (needs a Docker engine)
	docker compose -f docker-compose.yml up --build
