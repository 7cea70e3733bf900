#pragma once
// How a harness reads its input: the raw bytes as a string_view, and for harnesses whose input is
// an HTTP call, header lines before the body ("line\nline\nbody"), so that libFuzzer mutates the
// headers and the body alike.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cimbus::fuzz {

inline std::string_view bytes_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first `n` lines of `input` (fewer when it has fewer) and the rest after them.
struct Lines {
  std::vector<std::string_view> lines;
  std::string_view rest;
};

inline Lines split_lines(std::string_view input, std::size_t n) {
  Lines out;
  while (out.lines.size() < n) {
    const std::size_t end = input.find('\n');
    if (end == std::string_view::npos) break;
    out.lines.push_back(input.substr(0, end));
    input.remove_prefix(end + 1);
  }
  while (out.lines.size() < n) out.lines.emplace_back();
  out.rest = input;
  return out;
}

// Stops the run with a finding: a property the code promises does not hold for this input.
[[noreturn]] void finding(const char* what);

}  // namespace cimbus::fuzz
