#pragma once
// Files the tests read: the reference data beside the repository, and scratch space.

#include <string>
#include <vector>

namespace cimbus::test {

std::string reference(const std::string& relative);   // ../shared/reference/<relative>
std::string read_file(const std::string& path);
std::vector<std::string> list_files(const std::string& dir, const std::string& prefix, const std::string& suffix);
std::string scratch_file(const std::string& name, const std::string& content);  // written under the build tree
// The path of a new, empty store file `<folder>/<name>.sqlite` under the build tree (an earlier
// run's file, with its WAL, removed).
std::string fresh_store_file(const std::string& folder, const std::string& name);
// Where a new, empty store is, on the engine the tests run on: a fresh store file, or, when
// CIMBUS_TEST_POSTGRES_URL names a PostgreSQL server (tests/store/postgresql_store_test.sh starts
// one), a new database `<folder>_<name>` on it. Store-level tests that hold for every engine use this.
std::string fresh_store(const std::string& folder, const std::string& name);
// True when fresh_store gives PostgreSQL databases.
bool testing_postgresql();
// Validates `xml` with xmllint against `xsd`; returns xmllint's output when it fails, "" when valid.
std::string xmllint_errors(const std::string& xml, const std::string& xsd);

}  // namespace cimbus::test
