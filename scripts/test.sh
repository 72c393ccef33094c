#!/usr/bin/env bash
# npm test: the whole suite. Installs its test-only tools on first run (moto, cfn-lint into .venv),
# type-checks, lints (biome, rules only for now), runs every vitest project (unit + scenario + CLI, adapter tests on moto, template),
# and ends with one plain line "N passed, N failed" (written to reports/summary.txt as well).
# Extra arguments go to vitest, e.g. `npm test -- --project unit`.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p reports

if ! bash scripts/setup-test-tools.sh; then
  echo "0 passed, 1 failed" | tee reports/summary.txt
  exit 1
fi

typecheck_failed=0
if ! node_modules/.bin/tsc --noEmit -p .; then
  echo "typecheck failed (tsc --noEmit): counted as one failed test" >&2
  typecheck_failed=1
fi

lint_failed=0
if ! node_modules/.bin/biome lint .; then
  echo "lint failed (npm run lint): counted as one failed test" >&2
  lint_failed=1
fi

rm -f reports/vitest.json
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json "$@"
status=$?

node scripts/test-summary.mjs reports/vitest.json "$((typecheck_failed + lint_failed))" | tee reports/summary.txt
[[ $status -eq 0 && $typecheck_failed -eq 0 && $lint_failed -eq 0 ]]
