#!/usr/bin/env bash
# The SPA's API types, generated from the OpenAPI schema the backend serves at /api/schema/
# (drf-spectacular, the same generator as `manage.py spectacular`) by the pinned openapi-typescript.
#
#   scripts/api-types.sh          rewrite frontend/src/lib/api-schema.d.ts
#   scripts/api-types.sh --check  fail when the committed file does not match the schema
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR"
ensure_venv

out=frontend/src/lib/api-schema.d.ts
work=$(mktemp -d /tmp/agora-api-types.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd backend && "$PY" manage.py spectacular --format openapi-json --file "$work/schema.json")
(cd frontend && npx --no-install openapi-typescript "$work/schema.json" --output "$work/schema.d.ts" >/dev/null)

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$out" "$work/schema.d.ts" >"$work/diff"; then
    head -40 "$work/diff" >&2
    echo "$out does not match the OpenAPI schema: run \`make api-types\` and commit it" >&2
    exit 1
  fi
  log "frontend: $out matches the OpenAPI schema"
else
  cp "$work/schema.d.ts" "$out"
  log "wrote $out"
fi
