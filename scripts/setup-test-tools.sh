#!/usr/bin/env bash
# Installs the Python test tools into a project-local .venv: moto (AWS emulator for the
# adapter tests) and cfn-lint (template checks). Idempotent: a stamp file inside .venv records
# the pins, so a second run only compares one file and returns.
# Usage: bash scripts/setup-test-tools.sh   (or npm run setup:test-tools)
set -euo pipefail

MOTO_PIN='moto[server]==5.2.5'
CFN_LINT_PIN='cfn-lint==1.58.0'

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.capacity-guard-tools"
want="$MOTO_PIN $CFN_LINT_PIN"

fail() {
  echo "setup-test-tools: FAILED: $*" >&2
  exit 1
}

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "setup-test-tools: up to date ($want) in .venv"
  exit 0
fi

start=$SECONDS
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python >= 3.9 (python3-venv)"

log="$(mktemp -t capacity-guard-setup.XXXXXX)"
trap 'rm -f "$log"' EXIT

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv" >"$log" 2>&1 \
    || { cat "$log" >&2; fail "could not create $venv (on Debian/Ubuntu: apt-get install python3-venv)"; }
fi

rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  "$MOTO_PIN" "$CFN_LINT_PIN" >"$log" 2>&1 \
  || { tail -n 30 "$log" >&2; fail "pip install $want into .venv (full log above)"; }

# Check the pins really are what got installed before writing the stamp.
"$venv/bin/python" - >"$log" 2>&1 <<'PY' || { cat "$log" >&2; fail "installed versions do not match the pins"; }
from importlib.metadata import version
import moto.server  # noqa: F401  (the server extra imports flask; fails here if it is missing)
assert version("moto") == "5.2.5", version("moto")
assert version("cfn-lint") == "1.58.0", version("cfn-lint")
PY

printf '%s' "$want" >"$stamp"
echo "setup-test-tools: installed $want into .venv in $((SECONDS - start))s"
