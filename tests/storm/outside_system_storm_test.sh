#!/usr/bin/env bash
# A storm whose OMS or WMS is outside cimbus, in Python: tests/connectors/external_wms.py (SOAP,
# connector web_services, or JSON, connector json) or tests/connectors/external_oms.py (JSON)
# takes every flow of its role through cimbus-<role>. cimbus-<role> is killed with SIGKILL
# mid-storm (the storm's crash drill) and the outside system stops answering for five seconds
# (SIGSTOP, SIGCONT) a second after its first call, longer than the storm's 2 s connector time-out, so that calls fail and are
# tried again. Passes with "conservation: OK", the system's side read through its own API. The
# outside system is stopped by its pid afterwards.
#   outside_system_storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR oms|wms soap|json [cimbus-storm options]
set -uo pipefail
root=$1 bin=$2 work=$3 role=$4 protocol=$5
shift 5
rm -rf "$work" && mkdir -p "$work"
port=$("$root/scripts/free-ports")
case $role/$protocol in
  wms/soap | wms/json) system_args=(--protocol "$protocol" --step-ms 500) ;;
  oms/json)  # the storm's territory: the same customers from the same seed
    system_args=()
    options=("$@")
    for ((i = 0; i + 1 < ${#options[@]}; i++)); do
      [[ ${options[i]} == --customers || ${options[i]} == --seed ]] && system_args+=("${options[i]}" "${options[i + 1]}")
    done ;;
  *) echo "FAIL: no outside $role speaking $protocol"; exit 1 ;;
esac
/usr/bin/python3 "$root/tests/connectors/external_$role.py" "${system_args[@]}" --adapter "http://127.0.0.1:$port" \
  > "$work/external-$role.out" 2> "$work/external-$role.log" &
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
  url=$(sed -n "s/^external $role: //p" "$work/external-$role.out")
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || { echo "FAIL: the outside $role did not start"; cat "$work/external-$role.log"; exit 1; }
echo "outside $role ($protocol) at $url; cimbus-$role serves it on 127.0.0.1:$port"
# Five seconds without an answer, early in the storm: timed from the first call the outside system
# takes (not from the clock: under a sanitizer the storm starts seconds later).
(
  until grep -q "^first call taken" "$work/external-$role.out"; do sleep 0.2; done
  sleep 1
  kill -STOP "$system" && echo "outside $role stopped (SIGSTOP) for 5 s" && sleep 5 && kill -CONT "$system" && echo "outside $role answering again"
) &
outage=$!
connector=web_services
[[ $protocol == json ]] && connector=json
"$root/tests/storm/storm_test.sh" "$root" "$bin" "$work/run" --outside "$role=$url" --outside-connector "$role=$connector" \
  --outside-listen "$role=127.0.0.1:$port" --kill "$role" --kill-at 0.8 "$@" || {
  echo "the outside $role's log, last 40 lines ($work/external-$role.log):"
  tail -n 40 "$work/external-$role.log"
  exit 1
}
# The outage must have been felt: calls that failed and were tried again.
failed=$(cat "$work"/run/storm/$role-1.log | grep -c "the system's call failed")
echo "calls to the outside $role that failed and were tried again: $failed"
[[ $failed -gt 0 ]] || { echo "FAIL: the outage did not touch any call"; exit 1; }
if grep -q REFUSED "$work/external-$role.log"; then
  echo "FAIL: the adapter refused what the outside $role told it:"
  grep REFUSED "$work/external-$role.log" | head
  exit 1
fi
