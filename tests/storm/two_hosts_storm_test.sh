#!/usr/bin/env bash
# Two instances of the OMS on two "hosts" sharing one PostgreSQL database (decisions/0031): the test
# runs in a network namespace of its own (unshare --net) with the broker and PostgreSQL, and makes
# two more, each joined to it by a veth pair (10.77.H.2 on the host's side, 10.77.H.1 on the test's).
# oms-1 and oms-2 run one in each (ip netns exec) and reach the broker and the database only
# through their veth; the CIS and the WMS run beside the servers. Mid-storm oms-1 is killed with
# SIGKILL and started again. Passes when the storm ends with "conservation: OK" (nothing lost,
# nothing doubled), both instances took requests, and each reached the servers from its own
# address. The servers are stopped by their pids and the namespaces removed afterwards.
#   two_hosts_storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR [cimbus-storm options]
set -uo pipefail
source "$(dirname "$0")/storm_report.sh"
if [[ -z ${CIMBUS_TEST_NETNS:-} ]]; then
  exec unshare --net -- env CIMBUS_TEST_NETNS=1 "$0" "$@"
fi
root=$1 bin=$2 work=$3
shift 3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
ip link set lo up || fail "no loopback in the test's namespace"
tag=cimbus$$
cleanup() {
  "$root/scripts/broker" stop --dir "$work/broker"
  "$root/scripts/postgres" stop --dir "$work/postgres"
  for h in 1 2; do ip netns del "$tag-$h" 2> /dev/null; done
}
trap cleanup EXIT
hosts=()
for h in 1 2; do
  ns=$tag-$h
  ip netns add "$ns" || fail "ip netns add $ns"
  ip link add "veth$h" type veth peer name eth0 netns "$ns" || fail "veth pair for $ns"
  ip addr add "10.77.$h.1/24" dev "veth$h" && ip link set "veth$h" up
  ip -n "$ns" link set lo up && ip -n "$ns" addr add "10.77.$h.2/24" dev eth0 && ip -n "$ns" link set eth0 up || fail "addresses of $ns"
  hosts+=(--oms-host "$ns=10.77.$h.2@10.77.$h.1")
done
listen=127.0.0.1,10.77.1.1,10.77.2.1
"$bin/cimbus" topology --config "$root/deploy/cis.json" --config "$root/deploy/oms.json" --config "$root/deploy/wms.json" \
  $(printf -- '--instance oms:oms-%s ' 2 3 4 5 6 7 8) > "$work/topology.json" || fail "topology"
export CIMBUS_BROKER_ALLOW_PLAIN=1  # a private broker in the test's own namespaces: PLAIN without TLS, allowed
url=$("$root/scripts/broker" start --dir "$work/broker" --fresh --listen "$listen" --definitions "$work/topology.json") || fail "broker"
store_url=$("$root/scripts/postgres" start --dir "$work/postgres" --listen "$listen") || fail "postgres"
eval "$("$root/scripts/postgres" env --dir "$work/postgres")"
export PGPASSWORD
CIMBUS_BROKER_URL=$url "$bin/cimbus-storm" --broker-dir "$work/broker" --deploy "$root/deploy" --bin "$bin" --work "$work/storm" --no-progress \
  --store-url "$store_url" --oms-instances 2 "${hosts[@]}" --kill oms "$@" > "$work/report.txt"
check_storm_report $? "$work"
for h in 1 2; do
  grep -q "connected to the broker at amqp://10.77.$h.1:" "$work/storm/oms-$h.log" || fail "oms-$h did not reach the broker through its veth (10.77.$h.1)"
  grep -q "store: PostgreSQL database postgresql://cimbus@10.77.$h.1:" "$work/storm/oms-$h.log" || fail "oms-$h's store is not the database at 10.77.$h.1"
done
# Both instances took requests: the OMS's journal, in the shared database, by instance.
"$root/scripts/postgres" psql --dir "$work/postgres" cimbus_oms -tA -F ' ' \
  -c "SELECT instance, COUNT(*) FROM message_journal WHERE direction = 'in' AND kind = 'request' GROUP BY instance ORDER BY instance" > "$work/by-instance.txt" ||
  fail "reading the OMS's journal"
echo "requests taken in, by OMS instance:"; cat "$work/by-instance.txt"
for h in 1 2; do
  taken=$(awk -v i="oms-$h" '$1 == i {print $2}' "$work/by-instance.txt")
  [[ ${taken:-0} -gt 0 ]] || fail "oms-$h took no request: the instances did not share the load"
done
if pgrep -f "$work/storm/" > /dev/null; then fail "an adapter process of this run is still running"; fi
echo "PASS"
