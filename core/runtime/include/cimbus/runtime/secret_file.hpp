#pragma once
// Secrets kept in files (README, "Secrets"): a password or a token is its file's first line. The
// file must be readable by its owner only, as ssh does for keys: a secret others may read is no
// longer one.

#include <string>

namespace cimbus::adapter {

// The first line of `path`, without its line end. Throws std::invalid_argument naming `what` and
// the file, never its content: when it cannot be read, is empty, or its mode lets others than its
// owner read it (anything beyond 0600; "chmod 600" is the cure).
std::string read_secret_file(const std::string& path, const std::string& what);

// Writes `secret` as the one line of `path`, made mode 0600 before anything is written. Throws
// std::runtime_error naming the file when it cannot.
void write_secret_file(const std::string& path, const std::string& secret);

}  // namespace cimbus::adapter
