#include <gtest/gtest.h>

#include "cimbus/codec/compressed_payload.hpp"

namespace cimbus {
namespace {

TEST(CompressedPayload, RoundTrips) {
  const std::string xml = "<?xml version=\"1.0\"?><a>" + std::string(10000, 'x') + "</a>";
  std::string text = compress_payload(xml);
  EXPECT_LT(text.size(), xml.size() / 10);
  DecompressedPayload back = decompress_payload(text, 1 << 20);
  EXPECT_TRUE(back.error.empty());
  EXPECT_EQ(back.content, xml);
}

TEST(CompressedPayload, StopsAtTheLimit) {
  DecompressedPayload back = decompress_payload(compress_payload(std::string(100000, 'a')), 1000);
  EXPECT_TRUE(back.too_large);
  EXPECT_TRUE(back.content.empty());
}

TEST(CompressedPayload, PlainBase64IsBinaryContent) {
  DecompressedPayload back = decompress_payload("aGVs\n bG8=", 100);  // whitespace is ignored
  EXPECT_EQ(back.content, "hello");
}

TEST(CompressedPayload, RejectsCorruptInput) {
  EXPECT_EQ(decompress_payload("a$b=", 100).error, "not base64");
  std::string truncated = compress_payload(std::string(5000, 'q'));
  truncated.resize(truncated.size() / 2 / 4 * 4);
  EXPECT_FALSE(decompress_payload(truncated, 1 << 20).error.empty());
}

}  // namespace
}  // namespace cimbus
