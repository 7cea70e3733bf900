#!/usr/bin/env bash
# schemas/work/*.xsd describe the same XML trees as the public EPRI 2015 profiles of IEC 61968-6:
# element names, order, built-in types, pattern types (mRID), maxOccurs and enumerations equal
# the create profiles; minOccurs equal the change/delete profiles (which create messages satisfy
# too); the get query profiles are equal in everything. profile_tree.py compares the models that
# xsd2proto makes of both, from the root element down.
set -euo pipefail
xsd2proto=$1 reference=$2 schemas=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"

model() {  # model NAME SCHEMA_ROOT XSD -> $work/NAME/cimbus/p.proto
  mkdir -p "$work/$1"
  echo "$3 cimbus.p" > "$work/$1.manifest"
  "$xsd2proto" --schemas "$2" --manifest "$work/$1.manifest" --out "$work/$1"
  echo "$work/$1/cimbus/p.proto"
}

for noun in WorkRequests MaintenanceOrders ServiceOrders; do
  ours=$(model "ours-$noun" "$schemas" "work/$noun.xsd")
  python3 "$here/profile_tree.py" "$ours" "$(model "create-$noun" "$reference" "iec61968-6-epri2015/create/$noun.xsd")" \
    "$noun" --ignore-min
  # The change profile of ServiceOrders lacks Work/Attachments, which create has.
  extra=()
  [ "$noun" = ServiceOrders ] && extra=(--allow-extra ServiceOrders/ServiceOrder/Work/Attachments)
  python3 "$here/profile_tree.py" "$ours" "$(model "change-$noun" "$reference" "iec61968-6-epri2015/change/$noun.xsd")" \
    "$noun" "${extra[@]}"
  python3 "$here/profile_tree.py" "$(model "ours-Get$noun" "$schemas" "work/Get$noun.xsd")" \
    "$(model "get-Get$noun" "$reference" "iec61968-6-epri2015/get/Get$noun.xsd")" "Get$noun"
done
