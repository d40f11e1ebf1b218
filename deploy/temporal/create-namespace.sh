#!/bin/sh
# Creates Orchestra's namespace once the server answers (the server alone creates none). Idempotent.
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
i=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 60 ] || { echo "Temporal did not answer at $TEMPORAL_ADDRESS"; exit 1; }
  sleep 2
done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$namespace" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$namespace" --retention 30d
echo "namespace $namespace ready"
