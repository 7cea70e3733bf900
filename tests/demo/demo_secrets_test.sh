#!/usr/bin/env bash
# No secret in what a demo run leaves behind (issue 16, point 4): scripts/demo runs a small storm,
# then every password it used (the broker administrator's, each system's) is looked for in the
# demo's own output and in every file of its run (the adapters' logs, their configurations, the
# storm's report, the broker's logs), except the files that hold them, mode 0600. The files that
# hold them are checked for that mode.
#   demo_secrets_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
root=$1 build=$2
work=$build/demo
out=$build/tests/tmp/demo-secrets.out
mkdir -p "$(dirname "$out")"
failures=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

CIMBUS_BUILD_DIR=$build "$root/scripts/demo" --customers 300 --faults 4 --service-needs 8 --agreement-requests 10 --duration 4 \
  --no-progress > "$out" 2>&1
status=$?
[[ $status == 0 ]] && grep -q '^conservation: OK$' "$out" && pass "the demo ran: conservation: OK" || fail "the demo exited $status: $(tail -5 "$out")"

# The secrets, and where they are kept.
holders=("$work/broker/config" "$work/broker/state" "$work/broker/credentials")
secrets=()
admin=$(sed -n 's/^BROKER_PASSWORD=//p' "$work/broker/config")
[[ -n $admin ]] && secrets+=("$admin") || fail "no administrator password in $work/broker/config"
for user in "$work"/broker/users/*; do
  holders+=("$user")
  secrets+=("$(head -1 "$user")")
done
[[ ${#secrets[@]} -ge 4 ]] && pass "${#secrets[@]} secrets used: the administrator's and each system's" || fail "only ${#secrets[@]} secrets found"
for holder in "${holders[@]}"; do
  [[ -e $holder ]] || continue
  mode=$(stat -c %a "$holder")
  [[ $mode == 600 || $mode == 400 ]] && pass "$(basename "$holder") is mode $mode" || fail "$holder is mode $mode"
done

# Everything else the run left, and what it printed.
files=$(find "$work" -type f -not -path "$work/broker/mnesia/*" | grep -vxF -f <(printf '%s\n' "${holders[@]}"))
files+=$'\n'$out
count=$(wc -l <<< "$files")
leaks=0
for secret in "${secrets[@]}"; do
  while IFS= read -r file; do
    if grep -qaF -- "$secret" "$file"; then
      fail "a password is in $file"
      leaks=$((leaks + 1))
    fi
  done <<< "$files"
done
((leaks == 0)) && pass "no password in the demo's output or in any of the $count files of its run (logs, configurations, report)"
logs=$(grep -c '\.log$' <<< "$files")
((logs >= 4)) && pass "$logs logs among them" || fail "only $logs logs were looked at"

((failures == 0)) || { echo "$failures failures"; exit 1; }
