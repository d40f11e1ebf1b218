# Orchestra's own deployment on a server: /srv/orchestra/<env>/<role>/{releases,shared} and a `current` link, one
# supervisor program per environment and role. Constant code: every value comes as a quoted argument (deploy-scripts.ts).

deploy_fail() {
  echo "deploy: $*" >&2
  exit 1
}

# deploy_setup ROOT USER PROGRAM ROLE ENV: the user, the layout and the supervisor program (rewritten only when it differs).
deploy_setup() {
  local root=$1 user=$2 program=$3 role=$4 env=$5
  command -v supervisorctl >/dev/null || deploy_fail "supervisor is not installed (Debian: apt-get install supervisor)"
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --home-dir /srv/orchestra --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  install -d -m 0755 /srv/orchestra "$(dirname "$root")" "$root"
  install -d -o "$user" -g "$user" -m 0750 "$root/releases" "$root/shared"
  local conf="/etc/supervisor/conf.d/$program.conf" wanted
  wanted=$(printf '[program:%s]\ncommand=%s/current/bin/start\ndirectory=%s/current\nuser=%s\nenvironment=ORCHESTRA_ROLE="%s",ORCHESTRA_ENV="%s",ORCHESTRA_SHARED="%s/shared"\nautostart=true\nautorestart=true\nstartsecs=1\nstopasgroup=true\nkillasgroup=true\nredirect_stderr=true\nstdout_logfile=%s/shared/%s.log\n' \
    "$program" "$root" "$root" "$user" "$role" "$env" "$root" "$root" "$role")
  if [ "$(cat "$conf" 2>/dev/null)" != "$wanted" ]; then
    install -d -m 0755 /etc/supervisor/conf.d
    printf '%s\n' "$wanted" >"$conf.tmp"
    mv -f "$conf.tmp" "$conf"
    supervisorctl reread >/dev/null
    supervisorctl update "$program" >/dev/null
    echo "supervisor program $program written"
  fi
  echo "set up $root"
}

# deploy_current ROOT: the release `current` points to (empty when none).
deploy_current() {
  local link
  link=$(readlink "$1/current" 2>/dev/null || true)
  printf '%s' "${link##*/}"
}

# deploy_switch ROOT RELEASE: points `current` at the release in one rename (never a moment without a link).
deploy_switch() {
  local root=$1 release=$2
  ln -sfn "releases/$release" "$root/current.new"
  mv -Tf "$root/current.new" "$root/current"
}

# deploy_healthy ROOT PROGRAM SECONDS: the program runs and the release's bin/health-check (as the program's user,
# with the program's ORCHESTRA_ROLE: the last part of ROOT) succeeds within SECONDS.
deploy_healthy() {
  local root=$1 program=$2 seconds=$3 user
  user=$(stat -c %U "$root/releases")
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if supervisorctl status "$program" 2>/dev/null | grep -q ' RUNNING ' &&
      (cd "$root/current" && runuser -u "$user" -- env ORCHESTRA_ROLE="${root##*/}" ORCHESTRA_SHARED="$root/shared" ./bin/health-check); then
      return 0
    fi
    sleep 1
  done
  return 1
}

# deploy_restart PROGRAM: restarts it (or starts it the first time).
deploy_restart() {
  supervisorctl restart "$1" >/dev/null || true
}

# deploy_activate ROOT PROGRAM RELEASE SECONDS: switch, restart, health-check.
deploy_activate() {
  local root=$1 program=$2 release=$3 seconds=$4
  deploy_switch "$root" "$release"
  deploy_restart "$program"
  deploy_healthy "$root" "$program" "$seconds"
}

