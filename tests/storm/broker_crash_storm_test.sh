#!/usr/bin/env bash
# A storm through a broker crash: mid-storm the broker is killed with SIGKILL (its epmd lives on,
# holding a port), then `scripts/broker start` on the same directory brings it back. It must come
# back on the same URL with its durable queues and messages; the adapters reconnect and the storm
# ends with "conservation: OK" (nothing lost, no effect doubled).
#   broker_crash_storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR [cimbus-storm options]
set -uo pipefail
root=$1 bin=$2 work=$3
shift 3
rm -rf "$work" && mkdir -p "$work"
broker_dir=$work/run/broker
(
  # storm_test.sh starts the broker in $work/run/broker; strike once the storm is under way.
  while [[ ! -e $work/run/storm/cis-1.log ]]; do sleep 0.2; done
  sleep 5
  eval "$("$root/scripts/broker" env --dir "$broker_dir")"
  url_before=$BROKER_URL
  kill -KILL "$BROKER_PID" && echo "broker killed (SIGKILL)"
  sleep 3
  url_after=$("$root/scripts/broker" start --dir "$broker_dir" 2> "$work/restart.err") || { echo "FAIL: broker start after the crash"; cat "$work/restart.err"; exit 1; }
  echo "broker started again: $(cat "$work/restart.err")"
  [[ $url_after == "$url_before" ]] || { echo "FAIL: the broker came back on another URL ($url_after, was $url_before)"; exit 1; }
  echo "broker back on the same URL"
) > "$work/crash.log" 2>&1 &
crash=$!
"$root/tests/storm/storm_test.sh" "$root" "$bin" "$work/run" "$@"
status=$?
wait "$crash"
crash_status=$?
cat "$work/crash.log"
[[ $crash_status -eq 0 ]] || { echo "FAIL: the crash drill"; exit 1; }
grep -q "broker back on the same URL" "$work/crash.log" || { echo "FAIL: the broker was not killed and started again within the storm"; exit 1; }
exit $status
