#!/usr/bin/env bash
# A storm on a RabbitMQ cluster of three nodes with quorum queues (issue 18, point 1): mid-storm
# the node the adapters are connected to (the first of their URLs) is killed with SIGKILL and
# started again 6 s later; once it is back, the node that leads the busiest queue (oms.requests) is
# killed and started again the same way. The adapters fail over to the nodes that live, the
# queues keep their messages on the majority, and the storm ends with "conservation: OK" (nothing
# lost, no effect doubled).
#   cluster_storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR [cimbus-storm options]
set -uo pipefail
root=$1 bin=$2 work=$3
shift 3
rm -rf "$work" && mkdir -p "$work"
broker_dir=$work/run/broker
broker() { "$root/scripts/broker" "$@" --dir "$broker_dir"; }
(
  # storm_test.sh starts the cluster in $work/run/broker; strike once the storm is under way.
  for ((i = 0; i < 600; i++)); do [[ -e $work/run/storm/cis-1.log ]] && break; sleep 0.2; done
  [[ -e $work/run/storm/cis-1.log ]] || { echo "FAIL: the storm did not start within 120 s"; exit 1; }
  sleep 3
  # node NUMBER: SIGKILL, then started again on its data 6 s later
  crash() { broker crash --node "$1" --down 6 || { echo "FAIL: the crash of node $1"; exit 1; }; }
  crash 1
  # The leader of oms.requests, asked of a node that runs.
  leader=$(broker ctl --node 2 list_queues -q name leader 2>/dev/null | awk '$1 == "oms.requests" { print $2 }')
  eval "$(broker env)"
  node=
  for i in 1 2 3; do
    name=BROKER_NODE_${i}_NAME
    [[ ${!name} == "$leader" ]] && node=$i
  done
  [[ -n $node ]] || { echo "FAIL: no node leads oms.requests (leader: '$leader')"; exit 1; }
  echo "oms.requests is led by node $node ($leader)"
  crash "$node"
  echo "both crashes done"
) > "$work/crash.log" 2>&1 &
crash=$!
STORM_CLUSTER=3 "$root/tests/storm/storm_test.sh" "$root" "$bin" "$work/run" "$@"
status=$?
((status == 0)) || kill "$crash" 2>/dev/null
wait "$crash"
crash_status=$?
cat "$work/crash.log"
[[ $crash_status -eq 0 ]] || { echo "FAIL: the crash drill"; exit 1; }
grep -q "both crashes done" "$work/crash.log" || { echo "FAIL: the nodes were not killed and started again within the storm"; exit 1; }
if pgrep -f "$broker_dir/" > /dev/null; then echo "FAIL: a broker node of this run is still running"; exit 1; fi
exit $status
