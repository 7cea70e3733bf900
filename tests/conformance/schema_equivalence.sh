#!/usr/bin/env bash
# schemas/message/Message.xsd is structurally equivalent to the public IEC 61968-100 Ed.1 schema:
# xsd2proto maps both to the same protobuf model (element names, order, types, cardinalities,
# enumerations, attributes). Only the generated file's first comment line (its source) and the
# Payload wildcard's processContents (see below) differ.
set -euo pipefail
xsd2proto=$1 reference=$2 schemas=$3 work=$4
rm -rf "$work" && mkdir -p "$work/ours" "$work/theirs"
echo "message/Message.xsd cimbus.msg" > "$work/ours.manifest"
echo "iec61968-100/Message.xsd cimbus.msg" > "$work/theirs.manifest"
"$xsd2proto" --schemas "$schemas" --manifest "$work/ours.manifest" --out "$work/ours"
"$xsd2proto" --schemas "$reference" --manifest "$work/theirs.manifest" --out "$work/theirs"
# The one deliberate difference: Payload's wildcard is lax in ours (payloads with a loaded schema
# are validated), skip in Ed.1. Everything else must be identical.
lax_payload='s/(repeated string any = 1 \[json_name = "any", \(cimbus.xml.field\) = \{ kind: ANY min_occurs: 0 unbounded: true process_contents: )"lax"/\1"skip"/'
grep -A3 '^message PayloadType {' "$work/ours/cimbus/msg.proto" | grep -q 'process_contents: "lax"' ||
  { echo "expected ours to have a lax Payload wildcard" >&2; exit 1; }
if diff <(tail -n +2 "$work/ours/cimbus/msg.proto" | sed -E "/^message PayloadType \{/,/^}/$lax_payload") \
        <(tail -n +2 "$work/theirs/cimbus/msg.proto"); then
  echo "equivalent: $(grep -c '^message ' "$work/ours/cimbus/msg.proto") types"
else
  echo "schemas/message/Message.xsd differs structurally from the reference" >&2
  exit 1
fi
