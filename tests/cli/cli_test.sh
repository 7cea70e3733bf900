#!/usr/bin/env bash
# `cimbus validate` and `cimbus convert` on every reference file and on the example message of
# every noun (tests/data/messages), as a user runs them.
set -uo pipefail
cimbus=$1 reference=$2 work=$3 examples=$4
rm -rf "$work" && mkdir -p "$work"
failures=0
check() { # description, expected status, actual status
  if [[ $2 != "$3" ]]; then echo "FAIL: $1 (exit $3, expected $2)"; failures=$((failures + 1)); fi
}
tv=$reference/instances/testvectors

"$cimbus" validate "$tv"/tv*.xml > "$work/tv.out"; check "validate tv*" 0 $?
"$cimbus" validate --policy lenient "$reference"/instances/openwms/*.xml > "$work/openwms.out"; check "validate --policy lenient openwms" 0 $?
for f in "$tv"/neg*.xml; do
  "$cimbus" validate "$f" > "$work/neg.out"; rc=$?; check "validate $f" 1 $rc
  # one line per error: FILE: CODE LEVEL PATH: reason
  grep -Eq "^$f: [0-9]+\.[0-9]+ (FATAL|WARNING|INFORM|CATASTROPHIC) /[^ ]*: .+" "$work/neg.out" ||
    { echo "FAIL: finding format for $f"; cat "$work/neg.out"; failures=$((failures + 1)); }
done
grep -q "neg01_bad_verb_case.xml: 2.9 FATAL /RequestMessage/Header/Verb: " <("$cimbus" validate "$tv/neg01_bad_verb_case.xml") ||
  { echo "FAIL: neg01 line"; failures=$((failures + 1)); }

"$cimbus" validate "$examples"/*.xml > "$work/examples.out"; check "validate the examples of every noun" 0 $?
for noun in TroubleTickets Incidents ServiceRequests CustomerAgreements WorkRequests MaintenanceOrders ServiceOrders; do
  ls "$examples"/$noun-*.xml > /dev/null 2>&1 || { echo "FAIL: no example of $noun"; failures=$((failures + 1)); }
  # The payload decodes into the noun's generated type.
  for f in "$examples"/$noun-*.xml; do
    "$cimbus" convert --to json "$f" 2>/dev/null | grep -q '"@type": "type.googleapis.com/cimbus\.[a-z]*\.[a-z_]*\.\(Get\)\?'$noun'"' ||
      { echo "FAIL: $f does not decode into a typed $noun"; failures=$((failures + 1)); }
  done
done

for f in "$tv"/tv*.xml "$reference"/instances/openwms/*.xml "$examples"/*.xml; do
  name=$(basename "$f" .xml)
  "$cimbus" convert --policy lenient --to json "$f" > "$work/$name.json" 2>/dev/null; check "convert $name to json" 0 $?
  "$cimbus" convert --policy lenient --from json --to binary "$work/$name.json" > "$work/$name.bin"; check "json to binary $name" 0 $?
  "$cimbus" convert --policy lenient --from binary --to xml "$work/$name.bin" > "$work/$name.xml"; check "binary to xml $name" 0 $?
  "$cimbus" convert --policy lenient --to json "$work/$name.xml" > "$work/$name.2.json" 2>/dev/null; check "xml to json again $name" 0 $?
  cmp -s "$work/$name.json" "$work/$name.2.json" || { echo "FAIL: $name json differs after a round trip"; failures=$((failures + 1)); }
done
for f in "$tv"/tv*.xml; do
  name=$(basename "$f" .xml)
  xmllint --noout --schema "$reference/iec61968-100/Message.xsd" "$work/$name.xml" 2>"$work/lint.err" ||
    { echo "FAIL: $name.xml does not validate with xmllint"; cat "$work/lint.err"; failures=$((failures + 1)); }
done
# What cimbus writes for Part 6 nouns validates against the EPRI profiles (change/get: the
# cardinalities cimbus uses).
for f in "$examples"/WorkRequests-*.xml "$examples"/MaintenanceOrders-*.xml "$examples"/ServiceOrders-*.xml; do
  name=$(basename "$f" .xml) noun=${name%%-*}
  xsd=$reference/iec61968-6-epri2015/change/${noun}Message.xsd
  [[ $name == *-get* ]] && xsd=$reference/iec61968-6-epri2015/get/Get${noun}Message.xsd
  xmllint --noout --schema "$xsd" "$work/$name.xml" 2>"$work/lint.err" ||
    { echo "FAIL: $name.xml does not validate against $xsd"; cat "$work/lint.err"; failures=$((failures + 1)); }
done
# A payload error is reported with the path of the element at fault.
sed 's#<m:kind>repair</m:kind>#<m:kind>teleport</m:kind>#' "$examples/MaintenanceOrders-create.xml" > "$work/bad-kind.xml"
"$cimbus" validate "$work/bad-kind.xml" > "$work/bad-kind.out"; check "validate a bad enumeration literal" 1 $?
grep -q ": 1.8 FATAL /CreateMaintenanceOrders/Payload/MaintenanceOrders/MaintenanceOrder/Work/kind: " "$work/bad-kind.out" ||
  { echo "FAIL: bad-kind line"; cat "$work/bad-kind.out"; failures=$((failures + 1)); }

"$cimbus" convert --to xml "$tv/neg01_bad_verb_case.xml" > /dev/null 2>&1; check "convert an invalid file" 1 $?
echo '{"archetype":"FAULT_MESSAGE","message":{"Header":{"Verb":"get","Noun":"X"},"Reply":{"Result":"FAILED"}}}' > "$work/bad.json"
"$cimbus" convert --from json --to xml "$work/bad.json" > /dev/null 2>&1; check "encode a FaultMessage with a Header" 1 $?
"$cimbus" validate /nonexistent.xml > /dev/null 2>&1; check "validate a missing file" 1 $?
"$cimbus" frobnicate > /dev/null 2> "$work/unknown.err"; check "an unknown command" 2 $?
grep -q "unknown command 'frobnicate'" "$work/unknown.err" || { echo "FAIL: an unknown command is not said"; failures=$((failures + 1)); }
# Usage errors exit 2 (not CLI11's 105, 106, 109): an unknown option, a missing value, a missing argument.
"$cimbus" validate --bogus x.xml > /dev/null 2>&1; check "an unknown option" 2 $?
"$cimbus" validate --policy > /dev/null 2>&1; check "an option without its value" 2 $?
"$cimbus" convert x.xml > /dev/null 2>&1; check "convert without --to" 2 $?
"$cimbus" validate --policy loose x.xml > /dev/null 2>&1; check "a value not allowed" 2 $?
"$cimbus" --help > /dev/null 2>&1; check "--help" 0 $?
"$cimbus" --version | grep -Eq '^cimbus [0-9]+\.[0-9]+\.[0-9]+$' || { echo "FAIL: cimbus --version"; failures=$((failures + 1)); }
"$cimbus" validate "$examples" > "$work/dir.out" 2>&1; check "validate a directory" 1 $?
grep -q "is a directory" "$work/dir.out" || { echo "FAIL: a directory is not said to be one"; cat "$work/dir.out"; failures=$((failures + 1)); }

if ((failures)); then echo "$failures CLI checks failed"; exit 1; fi
echo "CLI checks passed"
