#pragma once
// Writes an element and its content as standalone XML text, in UTF-8: the fragment's root
// declares every prefix the fragment uses but does not declare itself, so that the text means
// the same wherever it is inserted. The one writer of the decoders' captured payloads: the SAX
// handler's SubtreeCapture and the envelope builder's TokenCapture feed it, each from its own
// view of the namespaces in scope, and so give the same text for the same element.
//
//   writer.start("r:Reading");  writer.declaration("r", "urn:r");  writer.attribute("at", "3");
//   writer.outer("o", "urn:o");  // a prefix used inside, bound outside: declared on the root
//   writer.text("1.5");
//   if (writer.end("r:Reading")) fragment = writer.take();

#include <map>
#include <string>
#include <string_view>

namespace cimbus::detail {

class FragmentWriter {
 public:
  bool active() const { return depth_ > 0; }
  std::size_t depth() const { return depth_; }
  void reset() {
    depth_ = 0;
    start_tag_open_ = false;
  }

  // A start tag; the first begins a new fragment.
  void start(std::string_view qname);
  // Of the element just started, in the order written.
  void declaration(std::string_view prefix, std::string_view uri);
  void attribute(std::string_view qname, std::string_view value);
  // After the root's start tag: its own declarations and attributes are written.
  void root_written() {
    if (depth_ == 1) root_tag_end_ = buffer_.size();
  }
  // A prefix the fragment uses, bound outside it to `uri` ("" for the default namespace left
  // undeclared): declared once, on the root.
  void outer(std::string_view prefix, std::string_view uri);
  bool has_outer(std::string_view prefix) const { return outer_.find(prefix) != outer_.end(); }
  void text(std::string_view text);
  // True when the fragment's root has ended: take() gives the fragment.
  bool end(std::string_view qname);
  std::string take();

 private:
  void close_start_tag();

  std::size_t depth_ = 0;
  std::string buffer_;
  std::size_t root_tag_end_ = 0;  // where the root's outer declarations and '>' go
  bool start_tag_open_ = false;
  std::map<std::string, std::string, std::less<>> outer_;
};

}  // namespace cimbus::detail
