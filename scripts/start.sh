#!/usr/bin/env bash
# `npm start`: set-up (a fast no-op once done), then Orchestra on this machine alone (src/bin/dev.ts).
# With DATABASE_URL or TEMPORAL_ADDRESS set, those servers are used instead of the embedded ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# exec: node replaces this shell, so Ctrl-C and `kill` reach the process that stops the children.
# Always the project's Node 22 (node_modules/.bin/node), never the machine's.
exec node_modules/.bin/node --import ./scripts/register.js src/bin/dev.ts "$@"