# deploy_release ROOT PROGRAM ROLE RELEASE SECONDS KEEP < base64 of a .tar.gz: unpacks, installs dependencies, runs
# migrations (api role), activates; on a failed health check goes back to the release that ran before.
deploy_release() {
  local root=$1 program=$2 role=$3 release=$4 seconds=$5 keep=$6 user previous
  [ -d "$root/releases" ] || deploy_fail "$root is not set up: run setup first"
  [ ! -e "$root/releases/$release" ] || deploy_fail "release $release exists already"
  user=$(stat -c %U "$root/releases")
  local dir="$root/releases/$release"
  rm -rf "$dir.partial"
  install -d -o "$user" -g "$user" "$dir.partial"
  base64 -d | runuser -u "$user" -- tar -xz -C "$dir.partial"
  [ -x "$dir.partial/bin/start" ] || deploy_fail "the release has no executable bin/start"
  [ -x "$dir.partial/bin/health-check" ] || deploy_fail "the release has no executable bin/health-check"
  if [ -f "$dir.partial/package-lock.json" ] && [ ! -d "$dir.partial/node_modules" ]; then
    (cd "$dir.partial" && runuser -u "$user" -- npm ci --omit=dev --no-audit --no-fund)
  fi
  mv "$dir.partial" "$dir"
  if [ "$role" = api ] && [ -x "$dir/bin/migrate" ]; then
    (cd "$dir" && runuser -u "$user" -- env ORCHESTRA_ROLE="$role" ORCHESTRA_SHARED="$root/shared" ./bin/migrate) || deploy_fail "migrations of $release failed; still running $(deploy_current "$root")"
  fi
  previous=$(deploy_current "$root")
  if deploy_activate "$root" "$program" "$release" "$seconds"; then
    echo "deployed $release"
    deploy_prune "$root" "$keep"
    return 0
  fi
  touch "$dir/.failed"
  if [ -n "$previous" ]; then
    deploy_activate "$root" "$program" "$previous" "$seconds" || deploy_fail "$release failed its health check, and $previous too after rolling back"
    deploy_fail "$release failed its health check: rolled back to $previous"
  fi
  deploy_fail "$release failed its health check (no earlier release to go back to)"
}

# deploy_rollback ROOT PROGRAM SECONDS [RELEASE]: to the named release, or to the last good one before current.
deploy_rollback() {
  local root=$1 program=$2 seconds=$3 target=${4:-} current
  current=$(deploy_current "$root")
  if [ -z "$target" ]; then
    local r
    for r in $(deploy_list "$root"); do
      [ "$r" = "$current" ] && break
      [ -e "$root/releases/$r/.failed" ] || target=$r
    done
  fi
  [ -n "$target" ] || deploy_fail "no release before $current to roll back to"
  [ -d "$root/releases/$target" ] || deploy_fail "no release $target"
  deploy_activate "$root" "$program" "$target" "$seconds" || deploy_fail "$target failed its health check"
  echo "rolled back to $target"
}

# deploy_list ROOT: release names, oldest first (names sort by time).
deploy_list() {
  find "$1/releases" -mindepth 1 -maxdepth 1 -type d ! -name '*.partial' -printf '%f\n' | sort
}

# deploy_releases ROOT: one line per release: name, then "current" and/or "failed".
deploy_releases() {
  local root=$1 current r
  current=$(deploy_current "$root")
  for r in $(deploy_list "$root"); do
    printf '%s%s%s\n' "$r" "$([ "$r" = "$current" ] && echo ' current')" "$([ -e "$root/releases/$r/.failed" ] && echo ' failed')"
  done
}

# deploy_prune ROOT KEEP: removes the oldest releases beyond KEEP, never the current one.
deploy_prune() {
  local root=$1 keep=$2 current count r
  current=$(deploy_current "$root")
  count=$(deploy_list "$root" | wc -l)
  for r in $(deploy_list "$root"); do
    [ "$count" -gt "$keep" ] || break
    [ "$r" = "$current" ] && continue
    rm -rf "${root:?}/releases/$r"
    count=$((count - 1))
    echo "removed old release $r"
  done
}
