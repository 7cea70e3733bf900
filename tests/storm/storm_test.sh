#!/usr/bin/env bash
# A storm through the three adapter processes on a private broker of its own (topology from
# deploy/, with reply queues for up to 8 OMS processes), each adapter logged in as its system's
# own user with least privilege (decisions/0026), with cimbus-storm's options; passes when the storm settles and prints
# "conservation: OK" (every ticket, incident and order final exactly once, nothing unsent or
# dead-lettered, the processes stopped cleanly). The broker is stopped by its pid afterwards.
# With STORM_CLUSTER=N the broker is a cluster of N nodes (scripts/broker --cluster) with quorum
# queues (cimbus topology --quorum), and the adapters are given every node's URL.
# With STORM_POSTGRES=1 the stores are databases of a private PostgreSQL 15 (scripts/postgres),
# stopped by its pid afterwards too.
#   storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR [cimbus-storm options]
set -uo pipefail
source "$(dirname "$0")/storm_report.sh"
root=$1 bin=$2 work=$3
shift 3
rm -rf "$work" && mkdir -p "$work"
topology_options=() broker_options=() storm_options=()
if [[ -n ${STORM_CLUSTER:-} ]]; then topology_options=(--quorum) broker_options=(--cluster "$STORM_CLUSTER") storm_options=(--quorum-queues); fi
"$bin/cimbus" topology "${topology_options[@]}" --config "$root/deploy/cis.json" --config "$root/deploy/oms.json" --config "$root/deploy/wms.json" \
  $(printf -- '--instance oms:oms-%s ' 2 3 4 5 6 7 8) > "$work/topology.json" || { echo "FAIL: topology"; exit 1; }
trap '"$root/scripts/broker" stop --dir "$work/broker"; [[ -n ${STORM_POSTGRES:-} ]] && "$root/scripts/postgres" stop --dir "$work/postgres"' EXIT
if [[ -n ${STORM_POSTGRES:-} ]]; then
  store_url=$("$root/scripts/postgres" start --dir "$work/postgres") || { echo "FAIL: postgres"; exit 1; }
  eval "$("$root/scripts/postgres" env --dir "$work/postgres")"
  export PGPASSWORD
  storm_options+=(--store-url "$store_url")
fi
export CIMBUS_BROKER_ALLOW_PLAIN=1  # the private broker on loopback: PLAIN without TLS, allowed
url=$("$root/scripts/broker" start --dir "$work/broker" --fresh "${broker_options[@]}" --definitions "$work/topology.json") || { echo "FAIL: broker"; exit 1; }
CIMBUS_BROKER_URL=$url "$bin/cimbus-storm" --broker-dir "$work/broker" --deploy "$root/deploy" --bin "$bin" --work "$work/storm" --no-progress "${storm_options[@]}" "$@" > "$work/report.txt"
check_storm_report $? "$work"
if pgrep -f "$work/storm/" > /dev/null; then
  echo "FAIL: an adapter process of this run is still running"
  exit 1
fi
echo "PASS"
