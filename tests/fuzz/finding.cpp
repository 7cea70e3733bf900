#include <cstdio>
#include <cstdlib>

#include "fuzz_input.hpp"

namespace cimbus::fuzz {

void finding(const char* what) {
  std::fprintf(stderr, "cimbus fuzz finding: %s\n", what);
  std::abort();  // libFuzzer writes the input as crash-<sha1>
}

}  // namespace cimbus::fuzz
