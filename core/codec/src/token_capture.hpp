#pragma once
// SubtreeCapture (subtree_capture.hpp) for the tokenizer's events: an element and its content
// as standalone XML text, its root declaring every prefix the fragment uses but does not declare
// itself. Both give the same text for the same element, so that a message decodes to the same
// envelope whichever decoder read it; the differential tests hold them to it.

#include <map>
#include <string>
#include <string_view>

#include "xml_tokenizer.hpp"

namespace cimbus::detail {

class TokenCapture {
 public:
  bool active() const { return depth_ > 0; }
  void reset() { depth_ = 0; start_tag_open_ = false; }
  // After the tokenizer's start event.
  void start(const XmlTokenizer& t);
  void text(std::string_view text);
  // After the tokenizer's end event. True when the fragment's root has ended: take() gives it.
  bool end(const XmlTokenizer& t);
  std::string take();

 private:
  void use_prefix(const XmlTokenizer& t, std::string_view prefix);
  void close_start_tag();

  std::size_t depth_ = 0;
  std::size_t base_mark_ = 0;     // bindings below this index are declared outside the fragment
  std::string buffer_;
  std::size_t root_tag_end_ = 0;  // where the root's outer declarations and '>' go
  bool start_tag_open_ = false;
  std::map<std::string, std::string, std::less<>> outer_;  // prefixes the fragment needs from outside
};

}  // namespace cimbus::detail
