#pragma once
// What a message names, read from its XML for the journal: the mRIDs of its payload's objects
// (subjects), the mRIDs nested in them and a get's Request IDs (references), and a reply's Result
// and error codes. One pass over the text; the message was validated when it came in or made by
// cimbus, so this is no parser: anything it does not recognise is skipped.
//
//   MessageNames n = scan_names(body);   // n.subjects {"a3f1c2d4-..."}, n.references {"0c2a4e6f-...", ...}
//
// Threading: a free function.

#include <string>
#include <string_view>
#include <vector>

namespace cimbus::adapter::detail {

struct MessageNames {
  std::vector<std::string> subjects;
  std::vector<std::string> references;
  std::string result;  // Reply/Result: OK, PARTIAL, FAILED ("" when none)
  std::string codes;   // Reply/Error/code values, space-separated
  std::string message_id;      // Header/MessageID
  std::string correlation_id;  // Header/CorrelationID
};

// Bodies over `max_bytes`, and names past `max_names`, are not read.
MessageNames scan_names(std::string_view xml, std::size_t max_bytes = 4u << 20, std::size_t max_names = 256);

}  // namespace cimbus::adapter::detail
