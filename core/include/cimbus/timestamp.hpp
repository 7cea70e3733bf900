#pragma once
// xs:dateTime values for Header/Timestamp.

#include <chrono>
#include <string>

namespace cimbus {

// UTC with milliseconds and an explicit offset: 2024-05-01T10:00:00.123Z.
std::string format_timestamp(std::chrono::system_clock::time_point time);
inline std::string now_timestamp() { return format_timestamp(std::chrono::system_clock::now()); }

}  // namespace cimbus
