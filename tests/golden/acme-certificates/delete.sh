#!/bin/bash
set -euo pipefail
# Orchestra backend acme-certificates (Website), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# deletes only: no ACME account needed

# ── operation op-1402: delete Website 3 (alice/main) ───────────────────────
rm -rf -- '/etc/orchestra/tls/site-3' || fail 'cannot remove /etc/orchestra/tls/site-3'

# ── commit ─────────────────────────────────────────────────────────────────
# nothing to reload
exit "$exit_code"
