#include <gtest/gtest.h>

#include <cmath>

#include "lexical.hpp"

namespace cimbus::detail {
namespace {

TEST(Lexical, Booleans) {
  EXPECT_EQ(parse_boolean("true"), true);
  EXPECT_EQ(parse_boolean(" 1 "), true);
  EXPECT_EQ(parse_boolean("0"), false);
  EXPECT_EQ(parse_boolean("false"), false);
  EXPECT_EQ(parse_boolean("TRUE"), std::nullopt);
  EXPECT_EQ(parse_boolean("yes"), std::nullopt);
}

TEST(Lexical, Integers) {
  EXPECT_EQ(parse_integer("+007"), 7);
  EXPECT_EQ(parse_integer("-12"), -12);
  EXPECT_EQ(parse_integer("\n42\t"), 42);
  EXPECT_EQ(parse_integer("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_integer("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_integer("1.5"), std::nullopt);
  EXPECT_EQ(parse_integer("+-1"), std::nullopt);
  EXPECT_EQ(parse_integer(""), std::nullopt);
}

TEST(Lexical, Doubles) {
  EXPECT_EQ(parse_double("1.5e3"), 1500.0);
  EXPECT_TRUE(std::isinf(*parse_double("-INF")));
  EXPECT_TRUE(std::isnan(*parse_double("NaN")));
  EXPECT_EQ(parse_double("inf"), std::nullopt);  // XSD spells it INF
  EXPECT_EQ(parse_double("0x10"), std::nullopt);
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::infinity()), "-INF");
}

}  // namespace
}  // namespace cimbus::detail
