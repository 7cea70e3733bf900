#!/usr/bin/env bash
# TLS to the broker (issue 16, point 1): `scripts/broker start --tls` on loopback, the cimbus
# command and an adapter as a utility would connect, and each way it must fail, failing clearly:
#
# - the CA of the broker: a send and a request over amqps:// (PLAIN inside TLS), an adapter too;
# - the machine's CAs, another CA, an IP address where the certificate names a host, a server
#   certificate issued for another host, an expired one, a plain AMQP client on the TLS port:
#   each refused with the reason;
# - mutual TLS with SASL EXTERNAL (the certificate's CN is the user), a client certificate of
#   another CA, a user the broker does not know;
# - PLAIN over amqp:// without the explicit allowance, a key file others may read, an adapter
#   configured for amqp:// without the allowance: refused before connecting;
# - durable messages kept across a broker restart over TLS.
#
#   broker_tls_test.sh SOURCE_DIR BIN_DIR WORK_DIR
set -uo pipefail
root=$1 bin=$2 work=$3
broker=$root/scripts/broker
cimbus=$bin/cimbus
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
adapter_pid=
cleanup() {
  [[ -n $adapter_pid ]] && kill -TERM "$adapter_pid" 2>/dev/null && wait "$adapter_pid" 2>/dev/null
  "$broker" stop --dir "$work/broker" > /dev/null 2>&1
}
trap cleanup EXIT
unset CIMBUS_BROKER_ALLOW_PLAIN CIMBUS_BROKER_CA CIMBUS_BROKER_CERT CIMBUS_BROKER_KEY
event=$root/tests/data/messages/Incidents-created.xml

# expect NAME EXIT PATTERN COMMAND...: the command exits EXIT and says PATTERN (stderr or stdout).
expect() {
  local name=$1 status=$2 pattern=$3; shift 3
  local out code
  out=$(timeout 90 "$@" 2>&1); code=$?
  if [[ $code == "$status" ]] && grep -q -- "$pattern" <<< "$out"; then pass "$name"
  else fail "$name: exit $code (wanted $status), said: $out"; fi
}

