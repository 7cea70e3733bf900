# Sourced by the storm tests: the verdict on a storm's report.
#   check_storm_report STATUS WORK   prints WORK/report.txt; fails (exit 1) unless cimbus-storm exited 0
#                                     and said "conservation: OK", with the adapters' last log lines
check_storm_report() {
  local status=$1 work=$2
  cat "$work/report.txt"
  if [[ $status -ne 0 ]] || ! grep -q '^conservation: OK$' "$work/report.txt"; then
    echo "FAIL: cimbus-storm exited $status; the adapters' logs:"
    tail -n 20 "$work"/storm/*.log
    exit 1
  fi
}
