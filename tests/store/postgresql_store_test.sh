#!/usr/bin/env bash
# The store's unit tests on PostgreSQL: a private PostgreSQL 15 (scripts/postgres) in WORK, the
# engine-neutral Store and Journal tests and the PostgreSQL engine's own run against it, then the
# server stopped by its pid. Fails if any of them was skipped (the server was not reached).
#   postgresql_store_test.sh SOURCE_DIR TEST_BINARY WORK
set -euo pipefail
source_dir=$1 tests=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
trap '"$source_dir/scripts/postgres" stop --dir "$work/postgres"' EXIT
url=$("$source_dir/scripts/postgres" start --dir "$work/postgres")
eval "$("$source_dir/scripts/postgres" env --dir "$work/postgres")"
export PGPASSWORD CIMBUS_TEST_POSTGRES_URL=$url
"$tests" --gtest_filter='Store.*:Journal.*:PostgresqlServer.*:PostgresqlStore.*' --gtest_brief=1 2>&1 | tee "$work/tests.log"
status=${PIPESTATUS[0]}
((status == 0)) || exit "$status"
if grep -q "SKIPPED" "$work/tests.log"; then echo "postgresql_store_test: tests were skipped: the server was not used" >&2; exit 1; fi
ran=$(sed -n 's/.*\[==========\] \([0-9]*\) tests.*ran.*/\1/p' "$work/tests.log")
echo "postgresql_store_test: $ran tests passed on PostgreSQL ($url)"
