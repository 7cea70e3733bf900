#pragma once
// Time as cimbus writes it: xs:dateTime values for Header/Timestamp, and milliseconds since the
// epoch for what the store and the reference systems keep.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cimbus {

// UTC with milliseconds and an explicit offset: 2024-05-01T10:00:00.123Z.
std::string format_timestamp(std::chrono::system_clock::time_point time);
inline std::string now_timestamp() { return format_timestamp(std::chrono::system_clock::now()); }

// Milliseconds since the epoch of an xs:dateTime with its time zone (Z or +hh:mm/-hh:mm; fractions
// of a second kept to the millisecond), e.g. 2024-05-01T12:00:00.5+02:00. nullopt for anything
// else, a value without a time zone included: it names no instant.
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text);

// Now, in milliseconds since the epoch (UTC).
inline std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace cimbus
