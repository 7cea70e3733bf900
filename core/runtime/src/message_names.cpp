#include "message_names.hpp"

#include <algorithm>

namespace cimbus::adapter::detail {

namespace {

// A start tag's local name: up to white space, '/' or the end, after its prefix's colon. One pass:
// this runs for every tag of every message in and out.
std::string_view local_name_of(std::string_view tag) {
  std::size_t i = 0, local = 0;
  for (; i < tag.size(); ++i) {
    const char c = tag[i];
    if (static_cast<unsigned char>(c) <= ' ' || c == '/') break;  // XML's white space is all below '!'
    if (c == ':') local = i + 1;
  }
  return tag.substr(local, i - local);
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

void add_once(std::vector<std::string>& to, std::string_view name, std::size_t max_names) {
  if (name.empty() || name.size() > 128 || to.size() >= max_names) return;
  for (const char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '&') return;  // no name, or not one value
  if (std::find(to.begin(), to.end(), name) == to.end()) to.emplace_back(name);
}

}  // namespace

MessageNames scan_names(std::string_view xml, std::size_t max_bytes, std::size_t max_names) {
  MessageNames out;
  if (xml.size() > max_bytes) return out;
  std::vector<std::string_view> open;  // local names of the open elements
  open.reserve(32);
  long payload = -1, request = -1;     // depth of Payload and Request, while open
  std::size_t at = 0;
  while ((at = xml.find('<', at)) != std::string_view::npos) {
    if (at + 1 < xml.size() && xml[at + 1] == '!' && xml.compare(at, 4, "<!--") == 0) {
      const std::size_t end = xml.find("-->", at);
      if (end == std::string_view::npos) break;
      at = end + 3;
      continue;
    }
    const std::size_t end = xml.find('>', at);
    if (end == std::string_view::npos) break;
    const std::string_view tag = xml.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      if (!open.empty()) open.pop_back();
      const long depth = static_cast<long>(open.size());
      if (payload >= depth) payload = -1;
      if (request >= depth) request = -1;
      continue;
    }
    const bool empty = tag.back() == '/';
    const std::string_view name = local_name_of(tag);
    const long depth = static_cast<long>(open.size());
    if (!empty) {
      const std::string_view parent = open.empty() ? std::string_view() : open.back();
      // The element's text, up to the next tag: read only for the few names that need it.
      const auto text = [&] {
        const std::size_t text_end = xml.find('<', at);
        return trimmed(xml.substr(at, text_end == std::string_view::npos ? 0 : text_end - at));
      };
      if (name == "Payload") payload = depth;
      else if (name == "Request") request = depth;
      else if (name == "mRID" && payload >= 0) add_once(depth == payload + 3 ? out.subjects : out.references, text(), max_names);
      else if ((name == "mRID" || name == "ID") && request >= 0) add_once(out.references, text(), max_names);
      else if (name == "Result" && parent == "Reply") out.result = text();
      else if (name == "MessageID" && parent == "Header") out.message_id = text();
      else if (name == "CorrelationID" && parent == "Header") out.correlation_id = text();
      else if (name == "code" && parent == "Error") out.codes.append(out.codes.empty() ? "" : " ").append(text());
      open.push_back(name);
    }
  }
  return out;
}

}  // namespace cimbus::adapter::detail
