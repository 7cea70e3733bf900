#pragma once
// Where each element of a document lies, read with the decoder's tokenizer: for tests
// that cut, repeat or swap whole elements (the validator's differential tests).

#include <cstddef>
#include <string>
#include <vector>

#include "xml_tokenizer.hpp"

namespace cimbus::test {

struct ElementSpan {
  std::size_t begin, end;  // from '<' of the start tag to after its end tag
  std::size_t depth;       // 1: the root
};

// The elements in document order; none past a well-formedness fault.
inline std::vector<ElementSpan> element_spans(const std::string& xml) {
  using detail::XmlTokenizer;
  std::vector<ElementSpan> spans;
  std::vector<std::size_t> open;
  XmlTokenizer t(xml, {});
  for (XmlTokenizer::Event e; (e = t.next()) != XmlTokenizer::Event::done && e != XmlTokenizer::Event::fault;) {
    if (e == XmlTokenizer::Event::start) {
      open.push_back(spans.size());
      spans.push_back({t.tag_begin(), 0, open.size()});
    } else if (e == XmlTokenizer::Event::end) {
      spans[open.back()].end = t.end();
      open.pop_back();
    }
  }
  return spans;
}

}  // namespace cimbus::test
