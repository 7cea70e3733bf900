#include "fragment_writer.hpp"

#include "xml_escape.hpp"

namespace cimbus::detail {

namespace {

constexpr std::size_t kKeptCapacity = 1 << 20;

// Appends ` xmlns:prefix="uri"` (` xmlns="uri"` for the default namespace).
void append_declaration(std::string& out, std::string_view prefix, std::string_view uri) {
  out += prefix.empty() ? " xmlns" : " xmlns:";
  out += prefix;
  out += "=\"";
  append_escaped_attribute(out, uri);
  out += '"';
}

}  // namespace

void FragmentWriter::close_start_tag() {
  if (!start_tag_open_) return;
  start_tag_open_ = false;
  if (depth_ > 1) buffer_ += '>';  // the root's '>' waits for the declarations it needs
}

void FragmentWriter::start(std::string_view qname) {
  if (depth_ == 0) {
    buffer_.clear();
    outer_.clear();
  } else {
    close_start_tag();
  }
  ++depth_;
  buffer_ += '<';
  buffer_ += qname;
  start_tag_open_ = true;
}

void FragmentWriter::declaration(std::string_view prefix, std::string_view uri) { append_declaration(buffer_, prefix, uri); }

void FragmentWriter::attribute(std::string_view qname, std::string_view value) {
  buffer_ += ' ';
  buffer_ += qname;
  buffer_ += "=\"";
  append_escaped_attribute(buffer_, value);
  buffer_ += '"';
}

void FragmentWriter::outer(std::string_view prefix, std::string_view uri) {
  if (!has_outer(prefix)) outer_.emplace(std::string(prefix), std::string(uri));
}

void FragmentWriter::text(std::string_view text) {
  close_start_tag();
  append_escaped_text(buffer_, text);
}

bool FragmentWriter::end(std::string_view qname) {
  if (depth_ > 1 && start_tag_open_) {
    buffer_ += "/>";
    start_tag_open_ = false;
  } else if (depth_ > 1) {
    buffer_ += "</";
    buffer_ += qname;
    buffer_ += '>';
  } else {
    const bool empty = buffer_.size() == root_tag_end_;
    std::string root_tail;
    for (const auto& [prefix, uri] : outer_) append_declaration(root_tail, prefix, uri);
    root_tail += empty ? "/>" : ">";
    buffer_.insert(root_tag_end_, root_tail);
    if (!empty) {
      buffer_ += "</";
      buffer_ += qname;
      buffer_ += '>';
    }
    start_tag_open_ = false;
  }
  return --depth_ == 0;
}

std::string FragmentWriter::take() {
  // A copy of exactly the fragment's size: the buffer keeps its capacity for the next message
  // instead of growing from nothing again (unless a rare huge payload made it large).
  std::string fragment(buffer_);
  if (buffer_.capacity() > kKeptCapacity) std::string().swap(buffer_);
  return fragment;
}

}  // namespace cimbus::detail
