#!/usr/bin/env bash
# Starts a private broker for the adapter runtime tests with the topology generated from the test
# adapters' configurations (as a deployment would: cimbus topology, then the broker loads it).
#   start_broker.sh CIMBUS_CLI SOURCE_DIR BROKER_DIR CONFIG...
set -euo pipefail
cli=$1 source=$2 dir=$3
shift 3
mkdir -p "$(dirname "$dir")"
args=()
for c in "$@"; do args+=(--config "$c"); done
"$cli" topology "${args[@]}" > "$dir.topology.json"
exec "$source/scripts/broker" start --dir "$dir" --fresh --definitions "$dir.topology.json"
