#!/usr/bin/env bash
# The Debian package (issue 17, point 6): built by scripts/package from this build; its contents,
# control files, maintainer scripts and systemd unit checked (dpkg-deb, sh -n, systemd-analyze
# verify against the unpacked tree); unpacked into a fresh root directory, its binaries run from
# there.
#   package_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -uo pipefail
root=$1 build=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
deb=$(CIMBUS_BUILD_DIR=$build "$root/scripts/package" --no-build --output "$work/out") || fail "scripts/package"
[[ -f $deb ]] || fail "no package at '$deb'"
echo "package: $deb ($(du -h "$deb" | cut -f1))"

contents=$(dpkg-deb --contents "$deb") || fail "dpkg-deb --contents"
for path in ./usr/bin/cimbus ./usr/bin/cimbus-adapter ./usr/bin/cimbus-cis ./usr/bin/cimbus-oms ./usr/bin/cimbus-wms \
            ./usr/share/cimbus/schemas/work/MaintenanceOrders.xsd ./usr/share/cimbus/schemas/customer/TroubleTickets.xsd \
            ./usr/share/cimbus/examples/oms.json ./etc/cimbus/cis.json ./etc/cimbus/oms.json ./etc/cimbus/wms.json \
            ./usr/lib/systemd/system/cimbus-adapter@.service ./usr/share/doc/cimbus/README.md; do
  grep -q " $path\$" <<< "$contents" || fail "$path is not in the package"
done
grep -E ' \./etc/cimbus/oms\.json$' <<< "$contents" | grep -q '^-rw-r-----' || fail "/etc/cimbus/oms.json is not mode 0640"

dpkg-deb -e "$deb" "$work/control" || fail "dpkg-deb -e"
grep -q '^Depends:.*libqpid-proton-cpp12' "$work/control/control" || fail "Depends lacks the Proton library"
grep -q '^Depends:.*adduser' "$work/control/control" || fail "Depends lacks adduser (postinst uses it)"
[[ $(cat "$work/control/conffiles") == $'/etc/cimbus/cis.json\n/etc/cimbus/oms.json\n/etc/cimbus/wms.json' ]] || fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  [[ -x $work/control/$script ]] || fail "$script is missing or not executable"
  sh -n "$work/control/$script" || fail "$script: syntax"
done
grep -q 'adduser --system' "$work/control/postinst" || fail "postinst makes no system user"

rootfs=$work/root
mkdir -p "$rootfs" && dpkg-deb -x "$deb" "$rootfs" || fail "dpkg-deb -x"
version=$("$rootfs/usr/bin/cimbus" --version) || fail "cimbus --version from the unpacked root"
[[ $version =~ ^cimbus\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "cimbus --version said '$version'"
"$rootfs/usr/bin/cimbus-oms" --version | grep -q '^cimbus-oms ' || fail "cimbus-oms --version"
"$rootfs/usr/bin/cimbus" validate "$root/tests/data/messages/TroubleTickets-create.xml" > /dev/null || fail "cimbus validate from the unpacked root"
"$rootfs/usr/bin/cimbus" topology --config "$rootfs/etc/cimbus/cis.json" --config "$rootfs/etc/cimbus/oms.json" \
  --config "$rootfs/etc/cimbus/wms.json" > /dev/null || fail "cimbus topology of the installed configurations"
grep -q '"store": "/var/lib/cimbus/oms.sqlite"' "$rootfs/etc/cimbus/oms.json" || fail "the installed oms.json keeps its store elsewhere than /var/lib/cimbus"

unit=$rootfs/usr/lib/systemd/system/cimbus-adapter@.service
for setting in 'User=cimbus' 'ExecStart=/usr/bin/cimbus-adapter --log-format json /etc/cimbus/%i.json' 'Restart=on-failure' \
               'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'StateDirectory=cimbus' 'CapabilityBoundingSet='; do
  grep -qxF "$setting" "$unit" || fail "the unit lacks $setting"
done
verify=$(systemd-analyze verify --root="$rootfs" --man=no --recursive-errors=no cimbus-adapter@oms.service 2>&1) || fail "systemd-analyze verify: $verify"
[[ -z $verify ]] || fail "systemd-analyze verify warns: $verify"
# The launcher runs the role a configuration names.
"$rootfs/usr/bin/cimbus-adapter" --version "$rootfs/etc/cimbus/wms.json" | grep -q '^cimbus-wms ' || fail "cimbus-adapter does not run cimbus-wms for wms.json"
echo "PASS"
