// The decoder's two paths (decisions/0035) on any bytes: the fast path (cimbus's validator
// building the envelope, Xerces-C for what it does not call valid) and the reference (Xerces-C
// alone) give the same DecodeResult, under both policies. Not compared: documents with an
// xsi: attribute, on which Xerces-C's verdict depends on the documents its reader saw before.

#include "cimbus/codec/xml_codec.hpp"
#include "decode_result_text.hpp"
#include "fuzz_input.hpp"

namespace {

void compare(cimbus::XmlCodec& fast, cimbus::XmlCodec& reference, std::string_view xml) {
  if (cimbus::test::describe(fast.decode(xml)) != cimbus::test::describe(reference.decode(xml)))
    cimbus::fuzz::finding("the fast path and the reference decode the document differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cimbus::CodecOptions;
  using cimbus::ValidationPolicy;
  static cimbus::XmlCodec fast_strict(CodecOptions{ValidationPolicy::strict, {}, false});
  static cimbus::XmlCodec reference_strict(CodecOptions{ValidationPolicy::strict, {}, true});
  static cimbus::XmlCodec fast_lenient(CodecOptions{ValidationPolicy::lenient, {}, false});
  static cimbus::XmlCodec reference_lenient(CodecOptions{ValidationPolicy::lenient, {}, true});
  const std::string_view xml = cimbus::fuzz::bytes_of(data, size);
  if (xml.find("XMLSchema-instance") != std::string_view::npos) return 0;
  compare(fast_strict, reference_strict, xml);
  compare(fast_lenient, reference_lenient, xml);
  return 0;
}
