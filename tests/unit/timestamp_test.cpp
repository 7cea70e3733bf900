// xs:dateTime read as an instant (cimbus/codec/timestamp.hpp), for ReplayDetection/Created.

#include <gtest/gtest.h>

#include "cimbus/codec/timestamp.hpp"

namespace cimbus {
namespace {

TEST(Timestamp, AnInstantWithItsZone) {
  EXPECT_EQ(parse_timestamp_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp_ms("2024-05-01T10:00:00.123Z"), 1714557600123);
  EXPECT_EQ(parse_timestamp_ms("2024-05-01T12:00:00.5+02:00"), 1714557600500);
  EXPECT_EQ(parse_timestamp_ms("2024-05-01T04:00:00.1234-06:00"), 1714557600123);
}

TEST(Timestamp, WhatNamesNoInstantIsRefused) {
  for (const char* text : {"2024-05-01T10:00:00", "2024-05-01", "2024-05-01T10:00:00+2:00", "2024-13-01T10:00:00Z",
                           "2024-05-01T10:00:00Zjunk", "x024-05-01T10:00:00Z", "", "2024-05-01T10:00:00+99:00"})
    EXPECT_EQ(parse_timestamp_ms(text), std::nullopt) << text;
}

TEST(Timestamp, WhatCimbusWritesReadsBack) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  EXPECT_EQ(parse_timestamp_ms(format_timestamp(now)), ms);
}

}  // namespace
}  // namespace cimbus
