#!/usr/bin/env bash
# scripts/broker as tests and the demo use it: a private RabbitMQ on loopback, PLAIN logins only,
# durable messages kept across a restart on the same port and across a SIGKILL of the broker, a
# start refused (data kept) while another process holds a port, two brokers side by side on
# different ports, and nothing left running (broker or epmd) after stop.
set -uo pipefail
root=$1 work=$2
broker=$root/scripts/broker
client="/usr/bin/python3 $(dirname "$0")/durable_client.py"
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
holder=
cleanup() {
  [[ -n $holder ]] && kill "$holder" 2>/dev/null
  "$broker" stop --dir "$work/a" >/dev/null 2>&1; "$broker" stop --dir "$work/b" >/dev/null 2>&1
}
trap cleanup EXIT

echo '{"queues":[{"name":"q1","vhost":"/","durable":true,"auto_delete":false,"arguments":{}}]}' > "$work/topology.json"
url=$("$broker" start --dir "$work/a" --definitions "$work/topology.json") || { fail "start"; exit 1; }
[[ $url =~ ^amqp://cimbus:[0-9a-f]{32}@127\.0\.0\.1:[0-9]+$ ]] || fail "start prints the AMQP URL (got '$url')"
eval "$("$broker" env --dir "$work/a")"
address=amqp://127.0.0.1:$BROKER_AMQP_PORT
# status names the broker without its password (issue 16, point 4)
status_line=$("$broker" status --dir "$work/a")
[[ $status_line == "running: amqp://cimbus:***@127.0.0.1:$BROKER_AMQP_PORT "* ]] || fail "status while running (got '$status_line')"
[[ $status_line != *"$BROKER_PASSWORD"* ]] || fail "status shows the password"

# Only loopback listens: AMQP, Erlang distribution and epmd.
for port in "$BROKER_AMQP_PORT" "$BROKER_DIST_PORT" "$BROKER_EPMD_PORT"; do
  ss -Hltn "sport = :$port" | grep -vq "127.0.0.1:$port\|\[::1\]:$port" && fail "port $port listens beyond loopback"
done

[[ $($client "$address" cimbus "$BROKER_PASSWORD" PLAIN send q1 5) == "accepted 5" ]] || fail "PLAIN login and durable send"
[[ $($client "$address" "" "" ANONYMOUS receive q1) == "error: amqp:unauthorized-access" ]] || fail "ANONYMOUS refused"
[[ $($client "$address" cimbus wrong PLAIN receive q1) == "error: amqp:unauthorized-access" ]] || fail "wrong password refused"

# A second broker at the same time, on other ports.
url_b=$("$broker" start --dir "$work/b") || fail "second start"
[[ $url_b != "$url" && ${url_b##*:} != "${url##*:}" ]] || fail "second broker on another port ($url_b)"
"$broker" stop --dir "$work/b"

old_pid=$BROKER_PID old_epmd=$BROKER_EPMD_PID
[[ $("$broker" restart --dir "$work/a") == "$url" ]] || fail "restart keeps the URL"
[[ $($client "$address" cimbus "$BROKER_PASSWORD" PLAIN receive q1) == "m0 m1 m2 m3 m4" ]] || fail "durable messages survive a restart"
kill -0 "$old_pid" 2>/dev/null && fail "old broker still running after restart"
kill -0 "$old_epmd" 2>/dev/null && fail "old epmd still running after restart"

# A crash: the broker killed with SIGKILL leaves its epmd holding a port. start comes back on the
# same URL with the durable messages, after ending the old epmd by its pid.
eval "$("$broker" env --dir "$work/a")"
[[ $($client "$address" cimbus "$BROKER_PASSWORD" PLAIN send q1 3) == "accepted 3" ]] || fail "send before the crash"
crashed_epmd=$BROKER_EPMD_PID
kill -KILL "$BROKER_PID"
for _ in $(seq 1 100); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$crashed_epmd" 2>/dev/null || fail "the test's premise: epmd outlives a SIGKILL of the broker"
[[ $("$broker" start --dir "$work/a" 2> "$work/crash-start.err") == "$url" ]] || fail "start after a crash keeps the URL ($(cat "$work/crash-start.err"))"
[[ $($client "$address" cimbus "$BROKER_PASSWORD" PLAIN receive q1 3) == "m0 m1 m2" ]] || fail "durable messages survive a crash"
kill -0 "$crashed_epmd" 2>/dev/null && fail "the crashed broker's epmd still runs"
grep -q "ended without a stop" "$work/crash-start.err" || fail "start says it found a crashed broker"

# A port held by another process: start refuses and names it; the data stays.
eval "$("$broker" env --dir "$work/a")"
[[ $($client "$address" cimbus "$BROKER_PASSWORD" PLAIN send q1 2) == "accepted 2" ]] || fail "send before the port is taken"
"$broker" stop --dir "$work/a"
rm -f "$work/held"
/usr/bin/python3 -c "import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $BROKER_AMQP_PORT)); s.listen(); open('$work/held', 'w').close(); time.sleep(600)" &
holder=$!
# Held once the holder says so (a loaded machine may take seconds to start Python).
for _ in $(seq 1 300); do [[ -f $work/held ]] && break; sleep 0.1; done
[[ -f $work/held ]] || fail "the test's premise: a process holds port $BROKER_AMQP_PORT"
if "$broker" start --dir "$work/a" > /dev/null 2> "$work/taken.err"; then fail "start while another process holds the port"; fi
grep -q "port $BROKER_AMQP_PORT of .* is held by another process" "$work/taken.err" || fail "the refusal names the port ($(cat "$work/taken.err"))"
kill "$holder"; wait "$holder" 2>/dev/null; holder=
[[ $("$broker" start --dir "$work/a") == "$url" ]] || fail "start once the port is free again"
[[ $($client "$address" cimbus "$BROKER_PASSWORD" PLAIN receive q1 2) == "m0 m1" ]] || fail "the data survived the refused start"

eval "$("$broker" env --dir "$work/a")"
"$broker" stop --dir "$work/a"
kill -0 "$BROKER_PID" 2>/dev/null && fail "broker still running after stop"
kill -0 "$BROKER_EPMD_PID" 2>/dev/null && fail "epmd still running after stop"
"$broker" status --dir "$work/a" > /dev/null; [[ $? == 3 ]] || fail "status after stop"

if ((failures)); then echo "$failures broker checks failed"; exit 1; fi
echo "broker checks passed"
