#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, static checks, then every Jest test against real PostgreSQL,
# a real Temporal dev server and real OpenSSH servers. Ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-test.sh
export PATH="$PWD/node_modules/.bin:$PATH" # the project's Node 22, never the machine's older one

step() { printf '\n[test] %s\n' "$*"; }

step "typecheck"
npm run --silent typecheck

step "lint"
npm run --silent lint

step "generated files are current (schema.graphql, tests/generated, docs/account-setup.schema.json)"
npm run --silent schema:emit >/dev/null
npm run --silent codegen >/dev/null
if ! git diff --quiet -- schema.graphql tests/generated docs/account-setup.schema.json 2>/dev/null; then
  git --no-pager diff --stat -- schema.graphql tests/generated docs/account-setup.schema.json
  echo "[test] schema.graphql or tests/generated is stale: run 'npm run schema:emit && npm run codegen' and commit" >&2
  exit 1
fi

step "jest"
results=$(mktemp)
set +e
NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' \
  jest --ci --json --outputFile="$results" "$@"
jest_status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results"
rm -f "$results"
exit "$jest_status"
