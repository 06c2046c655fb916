#!/usr/bin/env bash
# Frontend tasks for make: `build` (the SPA Django serves) or `test` (lint, types, unit tests).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_DIR/frontend"

stamp=node_modules/.package-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "frontend: npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

case "${1:-}" in
  build)
    log "frontend: building the SPA"
    npm run build --silent
    # Gzip copies of the assets next to them: whitenoise serves those to browsers that accept
    # gzip (Lighthouse counted 176 KiB of uncompressed JavaScript and CSS without them).
    ensure_venv
    "$VENV/bin/python" -m whitenoise.compress -q dist
    # The initial JS budget (90 kB gzip on the home and listing routes) fails the build.
    node scripts/bench-size.mjs
    ;;
  test)
    log "frontend: lint, format, types"
    npm run lint --silent
    npm run format:check --silent
    npm run typecheck --silent
    log "frontend: unit tests (Vitest)"
    npm test --silent
    ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
