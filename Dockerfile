# syntax=docker/dockerfile:1.7
# One image for every process: web (default CMD), worker, beat and management
# commands, selected by the command (see scripts/docker-entrypoint.sh).
#
# Base images are pinned by digest (multi-platform index), so a rebuild of the
# same commit gets the same bases and a re-pushed tag upstream cannot change
# what we ship; Dependabot (.github/dependabot.yml) proposes new digests.

# --- 1. SPA: Vite builds static files; node never reaches the runtime image.
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS frontend
WORKDIR /app/frontend
# Lockfile first so the dependency layer is cached until it changes.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. Python wheels: built once here, installed into a venv copied below.
FROM python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
COPY backend/requirements/base.txt requirements.txt
# Every pinned dependency ships manylinux wheels (psycopg binary bundles libpq,
# Pillow bundles libjpeg/zlib/...), so no compiler or -dev packages are needed.
RUN pip wheel --wheel-dir /wheels -r requirements.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-index --find-links /wheels -r requirements.txt

# --- Dev: dependencies only (base + test/lint tools); docker-compose.dev.yml
# bind-mounts the code. Built only when asked for (`target: dev`).
FROM python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b AS dev
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings
COPY backend/requirements/ /tmp/requirements/
COPY --from=builder /wheels /wheels
RUN pip install --find-links /wheels -r /tmp/requirements/dev.txt
WORKDIR /app/backend
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

# --- 3. Runtime (the default target: keep it last): slim Python, the venv, the code and the built assets.
FROM python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b AS runtime
LABEL org.opencontainers.image.title="agora" \
      org.opencontainers.image.description="Agora marketplace: Django web, Celery worker/beat, management commands"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PORT=8000
# A fixed uid keeps volume permissions predictable; no login shell. The only
# writable path is local media (MEDIA_ROOT default), used when no S3 bucket is
# configured (docker-compose.yml mounts a volume there); code stays root-owned.
RUN groupadd --system --gid 10001 agora \
 && useradd --system --uid 10001 --gid agora --home-dir /app --no-create-home --shell /usr/sbin/nologin agora \
 && mkdir -p /app/.data/media \
 && chown agora:agora /app/.data/media
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app/backend
COPY backend/ /app/backend/
COPY --from=frontend /app/frontend/dist /app/frontend/dist
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint
# collectstatic imports the settings, which (with DEBUG off) refuse a missing
# or default secret. The key is random, lives only in this RUN's environment,
# and is never written to a layer or an ENV, so nothing at runtime can use it.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_DEBUG=false \
    python manage.py collectstatic --noinput \
 && python -m whitenoise.compress -q /app/frontend/dist \
 && python -m compileall -q /app/backend
# The commit the image is built from (CI passes it): Sentry's release, the traces'
# service.version. Declared after the last RUN so a new commit keeps the layer cache.
ARG APP_VERSION=unknown
ENV APP_VERSION=${APP_VERSION}
# Numeric, so the platform can tell it is non-root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# Liveness only (/health/ does no I/O); readiness (/health/ready/) is the ALB's
# and the smoke test's job. Worker/beat containers override or disable this.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/' % os.environ.get('PORT', '8000'), timeout=4)"]
ENTRYPOINT ["docker-entrypoint"]
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
