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
// Validates `xml` with xmllint against `xsd`; returns xmllint's output when it fails, "" when valid.
std::string xmllint_errors(const std::string& xml, const std::string& xsd);

}  // namespace cimbus::test