"$cimbus" topology --config "$root/deploy/cis.json" --config "$root/deploy/oms.json" --config "$root/deploy/wms.json" > "$work/topology.json"
/usr/bin/python3 - "$work/topology.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
t["queues"].append({"name": "tls.kept", "vhost": "/", "durable": True, "auto_delete": False, "arguments": {}})
json.dump(t, open(sys.argv[1], "w"))
EOF
url=$("$broker" start --dir "$work/broker" --fresh --tls --definitions "$work/topology.json" 2> "$work/start.err") || { fail "start --tls"; cat "$work/start.err"; exit 1; }
[[ $url =~ ^amqps://cimbus:[0-9a-f]{32}@localhost:[0-9]+$ ]] && pass "start --tls prints an amqps:// URL" || fail "start --tls prints '$url'"
grep -q "CA $work/broker/tls/ca.pem" "$work/start.err" && pass "start --tls names the CA" || fail "no CA path in: $(cat "$work/start.err")"
eval "$("$broker" env --dir "$work/broker")"
tls=$work/broker/tls
[[ $BROKER_CA_FILE == "$tls/ca.pem" ]] || fail "env gives BROKER_CA_FILE ($BROKER_CA_FILE)"
[[ $(stat -c %a "$tls") == 700 && $(stat -c %a "$tls/server.key") == 600 ]] || fail "the private keys are private"
for port in "$BROKER_AMQP_PORT"; do
  ss -Hltn "sport = :$port" | grep -vq "127.0.0.1:$port" && fail "the TLS port listens beyond loopback"
done
export CIMBUS_BROKER_URL=$url
plain_url=amqp://cimbus:$BROKER_PASSWORD@localhost:$BROKER_AMQP_PORT

expect "send over TLS with the broker's CA" 0 "accepted" "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --to tls.kept "$event"
expect "the machine's CAs do not know the private CA" 1 "certificate verify failed" "$cimbus" send --timeout 20 --to tls.kept "$event"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/other-ca.key" -out "$work/other-ca.pem" \
  -days 30 -subj "/CN=another CA" 2> /dev/null
expect "another CA is refused" 1 "certificate verify failed" "$cimbus" send --timeout 20 --ca "$work/other-ca.pem" --to tls.kept "$event"
expect "an IP address where the certificate names a host" 2 "not an IP address" \
  env CIMBUS_BROKER_URL="amqps://cimbus:$BROKER_PASSWORD@127.0.0.1:$BROKER_AMQP_PORT" "$cimbus" send --timeout 20 --ca "$tls/ca.pem" "$event"
expect "a plain AMQP client on the TLS port" 1 "use an amqps:// URL" env CIMBUS_BROKER_URL="$plain_url" "$cimbus" send --timeout 20 --allow-plain --to tls.kept "$event"
expect "PLAIN over amqp:// without the allowance" 2 "password in clear" env CIMBUS_BROKER_URL="$plain_url" "$cimbus" send --timeout 20 "$event"

# Mutual TLS: the client certificate's CN (cimbus) is the broker user.
expect "mutual TLS with SASL EXTERNAL" 0 "accepted" "$cimbus" send --timeout 20 --url "amqps://localhost:$BROKER_AMQP_PORT" \
  --ca "$tls/ca.pem" --sasl EXTERNAL --cert "$tls/cimbus.pem" --key "$tls/cimbus.key" --to tls.kept "$event"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/stranger.key" -out "$work/stranger.csr" -subj /CN=cimbus 2> /dev/null
openssl x509 -req -in "$work/stranger.csr" -CA "$work/other-ca.pem" -CAkey "$work/other-ca.key" -CAcreateserial -days 30 \
  -out "$work/stranger.pem" 2> /dev/null
chmod 600 "$work/stranger.key"
expect "a client certificate of another CA" 1 "the broker does not accept the client certificate" "$cimbus" send --timeout 20 --url "amqps://localhost:$BROKER_AMQP_PORT" \
  --ca "$tls/ca.pem" --sasl EXTERNAL --cert "$work/stranger.pem" --key "$work/stranger.key" --to tls.kept "$event"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/unknown.key" -out "$work/unknown.csr" -subj /CN=nobody-known 2> /dev/null
openssl x509 -req -in "$work/unknown.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 30 -out "$work/unknown.pem" 2> /dev/null
chmod 600 "$work/unknown.key"
expect "a certificate whose user the broker does not know" 1 "Authentication failed \[mech=EXTERNAL\]" \
  "$cimbus" send --timeout 20 --url "amqps://localhost:$BROKER_AMQP_PORT" --ca "$tls/ca.pem" --sasl EXTERNAL \
  --cert "$work/unknown.pem" --key "$work/unknown.key" --to tls.kept "$event"
# The OMS's certificate logs in as the topology's user oms, which may not write outside its routes.
expect "the OMS's certificate, least privilege" 1 "access to queue 'tls.kept' in vhost '/' refused for user 'oms'" \
  "$cimbus" send --timeout 20 --url "amqps://localhost:$BROKER_AMQP_PORT" --ca "$tls/ca.pem" --sasl EXTERNAL \
  --cert "$tls/oms.pem" --key "$tls/oms.key" --to tls.kept "$event"
cp "$tls/cimbus.key" "$work/open.key" && chmod 644 "$work/open.key"
expect "a key file others may read" 2 "may be read by others" "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --sasl EXTERNAL \
  --url "amqps://localhost:$BROKER_AMQP_PORT" --cert "$tls/cimbus.pem" --key "$work/open.key" "$event"

# An adapter over TLS as the OMS's own user (its certificate), one configured for amqp:// without
# the allowance, and secrets where they may not be: in the configuration file, or in a file that
# others may read (issue 16, point 4). No error shows the password.
printf 'secret\n' > "$work/plain.password" && chmod 600 "$work/plain.password"
printf 'secret\n' > "$work/open.password" && chmod 644 "$work/open.password"
/usr/bin/python3 - "$root/deploy/oms.json" "$work" "amqps://localhost:$BROKER_AMQP_PORT" "$tls" <<'EOF'
import json, sys
deploy, work, url, tls = sys.argv[1:5]
config = json.load(open(deploy))
config.pop("web_services", None)
config["store"] = work + "/oms.sqlite"
def write(name, broker):
    config["broker"] = dict(broker, routed_replies=True)
    json.dump(config, open(work + "/" + name, "w"))
# Its file names a port where nothing listens: CIMBUS_BROKER_URL, exported above, overrides it.
write("oms-tls.json", {"urls": ["amqps://localhost:1"], "ca_file": tls + "/ca.pem", "certificate_file": tls + "/oms.pem", "key_file": tls + "/oms.key",
                       "sasl_mechanism": "EXTERNAL"})
write("oms-plain.json", {"urls": ["amqp://127.0.0.1:5672"], "user": "cimbus", "password_file": work + "/plain.password"})
write("oms-password.json", {"urls": ["amqps://localhost:5671"], "user": "cimbus", "password": "secret"})
write("oms-url-login.json", {"urls": ["amqps://cimbus:secret@localhost:5671"]})
write("oms-open-password.json", {"urls": ["amqps://localhost:5671"], "user": "cimbus", "password_file": work + "/open.password"})
EOF
expect "an adapter for amqp:// without the allowance" 1 "password in clear" env -u CIMBUS_BROKER_URL "$bin/cimbus-oms" "$work/oms-plain.json"
expect "a password in the configuration file" 1 "broker.password: a password in the configuration file is refused" env -u CIMBUS_BROKER_URL "$bin/cimbus-oms" "$work/oms-password.json"
expect "a login in a URL of the configuration file" 1 "amqps://cimbus:\*\*\*@localhost:5671 carries a password, refused" env -u CIMBUS_BROKER_URL "$bin/cimbus-oms" "$work/oms-url-login.json"
expect "a password file others may read" 1 "open.password may be read by others (mode 0644): chmod 600 it" env -u CIMBUS_BROKER_URL "$bin/cimbus-oms" "$work/oms-open-password.json"
for f in oms-password oms-url-login; do
  if env -u CIMBUS_BROKER_URL "$bin/cimbus-oms" "$work/$f.json" 2>&1 | grep -q secret; then fail "$f: the error shows the password"; else pass "$f: the error does not show the password"; fi
done
expect "a password on the command line" 2 "a password on the command line is refused" "$cimbus" send --timeout 20 --url "amqps://cimbus:secret@localhost:$BROKER_AMQP_PORT" "$event"
if "$cimbus" send --timeout 20 --url "amqps://cimbus:secret@localhost:$BROKER_AMQP_PORT" "$event" 2>&1 | grep -q secret; then
  fail "the command line's refusal shows the password"; else pass "the command line's refusal does not show the password"; fi
"$bin/cimbus-oms" "$work/oms-tls.json" > "$work/oms.out" 2> "$work/oms.log" &
adapter_pid=$!
for _ in $(seq 1 300); do grep -q '^ready' "$work/oms.out" && break; kill -0 "$adapter_pid" 2>/dev/null || break; sleep 0.2; done
if grep -q '^ready' "$work/oms.out"; then
  pass "an adapter connects over TLS, as its own user by its certificate"
  grep -q "the broker's address comes from CIMBUS_BROKER_URL, not broker.urls" "$work/oms.log" &&
    grep -q "connected to the broker at amqps://localhost:$BROKER_AMQP_PORT" "$work/oms.log" &&
    pass "CIMBUS_BROKER_URL overrides the file's broker.urls, the login staying the file's (its certificate)" ||
    fail "CIMBUS_BROKER_URL did not override broker.urls: $(head -5 "$work/oms.log")"
  expect "a request over TLS is answered" 0 "<Result>" "$cimbus" request --timeout 30 --ca "$tls/ca.pem" "$root/tests/data/messages/Incidents-get.xml"
else
  fail "the adapter over TLS is not ready: $(tail -5 "$work/oms.log")"
fi
kill -TERM "$adapter_pid" && wait "$adapter_pid"; adapter_pid=

# Durable messages across a restart over TLS.
for i in 1 2 3 4 5; do "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --to tls.kept "$event" > /dev/null 2>&1 || fail "send $i before the restart"; done
"$broker" restart --dir "$work/broker" > /dev/null 2>&1 || fail "restart over TLS"
# 2 from the send checks above, 5 now
kept=$(timeout 90 "$cimbus" listen --ca "$tls/ca.pem" --from tls.kept --count 7 --timeout 30 2> /dev/null | grep -c "Incidents")
[[ $kept -ge 7 ]] && pass "7 durable messages kept across a restart over TLS" || fail "after the restart $kept of 7 messages"

# The server's certificate replaced, the broker restarted on it: issued for another host, expired.
cp "$tls/server.pem" "$work/server.pem.good" && cp "$tls/server.key" "$work/server.key.good"
server_certificate() {  # CN SAN [openssl ca dates]: a server certificate from the broker's CA
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/server.key" -out "$work/server.csr" \
    -subj "/CN=$1" -addext "subjectAltName=$2" 2> /dev/null
  chmod 600 "$tls/server.key"
  rm -rf "$work/ca-db" && mkdir "$work/ca-db" && touch "$work/ca-db/index.txt" && echo 1000 > "$work/ca-db/serial"
  printf '[ca]\ndefault_ca=local\n[local]\ndatabase=%s/index.txt\nserial=%s/serial\nnew_certs_dir=%s\ndefault_md=sha256\npolicy=any\ncopy_extensions=copy\n[any]\ncommonName=supplied\n' \
    "$work/ca-db" "$work/ca-db" "$work/ca-db" > "$work/ca-db/ca.cnf"
  openssl ca -batch -config "$work/ca-db/ca.cnf" -cert "$tls/ca.pem" -keyfile "$tls/ca.key" -in "$work/server.csr" -out "$tls/server.pem" \
    -notext -startdate "$3" -enddate "$4" > /dev/null 2>&1 || fail "openssl ca for $1"
}
server_certificate elsewhere.example DNS:elsewhere.example 20250101000000Z 20351231000000Z
"$broker" restart --dir "$work/broker" > /dev/null 2>&1 || fail "restart with another host's certificate"
expect "a certificate issued for another host" 1 "certificate verify failed" "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --to tls.kept "$event"
expect "the same, with the host name not checked (tls_verify chain)" 0 "accepted" \
  "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --tls-verify chain --to tls.kept "$event"
server_certificate localhost DNS:localhost,IP:127.0.0.1 20200101000000Z 20200201000000Z
"$broker" restart --dir "$work/broker" > /dev/null 2>&1 || fail "restart with an expired certificate"
expect "an expired certificate" 1 "certificate verify failed" "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --to tls.kept "$event"
cp "$work/server.pem.good" "$tls/server.pem" && cp "$work/server.key.good" "$tls/server.key"
"$broker" restart --dir "$work/broker" > /dev/null 2>&1 || fail "restart with the good certificate"
expect "the good certificate again" 0 "accepted" "$cimbus" send --timeout 20 --ca "$tls/ca.pem" --to tls.kept "$event"

"$broker" stop --dir "$work/broker"
pgrep -f "$work/broker" > /dev/null && fail "something of the broker still runs"
echo "$failures failures"
exit $((failures > 0))
