#!/usr/bin/env bash
# `cimbus send`, `listen` and `request` against the private broker (fixture bus_broker), with a
# responder from another stack (Qpid Proton Python) that checks the AMQP properties cimbus sets.
set -uo pipefail
cimbus=$1 root=$2 broker_dir=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
examples=$root/tests/data/messages
rm -rf "$work" && mkdir -p "$work"
eval "$("$root/scripts/broker" env --dir "$broker_dir")" || { echo "FAIL: no broker"; exit 1; }
export CIMBUS_BROKER_URL=$BROKER_URL   # credentials inside, as scripts/broker prints it
export CIMBUS_BROKER_ALLOW_PLAIN=1      # the private broker on loopback: PLAIN without TLS, allowed
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

# An event reaches a subscriber by routing-key pattern. listen.err exists before the listener
# starts, so that the tail below never looks for it before the background job has opened it.
: > "$work/listen.err"
"$cimbus" listen --topic 'evt.TroubleTickets.*' --count 1 --timeout 30 > "$work/listen.out" 2> "$work/listen.err" &
listener=$!
pids+=($listener)
# listen says when its subscription is attached; only then is an event sure to reach it.
timeout 30 grep -q -m1 '^listening on ' <(tail -n +1 -F --pid="$listener" "$work/listen.err" 2> /dev/null) || fail "listen never attached: $(cat "$work/listen.err")"
"$cimbus" send "$examples/TroubleTickets-closed-event.xml" > "$work/send.out" 2>&1 || fail "send: $(cat "$work/send.out")"
grep -q "^sent 1b3d5f7a-9c2e-4a6b-8d0f-2a4c6e8b0d1f to /exchange/cim/evt.TroubleTickets.closed: accepted$" "$work/send.out" ||
  fail "send output: $(cat "$work/send.out")"
wait $listener || fail "listen: $(cat "$work/listen.out" "$work/listen.err")"
grep -q "^# closed TroubleTickets message-id 1b3d5f7a-9c2e-4a6b-8d0f-2a4c6e8b0d1f$" "$work/listen.out" ||
  fail "listen output: $(head -3 "$work/listen.out")"

# A request answered by another stack: the reply printed, correlated to the request; its reply-to
# reaches the command through the exchange by its reply queue's name (decisions/0026).
/usr/bin/python3 "$here/python_responder.py" "amqp://127.0.0.1:$BROKER_AMQP_PORT" "$BROKER_USER" "$BROKER_PASSWORD" \
  bustest.tt.requests 1 > "$work/responder.out" 2>&1 &
responder=$!
pids+=($responder)
"$cimbus" request --timeout 30 "$examples/TroubleTickets-create.xml" > "$work/reply.xml" 2> "$work/request.err" ||
  fail "request: $(cat "$work/request.err")"
grep -q "<CorrelationID>6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21</CorrelationID>" "$work/reply.xml" || fail "reply: $(cat "$work/reply.xml")"
"$cimbus" validate - < "$work/reply.xml" > /dev/null || fail "the reply does not validate"
# For people: indented, one element a line (--raw prints it as it came).
(($(wc -l < "$work/reply.xml") > 5)) && grep -q "^  <" "$work/reply.xml" || fail "the reply is not indented: $(head -c 300 "$work/reply.xml")"
wait $responder
grep -Eq "^message-id=6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21 correlation-id=None reply-to=/exchange/cim/reply\.cli-[0-9a-f-]+ Verb=create Noun=TroubleTickets Source=CIS content-type=application/xml; charset=utf-8$" \
  "$work/responder.out" || fail "what the other stack saw: $(cat "$work/responder.out")"

# Nobody answers: 4.1 after the timeout.
"$cimbus" request --timeout 3 --to /amq/queue/bustest.plain "$examples/TroubleTickets-create.xml" > /dev/null 2> "$work/timeout.err"
[[ $? == 1 ]] || fail "request without a responder should fail"
grep -q "^4.1 FATAL: no reply to 6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21 within 3 s$" "$work/timeout.err" || fail "timeout: $(cat "$work/timeout.err")"

# A queue that does not exist, by name or by address: an error naming it, not "accepted" for a
# message RabbitMQ would take and drop (issue 14, nothing silently lost at the edges).
for to in no-such-queue /amq/queue/no-such-queue; do
  timeout 60 "$cimbus" send --timeout 10 --to "$to" "$examples/TroubleTickets-closed-event.xml" > "$work/missing.out" 2>&1
  [[ $? == 1 ]] || fail "send --to $to should fail: $(cat "$work/missing.out")"
  grep -q "^not sent: the broker refuses /amq/queue/no-such-queue: amqp:not-found: NOT_FOUND - no queue 'no-such-queue'" "$work/missing.out" ||
    fail "send --to $to: $(cat "$work/missing.out")"
done
timeout 60 "$cimbus" request --timeout 10 --to no-such-queue "$examples/TroubleTickets-create.xml" > /dev/null 2> "$work/missing.err"
[[ $? == 1 ]] || fail "request --to a missing queue should fail"
grep -q "^the broker did not take the request: the broker refuses /amq/queue/no-such-queue: amqp:not-found" "$work/missing.err" ||
  fail "request --to a missing queue: $(cat "$work/missing.err")"
# An exchange that does not exist: the broker's refusal, at once.
timeout 60 "$cimbus" send --timeout 10 --to /exchange/no-such-exchange/key "$examples/TroubleTickets-closed-event.xml" > "$work/missing.out" 2>&1
[[ $? == 1 ]] || fail "send to a missing exchange should fail"
grep -q "no exchange 'no-such-exchange'" "$work/missing.out" || fail "send to a missing exchange: $(cat "$work/missing.out")"

# A wrong password: a clear error, no hang.
CIMBUS_BROKER_URL=amqp://cimbus:wrong@127.0.0.1:$BROKER_AMQP_PORT timeout 60 "$cimbus" send --timeout 10 \
  "$examples/TroubleTickets-closed-event.xml" > /dev/null 2>&1
[[ $? == 1 ]] || fail "send with a wrong password should fail with status 1"

if ((failures)); then echo "$failures CLI messaging checks failed"; exit 1; fi
echo "CLI messaging checks passed"
