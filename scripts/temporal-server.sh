#!/usr/bin/env bash
# The production topology's Temporal server, built from its Go module (go.temporal.io/server) and run on PostgreSQL,
# for the bench (bench/README.md, "Temporal server on PostgreSQL"). Never run by `npm start` or `npm test`.
#
#   scripts/temporal-server.sh build            # temporal-server + temporal-sql-tool into $TEMPORAL_SERVER_CACHE/bin
#   scripts/temporal-server.sh schema <pg-url>  # creates the databases and their schemas (postgres://user:pw@host:port)
#   scripts/temporal-server.sh start <pg-url>   # runs it in the foreground (frontend on $TEMPORAL_SERVER_PORT, 7233)
#
# Everything goes under an ignored cache directory (.cache/temporal-server, Go's module and build caches included), at
# `nice -n 19`: compiling the server takes both cores of a small machine for a long while.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="${TEMPORAL_SERVER_VERSION:-v1.32.1}" # the newest whose go directive (1.26.8) this machine's Go satisfies
CACHE="${TEMPORAL_SERVER_CACHE:-$ROOT/.cache/temporal-server}"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
PORT="${TEMPORAL_SERVER_PORT:-7233}"
BIN="$CACHE/bin"

build() {
  mkdir -p "$BIN" "$CACHE/gomod" "$CACHE/gobuild"
  local start=$SECONDS
  # GOTOOLCHAIN=local: never download another Go; the chosen version's go directive fits the installed one.
  GOTOOLCHAIN=local GOBIN="$BIN" GOMODCACHE="$CACHE/gomod" GOCACHE="$CACHE/gobuild" GOFLAGS="-buildvcs=false -modcacherw" \
    nice -n 19 "$GO" install "go.temporal.io/server/cmd/server@$VERSION" "go.temporal.io/server/cmd/tools/sql@$VERSION"
  mv -f "$BIN/server" "$BIN/temporal-server"
  mv -f "$BIN/sql" "$BIN/temporal-sql-tool"
  echo "built temporal-server and temporal-sql-tool $VERSION in $((SECONDS - start)) s into $BIN"
}

# postgres://user:password@host:port → the SQL tool's flags.
pg_flags() {
  local url="$1" rest userinfo hostport
  rest="${url#*://}"
  userinfo="${rest%%@*}"
  hostport="${rest#*@}"
  hostport="${hostport%%/*}"
  printf '%s\n' --plugin postgres12 --ep "${hostport%%:*}" -p "${hostport##*:}" -u "${userinfo%%:*}" --pw "${userinfo#*:}"
}

schema() {
  local url="$1" db dir
  mapfile -t flags < <(pg_flags "$url")
  for db in temporal temporal_visibility; do
    dir=temporal
    [ "$db" = temporal_visibility ] && dir=visibility
    "$BIN/temporal-sql-tool" "${flags[@]}" --db "$db" create-database || true # already there: fine
    "$BIN/temporal-sql-tool" "${flags[@]}" --db "$db" setup-schema -v 0.0
    "$BIN/temporal-sql-tool" "${flags[@]}" --db "$db" update-schema -d "$CACHE/schema/postgresql/v12/$dir/versioned"
  done
}

schema_files() {
  # The versioned schema ships in the module's source (schema/postgresql/v12/...), already in the module cache.
  local src
  src="$(ls -d "$CACHE/gomod/go.temporal.io/server@$VERSION" 2>/dev/null || true)"
  [ -n "$src" ] || { echo "build first: $0 build" >&2; exit 1; }
  mkdir -p "$CACHE/schema"
  cp -r "$src/schema/postgresql" "$CACHE/schema/"
}

config() {
  local url="$1" rest userinfo hostport
  rest="${url#*://}"; userinfo="${rest%%@*}"; hostport="${rest#*@}"; hostport="${hostport%%/*}"
  mkdir -p "$CACHE/config"
  cat >"$CACHE/config/development.yaml" <<YAML
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
      sql:
        pluginName: postgres12
        databaseName: temporal
        connectAddr: "$hostport"
        connectProtocol: tcp
        user: "${userinfo%%:*}"
        password: "${userinfo#*:}"
        maxConns: 20
        maxIdleConns: 20
    visibility:
      sql:
        pluginName: postgres12
        databaseName: temporal_visibility
        connectAddr: "$hostport"
        connectProtocol: tcp
        user: "${userinfo%%:*}"
        password: "${userinfo#*:}"
        maxConns: 10
        maxIdleConns: 10
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:
    rpc: { grpcPort: $PORT, membershipPort: $((PORT + 100)), bindOnLocalHost: true, httpPort: $((PORT + 10)) }
  matching:
    rpc: { grpcPort: $((PORT + 2)), membershipPort: $((PORT + 102)), bindOnLocalHost: true }
  history:
    rpc: { grpcPort: $((PORT + 1)), membershipPort: $((PORT + 101)), bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: $((PORT + 3)), membershipPort: $((PORT + 103)), bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$PORT"
      httpAddress: "127.0.0.1:$((PORT + 10))"
dcRedirectionPolicy:
  policy: noop
archival:
  history: { state: disabled }
  visibility: { state: disabled }
namespaceDefaults:
  archival:
    history: { state: disabled }
    visibility: { state: disabled }
dynamicConfigClient:
  filepath: "$CACHE/config/dynamicconfig.yaml"
  pollInterval: 60s
YAML
  cat >"$CACHE/config/dynamicconfig.yaml" <<'YAML'
frontend.enableUpdateWorkflowExecution:
  - value: true
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
YAML
}

case "${1:-}" in
  build) build ;;
  schema) schema_files; schema "${2:?postgres://user:password@host:port}" ;;
  start)
    config "${2:?postgres://user:password@host:port}"
    exec "$BIN/temporal-server" --root "$CACHE" --config config --env development --allow-no-auth start
    ;;
  *) sed -n 2,10p "$0"; exit 2 ;;
esac
