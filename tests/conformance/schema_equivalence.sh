#!/usr/bin/env bash
# schemas/message/Message.xsd is structurally equivalent to the public IEC 61968-100 Ed.1 schema:
# xsd2proto maps both to the same protobuf model (element names, order, types, cardinalities,
# enumerations, attributes). Only the generated file's first comment line (its source) differs.
set -euo pipefail
xsd2proto=$1 reference=$2 schemas=$3 work=$4
rm -rf "$work" && mkdir -p "$work/ours" "$work/theirs"
echo "message/Message.xsd cimbus.msg" > "$work/ours.manifest"
echo "iec61968-100/Message.xsd cimbus.msg" > "$work/theirs.manifest"
"$xsd2proto" --schemas "$schemas" --manifest "$work/ours.manifest" --out "$work/ours"
"$xsd2proto" --schemas "$reference" --manifest "$work/theirs.manifest" --out "$work/theirs"
if diff <(tail -n +2 "$work/ours/cimbus/msg.proto") <(tail -n +2 "$work/theirs/cimbus/msg.proto"); then
  echo "equivalent: $(grep -c '^message ' "$work/ours/cimbus/msg.proto") types"
else
  echo "schemas/message/Message.xsd differs structurally from the reference" >&2
  exit 1
fi
