"""Runs mypy on the backend and holds it to the typing contract (backend/pyproject.toml):

* strict modules (every app's services, selectors and tasks, and orders' pricing and fulfilment) have no error;
* every other file has exactly as many errors as backend/mypy-baseline.json allows: more fails
  (the baseline never grows), fewer fails too until the baseline is lowered with
  `--update` (so it only ever shrinks, and stays true).

Usage (from the repository root): .venv/bin/python scripts/mypy-check.py [--update]
"""

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"
BASELINE = BACKEND / "mypy-baseline.json"
ERROR = re.compile(r"^(?P<path>[^:]+\.py):\d+: error: ")
STRICT = re.compile(r"^agora/[a-z_]+/(services(/[a-z_]+)?|selectors|tasks)\.py$|^agora/orders/(pricing|fulfilment)\.py$")


def run_mypy() -> tuple[Counter[str], list[str]]:
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
        cwd=BACKEND,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):
        sys.exit(f"mypy could not run:\n{result.stdout}{result.stderr}")
    lines = [line for line in result.stdout.splitlines() if ERROR.match(line)]
    return Counter(ERROR.match(line)["path"] for line in lines), lines  # type: ignore[index]


def main() -> int:
    counts, lines = run_mypy()
    strict = sorted(path for path in counts if STRICT.match(path))
    if strict:
        print("mypy: strict modules must have no errors:")
        print("\n".join(line for line in lines if STRICT.match(line.split(":", 1)[0])))
        return 1
    gradual = dict(sorted(counts.items()))
    if "--update" in sys.argv:
        BASELINE.write_text(json.dumps(gradual, indent=2) + "\n")
        print(f"mypy: baseline written: {sum(gradual.values())} errors in {len(gradual)} files")
        return 0
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    grew = {p: (baseline.get(p, 0), n) for p, n in gradual.items() if n > baseline.get(p, 0)}
    shrank = {p: (n, gradual.get(p, 0)) for p, n in baseline.items() if gradual.get(p, 0) < n}
    if grew:
        print("mypy: new type errors (the baseline never grows); fix them:")
        print("\n".join(line for line in lines if line.split(":", 1)[0] in grew))
        return 1
    if shrank:
        print("mypy: fewer errors than the baseline allows, well done; lower it so they cannot come back:")
        for path, (was, now) in sorted(shrank.items()):
            print(f"  {path}: {was} -> {now}")
        print("run: .venv/bin/python scripts/mypy-check.py --update")
        return 1
    print(f"mypy: strict modules clean; {sum(gradual.values())} baseline errors in {len(gradual)} files (never more)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
