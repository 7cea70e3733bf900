#!/usr/bin/env bash
# A storm through a full disk: the three adapters' stores live on a small tmpfs of this test's own,
# which is filled to the last byte mid-storm, held full until a commit fails and a little longer,
# then freed. The adapters must
# stop taking work while their stores fail, recover by themselves once space is back (no restart),
# and the storm must end with "conservation: OK" (nothing lost, no effect doubled). The tmpfs is
# mounted and unmounted here (root, as scripts/test runs).
#   disk_full_storm_test.sh SOURCE_DIR BIN_DIR WORK_DIR [cimbus-storm options]
set -uo pipefail
root=$1 bin=$2 work=$3
shift 3
stores=$work-stores  # beside WORK: storm_test.sh empties WORK
rm -rf "$work"        # so that the filler below waits for this run's logs, not the last run's
mkdir -p "$stores"
umount "$stores" 2> /dev/null
mount -t tmpfs -o size=64m tmpfs "$stores" || { echo "FAIL: this test mounts a tmpfs and needs root"; exit 1; }
trap 'umount "$stores"' EXIT
(
  # storm_test.sh empties $work; the storm's logs appear in $work/storm once it is under way.
  # Early, while the stores' write-ahead logs still grow (later, SQLite reuses their space).
  while [[ ! -e $work/storm/cis-1.log ]]; do sleep 0.2; done
  sleep 2
  dd if=/dev/zero of="$stores/filler" bs=64k 2> /dev/null
  echo "disk full: $(df -h --output=used,avail "$stores" | tail -1)"
  # Held full until an adapter's commit fails (WAL files may have room left for a while), then a
  # few seconds more, at most 40 s in all.
  for ((i = 0; i < 40; i++)); do
    grep -q "the store failed" "$work"/storm/*.log 2> /dev/null && break
    sleep 1
  done
  sleep 4
  rm -f "$stores/filler"
  echo "disk freed"
) > "$work-fill.log" 2>&1 &
filler=$!
"$root/tests/storm/storm_test.sh" "$root" "$bin" "$work" --store-dir "$stores" "$@"
status=$?
wait "$filler"
cat "$work-fill.log"
grep -q "disk freed" "$work-fill.log" || { echo "FAIL: the disk was not filled and freed within the storm"; exit 1; }
failed=$(grep -l "the store failed" "$work"/storm/*.log | xargs -r -n1 basename | tr '\n' ' ')
[[ -n $failed ]] || { echo "FAIL: no adapter's store failed: the disk did not fill while they wrote"; exit 1; }
echo "stores failed in: $failed"
for log in "$work"/storm/*.log; do
  if grep -q "the store failed" "$log" && ! grep -q "the store works again" "$log"; then
    echo "FAIL: $(basename "$log"): the store failed and the adapter did not recover"; exit 1
  fi
done
exit $status
