#pragma once
// JSON text written directly, for documents too big to build as a protobuf Struct first (a
// reference system's state: a Struct costs about a kilobyte per row) and for log lines.
//
//   std::string out = "{\"name\":";
//   json::append_string(out, name);   // "…" with ", \ and control characters escaped
//
// Threading: free functions.

#include <string>
#include <string_view>

namespace cimbus::json {

// `text` as a JSON string, quotes included. UTF-8 passes as it is.
void append_string(std::string& out, std::string_view text);

}  // namespace cimbus::json
