#!/usr/bin/env bash
# A storm whose WMS is outside cimbus: tests/connectors/external_wms.py, speaking SOAP (connector
# web_services) or JSON (connector json), takes every WMS flow through cimbus-wms; cimbus-wms is
# killed with SIGKILL mid-storm (the storm's crash drill) and the outside WMS stops answering for
# five seconds (SIGSTOP, SIGCONT), longer than the storm's 2 s connector time-out, so that calls fail
# and are tried again. Passes with "conservation: OK", the WMS's side read through its
# own API. The outside WMS is stopped by its pid afterwards.
#   outside_wms_storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR soap|json [cimbus-storm options]
set -uo pipefail
root=$1 bin=$2 work=$3 protocol=$4
shift 4
rm -rf "$work" && mkdir -p "$work"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$root/tests/connectors/external_wms.py" --protocol "$protocol" --adapter "http://127.0.0.1:$port" \
  --step-ms 500 > "$work/external-wms.out" 2> "$work/external-wms.log" &
system=$!
outage=
cleanup() {
  [[ -n $outage ]] && kill "$outage" 2> /dev/null
  kill -CONT "$system" 2> /dev/null
  kill "$system" 2> /dev/null
  wait "$system" 2> /dev/null
}
trap cleanup EXIT
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^external wms: //p' "$work/external-wms.out")
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || { echo "FAIL: the outside WMS did not start"; cat "$work/external-wms.log"; exit 1; }
echo "outside WMS ($protocol) at $url; cimbus-wms serves it on 127.0.0.1:$port"
# Five seconds without an answer, early in the storm.
(
  while [[ ! -e $work/run/storm/wms-1.log ]]; do sleep 0.2; done
  sleep 2
  kill -STOP "$system" && echo "outside WMS stopped (SIGSTOP) for 5 s" && sleep 5 && kill -CONT "$system" && echo "outside WMS answering again"
) &
outage=$!
connector=web_services
[[ $protocol == json ]] && connector=json
"$root/tests/storm/storm_test.sh" "$root" "$bin" "$work/run" --wms-url "$url" --wms-connector "$connector" \
  --wms-listen "127.0.0.1:$port" --kill wms --kill-at 0.8 "$@" || exit 1
# The outage must have been felt: calls that failed and were tried again.
failed=$(cat "$work"/run/storm/wms-1.log | grep -c "the system's call failed")
echo "calls to the outside WMS that failed and were tried again: $failed"
[[ $failed -gt 0 ]] || { echo "FAIL: the outage did not touch any call"; exit 1; }
