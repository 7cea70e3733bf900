#!/usr/bin/env bash
# The topology `cimbus topology` generates from deploy/*.json, loaded into a private broker:
# requests reach the system that handles them, events every subscribing system (kept in its
# durable queue while nobody listens) and no other, an unroutable message is kept in
# cim.unrouted instead of dropped (and `cimbus send` says so), and a configuration that asks for an event under "handles" is
# refused.
set -uo pipefail
cimbus=$1 root=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
broker=$root/scripts/broker
examples=$root/tests/data/messages
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
trap '"$broker" stop --dir "$work/broker" > /dev/null 2>&1' EXIT

"$cimbus" topology --config "$root/deploy/cis.json" --config "$root/deploy/oms.json" --config "$root/deploy/wms.json" \
  > "$work/topology.json" || { fail "topology"; exit 1; }
export CIMBUS_BROKER_URL
export CIMBUS_BROKER_ALLOW_PLAIN=1  # the private broker on loopback: PLAIN without TLS, allowed
CIMBUS_BROKER_URL=$("$broker" start --dir "$work/broker" --fresh --definitions "$work/topology.json") || { fail "broker with the topology"; exit 1; }

listen() { "$cimbus" listen --from "$1" --count 1 --timeout "$2" > "$work/listen.out" 2>&1; }

# A request: to the OMS, which handles TroubleTickets.
"$cimbus" send "$examples/TroubleTickets-create.xml" > /dev/null || fail "send a TroubleTickets create"
listen oms.requests 20 && grep -q "message-id 6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21" "$work/listen.out" ||
  fail "oms.requests: $(cat "$work/listen.out")"

# An event: Incidents created reaches the CIS (subscribed), not the WMS (subscribed to closed only).
"$cimbus" send "$examples/Incidents-created.xml" > /dev/null || fail "send an Incidents created"
listen cis.events 20 && grep -q "# created Incidents" "$work/listen.out" || fail "cis.events: $(cat "$work/listen.out")"
listen wms.events 3 && fail "wms.events received an event it did not subscribe to"

# An event two systems subscribe to (Incidents closed: the CIS and the WMS) reaches both, through
# their durable queues, although neither was listening when it was published.
sed -e 's/CreatedIncidents/ClosedIncidents/g' -e 's#<Verb>created</Verb>#<Verb>closed</Verb>#' \
    -e 's#2c4e6a8b-0d1f-4b3c-9e5a-7c9e1b3d5f70#5d7f9b1c-3e5a-4c7d-9f1b-3e5a7c9d1f0a#' \
    "$examples/Incidents-created.xml" > "$work/incident-closed.xml"
"$cimbus" send "$work/incident-closed.xml" > /dev/null || fail "send an Incidents closed"
listen cis.events 20 && grep -q "# closed Incidents message-id 5d7f9b1c" "$work/listen.out" || fail "cis.events, closed: $(cat "$work/listen.out")"
listen wms.events 20 && grep -q "# closed Incidents message-id 5d7f9b1c" "$work/listen.out" || fail "wms.events, closed: $(cat "$work/listen.out")"

# Nothing routes it: kept in cim.unrouted, and send says so (no adapter runs to report it).
"$cimbus" send --to /exchange/cim/req.NoSuchNoun.create "$examples/TroubleTickets-cancel.xml" > /dev/null 2> "$work/unrouted.err" &&
  fail "send unroutable: exit 0"
grep -q "routed nowhere, no queue is bound to its key (the broker keeps it in /amq/queue/cim.unrouted)" "$work/unrouted.err" ||
  fail "send unroutable: $(cat "$work/unrouted.err")"
listen cim.unrouted 20 && grep -q "message-id d4f6b8c0-2e4a-4d6f-9b0c-2e4a6d8f0b31" "$work/listen.out" ||
  fail "cim.unrouted: $(cat "$work/listen.out")"

# A configuration with an event under "handles" is refused with a clear reason.
echo '{"system": "x", "handles": [{"noun": "Incidents", "verbs": ["created"]}]}' > "$work/bad.json"
"$cimbus" topology --config "$work/bad.json" > /dev/null 2> "$work/bad.err"; [[ $? == 2 ]] || fail "bad configuration accepted"
grep -q "created Incidents is an event, not a request it can handle" "$work/bad.err" || fail "bad configuration: $(cat "$work/bad.err")"

if ((failures)); then echo "$failures topology checks failed"; exit 1; fi
echo "topology checks passed"
