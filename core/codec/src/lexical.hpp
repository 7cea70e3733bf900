#pragma once
// XSD lexical forms of the built-in datatypes the codec converts (boolean, integers, float and
// double). Values are whitespace-collapsed first, as those datatypes require.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cimbus::detail {

std::string_view collapse_edges(std::string_view text);

std::optional<bool> parse_boolean(std::string_view text);         // true, false, 1, 0
std::optional<std::int64_t> parse_integer(std::string_view text);  // sign, leading zeros: "+007"
std::optional<std::uint64_t> parse_unsigned(std::string_view text);
std::optional<double> parse_double(std::string_view text);         // also INF, -INF, NaN

std::string format_double(double value);

}  // namespace cimbus::detail
